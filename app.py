"""The wuye service: create_app(config) and the `wuye` command line."""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Mapping

import click
from flask import Flask, current_app, jsonify
from flask.cli import FlaskGroup, with_appcontext

import demo
from bot.telegram import polling, webhook as telegram_webhook
from bot.telegram.channel import TelegramChannel
from bot.wechat import webhook as wechat_webhook
from bot.wechat.channel import WeChatChannel
from config import ConfigError, fill_generated_secrets, load_config
from handlers import etiquette, knowledge, queue, worker
from handlers.desk import Desk
from handlers.etiquette.cli import etiquette_cli
from handlers.knowledge.cli import kb_cli
from handlers.console.cli import console_cli, password_command
from handlers.estates.cli import estate_cli
from handlers.privacy.cli import privacy_cli
from handlers.staff.cli import staff_cli
from nlu.cli import nlu_cli
from storage.cli import db_cli
from storage.db import database_url, make_engine, make_sessionmaker
from storage.migrate import check_current, upgrade
from web import api
from web.wsgi import closing_connections
from web.console import blueprint as console

log = logging.getLogger("wuye")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask application: defaults, then environment and .env, then `config`."""
    settings = load_config(config)
    generated = fill_generated_secrets(settings)
    app = Flask(__name__)
    app.config.update(settings)
    _configure_logging(settings["LOG_LEVEL"])
    if generated:
        log.info("using generated %s from %s/secrets.json", " and ".join(generated), settings["VAR_DIR"])
    app.extensions["wuye"] = build_desk(settings)
    app.register_blueprint(wechat_webhook.blueprint)
    app.register_blueprint(telegram_webhook.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(console)
    app.wsgi_app = closing_connections(app.wsgi_app)  # a 413 closes its connection (web/wsgi.py)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def build_desk(settings: dict):
    """Database, NLU, knowledge base, etiquette filter, job queue and channels for one process."""
    engine = make_engine(database_url(settings))
    var = Path(settings["VAR_DIR"])  # trained models are kept here between starts
    if engine.dialect.name == "postgresql":
        check_current(engine)  # production: migrations are an explicit step (`wuye db upgrade`)
    else:
        upgrade(engine)        # embedded SQLite: kept current on start
    try:
        kb = _knowledge(str(settings["KNOWLEDGE_FILE"] or knowledge.DEFAULT_FILE), str(var / "knowledge"))
    except knowledge.KnowledgeBaseError as exc:
        raise ConfigError(f"KNOWLEDGE_FILE: {exc}") from None
    nlu = _nlu(tuple(sorted((k, v) for k, v in settings.items() if k.startswith(("NLU_", "RASA_", "VAR_DIR")))))
    etiquette_filter = _etiquette(str(settings["ETIQUETTE_RULES_FILE"] or ""), str(var / "etiquette"))
    jobs = queue.Jobs(queue.connect(settings))
    channels = {"wechat": WeChatChannel(settings, jobs.connection).send,      # residents
                "telegram": TelegramChannel(settings, jobs.connection).send}  # staff and managers
    return Desk(settings, make_sessionmaker(engine), nlu, kb, jobs, etiquette_filter, channels)


@functools.lru_cache(maxsize=4)
def _nlu(settings: tuple):
    """One NLU per process and configuration: loading the model takes a moment, parsing none."""
    from nlu.service import NLU  # heavy (jieba, scikit-learn): only when an application is built

    nlu = NLU.from_config(dict(settings), progress=lambda message: log.info("nlu: %s", message))
    nlu.parse("你好")  # train or load the model now, not on the first resident's message
    return nlu


def _etiquette(path: str, cache_dir: str):
    """The etiquette filter; a bad rules file stops start-up with one line."""
    try:
        return _etiquette_at(path or str(etiquette.DEFAULT_RULES),
                             Path(path).stat().st_mtime_ns if path and Path(path).exists() else 0, cache_dir)
    except etiquette.EtiquetteRulesError as exc:
        raise ConfigError(f"ETIQUETTE_RULES_FILE: {exc}") from None


@functools.lru_cache(maxsize=4)
def _etiquette_at(path: str, _mtime: int, cache_dir: str):
    return etiquette.EtiquetteFilter.load(path, cache_dir=cache_dir)


def _knowledge(path: str, cache_dir: str):
    return _knowledge_at(path, Path(path).stat().st_mtime_ns if Path(path).exists() else 0, cache_dir)


@functools.lru_cache(maxsize=4)
def _knowledge_at(path: str, _mtime: int, cache_dir: str):
    """The knowledge base, rebuilt only when its file changes."""
    return knowledge.load(path, cache_dir)


def _configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("wuye", "bot", "handlers", "nlu", "storage"):
        logging.getLogger(name).setLevel(level.upper())


def _create_app_for_cli() -> Flask:
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app_for_cli, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def cli() -> None:
    """wuye: the property-management message desk (WeChat residents, Telegram staff)."""


@cli.command("worker")
@click.option("--burst", is_flag=True, help="run the jobs that are due, then exit (tests, cron)")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs from the queue, including scheduled ones (SLA timers, follow-ups)."""
    worker.run(current_app.extensions["wuye"], burst=burst)  # the one worker bootstrap


for _command in (nlu_cli, db_cli, demo.demo_command, polling.polling_command, staff_cli, etiquette_cli,
                 kb_cli, console_cli, estate_cli, privacy_cli):
    cli.add_command(_command)
staff_cli.add_command(password_command)
