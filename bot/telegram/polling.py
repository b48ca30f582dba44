"""`wuye telegram`: the staff bot by long polling, for where no webhook can reach the service."""
from __future__ import annotations

import asyncio
import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from telegram import Update
from telegram.ext import Application, TypeHandler

from handlers.staff.dispatch import handle, record_unused_update

from .updates import BadUpdate, to_action

log = logging.getLogger(__name__)


@click.command("telegram")
@with_appcontext
def polling_command() -> None:
    """Run the staff bot with long polling (instead of the webhook)."""
    desk = current_app.extensions["wuye"]
    config = desk.config
    if not config["TELEGRAM_BOT_TOKEN"]:
        raise click.ClickException("TELEGRAM_BOT_TOKEN: required for `wuye telegram`")

    async def on_update(update: Update, context) -> None:
        try:
            action = to_action(update.to_dict(), context.bot.username)
        except BadUpdate as exc:
            log.warning("telegram: bad update %s: %s", update.update_id, exc)
            action = None
        if action is None:
            await asyncio.to_thread(record_unused_update, desk, update.update_id)
        else:
            await asyncio.to_thread(handle, desk, action)

    application = (Application.builder().token(config["TELEGRAM_BOT_TOKEN"]).base_url(config["TELEGRAM_BASE_URL"])
                   .build())
    application.add_handler(TypeHandler(Update, on_update))
    click.echo("polling Telegram for staff updates (Ctrl-C to stop)")
    application.run_polling(allowed_updates=["message", "edited_message", "callback_query"])
