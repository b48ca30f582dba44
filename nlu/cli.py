"""`wuye nlu ...`: train, parse, evaluate, and run the Rasa backend."""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click

from . import rasa_server
from .embedded import load_or_train
from .evaluate import evaluate, format_report
from .rasa_client import BackendUnavailable
from .service import NLU
from .training_data import TEST_FILE, TRAIN_FILE, load


def _config(**overrides) -> dict:
    from config import ConfigError, load_config
    try:
        return load_config({k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _echo(message: str) -> None:
    click.echo(f"  {message}", err=True)


@click.group("nlu")
def nlu_cli() -> None:
    """Understand residents' messages: train, parse, evaluate, Rasa."""


@nlu_cli.command("train")
@click.option("--force", is_flag=True, help="retrain even when the cached model is current")
def train_command(force: bool) -> None:
    """Train the embedded model from nlu/data/nlu.yml (cached under VAR_DIR/nlu)."""
    config = _config()
    model = load_or_train(config["VAR_DIR"], TRAIN_FILE, _echo, force=force)
    click.echo(f"embedded model {model.key}: {len(model.classes)} intents, {len(model.vocabulary)} features")


@nlu_cli.command("parse")
@click.option("--backend", type=click.Choice(["embedded", "rasa"]), help="default: NLU_BACKEND")
def parse_command(backend: str | None) -> None:
    """Read one message per line on stdin, write one JSON object per line (Rasa's parse shape + urgent)."""
    config = _config()
    nlu = NLU.from_config(config, progress=_echo)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            result = nlu.parse(text, backend=backend)
        except BackendUnavailable as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(json.dumps(result, ensure_ascii=False))


@nlu_cli.command("evaluate")
@click.option("--backend", type=click.Choice(["embedded", "rasa"]), help="default: NLU_BACKEND")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=TEST_FILE,
              show_default=True, help="labelled messages in Rasa NLU YAML")
@click.option("--errors", is_flag=True, help="list every wrong intent, address and urgency")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def evaluate_command(backend: str | None, path: Path, errors: bool, as_json: bool) -> None:
    """Precision, recall, F1, confusion, entities, urgency and speed on the held-out split."""
    config = _config()
    nlu = NLU.from_config(config, progress=_echo)
    chosen = backend or config["NLU_BACKEND"]
    nlu.parse("热身", backend=chosen)  # load the model before timing
    try:
        report = evaluate(load(path).examples, lambda text: nlu.parse(text, backend=chosen))
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({k: v for k, v in report.items() if k != "errors" or errors}, ensure_ascii=False,
                              indent=2))
    else:
        click.echo(f"backend: {chosen}   data: {path}")
        click.echo(format_report(report, show_errors=errors))


@nlu_cli.group("rasa")
def rasa_cli() -> None:
    """The Rasa 3.6 backend in its own Python 3.10 environment."""


@rasa_cli.command("setup")
def rasa_setup() -> None:
    """Create the cached virtual environment with Rasa (once)."""
    click.echo(rasa_server.ensure_venv(_echo))


@rasa_cli.command("train")
@click.option("--force", is_flag=True)
def rasa_train(force: bool) -> None:
    """Train a Rasa model from nlu/data/nlu.yml (skipped when current)."""
    click.echo(rasa_server.train(TRAIN_FILE, _echo, force=force))


@rasa_cli.command("serve")
@click.option("--port", default=5005, show_default=True)
@click.option("--token", default=None, help="auth token (default: RASA_TOKEN, else a random one)")
def rasa_serve(port: int, token: str | None) -> None:
    """Set up, train and serve Rasa on 127.0.0.1 with an auth token, in the foreground."""
    config = _config()
    token = token or config["RASA_TOKEN"] or secrets.token_urlsafe(16)
    model = rasa_server.train(TRAIN_FILE, _echo)
    log_file = Path(config["VAR_DIR"]).resolve() / "rasa" / "server.log"
    process = rasa_server.start(model, port, token, log_file)
    url = f"http://127.0.0.1:{port}"
    try:
        rasa_server.wait_ready(url, token, process=process)
        click.echo(f"Rasa is serving {model.name} at {url} (log: {log_file})")
        click.echo(f"use it with: NLU_BACKEND=rasa RASA_URL={url} RASA_TOKEN={token}")
        process.wait()
    except (KeyboardInterrupt, RuntimeError) as exc:
        if isinstance(exc, RuntimeError):
            click.echo(f"error: {exc}; see {log_file}", err=True)
    finally:
        rasa_server.stop(process)
