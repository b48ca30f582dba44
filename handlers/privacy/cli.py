"""`wuye privacy purge|forget|log`: the retention purge on demand, a resident's request to be forgotten,
and the record of both."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from storage import privacy as privacy_log

from . import KEPT
from .forget import ForgetError, forget
from .purge import purge


def _desk():
    return current_app.extensions["wuye"]


@click.group("privacy")
def privacy_cli() -> None:
    """Residents' personal data: retention purge and requests to be forgotten (PIPL)."""


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="count what would be anonymised, change nothing")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Anonymise personal data older than the retention (the worker does it daily at 03:30)."""
    report = purge(_desk(), dry_run=dry_run, actor="cli")
    for scope in report.scopes:
        where = "every estate without its own setting" if scope.estate_ids is None else scope.name
        click.echo(f"retention {scope.days} days: {where}")
    verb = "would anonymise" if dry_run else "anonymised"
    counts = report.counts
    click.echo(f"{verb}: {counts['tickets']} tickets, {counts['residents']} residents, {counts['messages']} messages,"
               f" {counts['opinions']} campaign opinions")
    click.echo(KEPT)


@privacy_cli.command("forget")
@click.argument("identifier")
@click.option("--dry-run", is_flag=True, help="show what would be anonymised, change nothing")
@click.option("--by", "actor", default="cli", show_default=True, help="who handles the request (for the log)")
@with_appcontext
def forget_command(identifier: str, dry_run: bool, actor: str) -> None:
    """Forget a resident on their request: IDENTIFIER is their WeChat openid or mobile number."""
    try:
        report = forget(_desk(), identifier, actor, dry_run=dry_run)
    except ForgetError as exc:
        raise click.ClickException(str(exc)) from None
    if not report.residents and not report.tickets and not report.opinions:
        click.echo(f"nobody known as {report.subject}: nothing to forget")
        return
    click.echo(f"{'would forget' if dry_run else 'forgot'} {report.subject}: {report.residents} resident records,"
               f" {report.tickets} tickets anonymised, {report.messages} messages masked,"
               f" {report.opinions} campaign opinions taken on the phone masked,"
               f" {report.followups_stopped} follow-ups stopped")
    if report.open_tickets:
        click.echo(f"note: {report.open_tickets} of these tickets are still open; staff can no longer contact the "
                   f"resident through them")
    click.echo(KEPT)


@privacy_cli.command("log")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def log_command(as_json: bool) -> None:
    """The latest purges and forgets: when, by whom, about whom (masked), how many rows."""
    with _desk().sessions() as session:
        rows = [{"at": e.at.isoformat(timespec="seconds"), "actor": e.actor, "action": e.action,
                 "subject": e.subject, "counts": e.counts} for e in privacy_log.events(session)]
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{row['at']}  {row['action']:<6} {row['actor']:<14} {row['subject'] or '-':<14} {row['counts']}")
