"""`wuye db ...`: migrations."""
from __future__ import annotations

import click

from config import ConfigError, load_config

from .db import database_url, make_engine
from .migrate import current_revision, head_revision, upgrade


def _engine():
    try:
        return make_engine(database_url(load_config()))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("db")
def db_cli() -> None:
    """Database migrations (Alembic)."""


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Bring the database to the newest schema (or REVISION)."""
    engine = _engine()
    upgrade(engine, revision)
    click.echo(f"database at {current_revision(engine)}")


@db_cli.command("current")
def current_command() -> None:
    """Show the database's revision and the code's."""
    click.echo(f"database: {current_revision(_engine()) or 'empty'}   code: {head_revision()}")
