"""`wuye estate bindings ...`: residents' houses and the requests waiting for a decision."""
from __future__ import annotations

import getpass
import json

import click
from flask import current_app
from flask.cli import AppGroup

from . import admin
from .words import ROLE_NAMES, STATE_NAMES

bindings_cli = AppGroup("bindings", help="Residents bound to houses (房屋认证): list, approve, refuse, end.")
_by = click.option("--by", "actor", default=None, help="who decides (recorded); default: cli:<login>")


def _desk():
    return current_app.extensions["wuye"]


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@bindings_cli.command("list")
@click.option("--estate", default=None, help="only this estate (name, code or alias)")
@click.option("--state", default=None, help="pending | active | refused | ended")
@click.option("--json", "as_json", is_flag=True, help="write JSON instead of text")
def list_command(estate: str | None, state: str | None, as_json: bool) -> None:
    """Bindings and requests, newest first."""
    try:
        found = admin.listing(_desk(), estate, state)
    except admin.BindingError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for b in found:
        late = " 已超时" if b["overdue"] and b["state"] == "pending" else ""
        click.echo(f"#{b['id']:<6} {STATE_NAMES[b['state']]}{late:<4} {b['address']:<20} {ROLE_NAMES[b['role']]}"
                   f"  {b['phone'] or '-':<12} {b['requested_at']}  {b['decided_by'] or ''}")


def _run(step, *args) -> None:
    try:
        result = step(_desk(), *args)
    except admin.BindingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"#{result['id']} {result['address']}: {STATE_NAMES[result['state']]}")


@bindings_cli.command("approve")
@click.argument("binding_id", type=int)
@_by
def approve_command(binding_id: int, actor: str | None) -> None:
    """Approve a pending request (the resident is told)."""
    _run(admin.decide, binding_id, True, _actor(actor))


@bindings_cli.command("refuse")
@click.argument("binding_id", type=int)
@click.option("--note", default=None, help="why (kept on the row, not sent)")
@_by
def refuse_command(binding_id: int, note: str | None, actor: str | None) -> None:
    """Refuse a pending request (the resident is told politely how to go on)."""
    _run(admin.decide, binding_id, False, _actor(actor), note)


@bindings_cli.command("end")
@click.argument("binding_id", type=int)
@click.option("--note", default=None, help="why (kept on the row)")
@_by
def end_command(binding_id: int, note: str | None, actor: str | None) -> None:
    """End a binding or withdraw a request (a tenant who left, a sold flat)."""
    _run(admin.end, binding_id, _actor(actor), note)
