"""Alembic environment: migrations run from `wuye db upgrade` or at start-up in embedded mode."""
from alembic import context
from sqlalchemy import create_engine

from storage.models import Base
import storage.console_models  # noqa: F401  (their tables join Base.metadata)
import storage.estate_models  # noqa: F401
import storage.binding_models  # noqa: F401
import storage.incident_models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # render_as_batch: SQLite can only alter tables by copying them.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
