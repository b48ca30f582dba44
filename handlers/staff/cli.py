"""`wuye staff add/list/remove`: who may act on tickets in the Telegram staff groups."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from storage import queries


@click.group("staff", cls=AppGroup)
def staff_cli() -> None:
    """Register staff, supervisors (主管) and managers (项目经理) by their Telegram user id."""


@staff_cli.command("add")
@click.argument("telegram_user_id", type=int)
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "supervisor", "manager"]), default="staff", show_default=True)
@click.option("--group", "groups", type=int, multiple=True,
              help="staff group chat id this person works in (repeat; none: every staff group)")
@click.option("--estate", "estates", multiple=True,
              help="an estate (name, code or alias) this person serves (repeat; none: every estate)")
def add_command(telegram_user_id: int, name: str, role: str, groups: tuple[int, ...], estates: tuple[str, ...]) -> None:
    """Register (or update) a member of staff."""
    desk = current_app.extensions["wuye"]
    found = {name_: desk.estates.named(name_) for name_ in estates}
    unknown = [name_ for name_, estate in found.items() if estate is None]
    if unknown:
        raise click.ClickException(f"no estate named {', '.join(unknown)} (see `wuye estate list`)")
    with desk.work() as work:
        member = queries.member(work.session, telegram_user_id, active_only=False) or \
            queries.add_member(work.session, telegram_user_id)
        member.name, member.role, member.groups, member.active = name, role, list(groups), True
        member.estate_ids = sorted({estate.id for estate in found.values()}) or None
    click.echo(f"{name} ({role}, Telegram {telegram_user_id}) may act in "
               f"{', '.join(map(str, groups)) if groups else 'every staff group'}"
               f" for {', '.join(e.name for e in found.values()) if found else 'every estate'}")


@staff_cli.command("list")
def list_command() -> None:
    """Show registered staff."""
    with current_app.extensions["wuye"].work() as work:
        for member in queries.everyone(work.session):
            groups = ",".join(map(str, member.groups or [])) or "all groups"
            estates = ",".join(current_app.extensions["wuye"].estate_name(e) for e in member.estate_ids or []) \
                or "all estates"
            state = "" if member.active else "  (removed)"
            click.echo(f"{member.telegram_user_id:>12}  {member.name:<10} {member.role:<8} {groups}  {estates}{state}")


@staff_cli.command("remove")
@click.argument("telegram_user_id", type=int)
def remove_command(telegram_user_id: int) -> None:
    """Take away someone's rights (kept for the history of their tickets)."""
    with current_app.extensions["wuye"].work() as work:
        member = queries.member(work.session, telegram_user_id, active_only=False)
        if member is None:
            raise click.ClickException(f"no staff with Telegram id {telegram_user_id}")
        member.active = False
    click.echo(f"removed {telegram_user_id}")
