from . import messages_de  # noqa: F401  German validation messages before any schema is built
