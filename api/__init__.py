

from . import messages_de  # noqa: E402,F401  German validation messages before any schema is built
