"""`wuye staff password` and `wuye console link|rollup`: the console from the command line."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from . import rollups, signin


def _desk():
    return current_app.extensions["wuye"]


@click.command("password")
@click.argument("telegram_user_id", type=int)
@click.password_option("--password", prompt="新密码", confirmation_prompt="再输入一次",
                       help="the password (asked for when not given)")
@with_appcontext
def password_command(telegram_user_id: int, password: str) -> None:
    """Set a manager's or supervisor's console password (the fallback to the /console link)."""
    try:
        name = signin.set_password(_desk(), telegram_user_id, password)
    except signin.SignInError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{name} may now sign in to the console with account {telegram_user_id} and this password")


@click.group("console")
def console_cli() -> None:
    """The managers' console: sign-in links and daily figures."""


@console_cli.command("link")
@click.argument("telegram_user_id", type=int)
@with_appcontext
def link_command(telegram_user_id: int) -> None:
    """Print a one-time sign-in link for a manager or supervisor (what the bot's /console sends)."""
    link = signin.issue_link(_desk(), telegram_user_id)
    if link is None:
        raise click.ClickException(f"Telegram user {telegram_user_id} is not an active manager or supervisor")
    minutes = _desk().config["CONSOLE_LINK_MINUTES"]
    click.echo(f"{link}\n(valid once, for {minutes:g} minutes)")


@console_cli.command("rollup")
@click.option("--all", "everything", is_flag=True, help="recompute every past day, not only the stale ones")
@with_appcontext
def rollup_command(everything: bool) -> None:
    """Bring the console's daily figures up to date now (the worker does it every few minutes)."""
    days = rollups.refresh_all(_desk()) if everything else rollups.refresh(_desk())
    click.echo(f"{days} days rolled up")
