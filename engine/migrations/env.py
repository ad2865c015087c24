"""Alembic environment: the URL comes from the config object built by engine.migrate."""

from alembic import context

from engine.db import make_engine
from engine.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None  # engine.migrate always sets it
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations copy a table, drop it and rename the copy: with foreign keys on, dropping a
            # table other rows refer to would fail. Off for the migration (outside its transaction, where
            # SQLite allows it); checked below before it counts as done.
            driver = connection.connection.driver_connection  # below SQLAlchemy: no BEGIN before it
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")
        elif connection.dialect.name == "postgresql":
            # Data migrations act for all tenants (engine/tenancy): Row-Level Security binds the tables'
            # owner too (FORCE), so without it an UPDATE of existing rows would see none.
            connection.exec_driver_sql("SELECT set_config('kim.tenant', 'all', false)")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
