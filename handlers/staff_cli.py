"""`wuye staff add/list/remove`: who may act on tickets in the Telegram staff groups."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from storage.db import session_scope
from storage.models import Staff


def _sessions():
    return current_app.extensions["wuye"].sessions


@click.group("staff", cls=AppGroup)
def staff_cli() -> None:
    """Register staff and managers by their Telegram user id."""


@staff_cli.command("add")
@click.argument("telegram_user_id", type=int)
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "manager"]), default="staff", show_default=True)
@click.option("--group", "groups", type=int, multiple=True,
              help="staff group chat id this person works in (repeat; none: every staff group)")
def add_command(telegram_user_id: int, name: str, role: str, groups: tuple[int, ...]) -> None:
    """Register (or update) a member of staff."""
    with session_scope(_sessions()) as session:
        member = session.scalars(select(Staff).where(Staff.telegram_user_id == telegram_user_id)).one_or_none()
        if member is None:
            member = Staff(telegram_user_id=telegram_user_id)
            session.add(member)
        member.name, member.role, member.groups, member.active = name, role, list(groups), True
    click.echo(f"{name} ({role}, Telegram {telegram_user_id}) may act in "
               f"{', '.join(map(str, groups)) if groups else 'every staff group'}")


@staff_cli.command("list")
def list_command() -> None:
    """Show registered staff."""
    with session_scope(_sessions()) as session:
        for member in session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name)):
            groups = ",".join(map(str, member.groups or [])) or "all groups"
            state = "" if member.active else "  (removed)"
            click.echo(f"{member.telegram_user_id:>12}  {member.name:<10} {member.role:<8} {groups}{state}")


@staff_cli.command("remove")
@click.argument("telegram_user_id", type=int)
def remove_command(telegram_user_id: int) -> None:
    """Take away someone's rights (kept for the history of their tickets)."""
    with session_scope(_sessions()) as session:
        member = session.scalars(select(Staff).where(Staff.telegram_user_id == telegram_user_id)).one_or_none()
        if member is None:
            raise click.ClickException(f"no staff with Telegram id {telegram_user_id}")
        member.active = False
    click.echo(f"removed {telegram_user_id}")
