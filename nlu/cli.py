"""`wuye nlu ...`: train, parse, evaluate, and run the Rasa backend."""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click

from . import rasa_server
from .embedded import load_or_train
from .evaluate import LONG_READINGS, evaluate, evaluate_long
from .report import format_long, format_report
from .rasa_client import BackendUnavailable
from .service import NLU
from .training_data import DEV_LONG_FILE, TEST_FILE, TEST_LONG2_FILE, TEST_LONG_FILE, TRAIN_FILE, load, load_messages


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


SPLITS = {"short": TEST_FILE, "dev_long": DEV_LONG_FILE, "test_long": TEST_LONG_FILE, "test_long2": TEST_LONG2_FILE}
# Splits whose messages nobody working on the NLU may read: their reports give totals, never the messages missed.
TOTALS_ONLY = frozenset({TEST_LONG2_FILE.resolve()})


@nlu_cli.command("evaluate")
@click.option("--backend", type=click.Choice(["embedded", "rasa"]), help="default: NLU_BACKEND")
@click.option("--split", "splits", type=click.Choice(list(SPLITS)), multiple=True,
              help="splits to measure (repeatable); default: short and dev_long. test_long2 is the independent "
                   "split: measure it once, at the end, never tune on it (its report gives totals, never messages); "
                   "test_long was independent until its secondary labels became tuning data (round four)")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="another labelled file instead (Rasa NLU YAML, or long messages with titles)")
@click.option("--errors", is_flag=True, help="list every wrong intent, address and urgency")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def evaluate_command(backend: str | None, splits: tuple[str, ...], path: Path | None, errors: bool,
                     as_json: bool) -> None:
    """Precision, recall, F1, confusion, entities, urgency and speed, split by split."""
    config = _config()
    nlu = NLU.from_config(config, progress=_echo)
    chosen = backend or config["NLU_BACKEND"]
    nlu.parse("热身", backend=chosen)  # load the model before timing
    files = [path] if path else _split_files(splits or ("short", "dev_long"))
    try:
        reports = {str(f): _evaluate_file(f, lambda text: nlu.parse(text, backend=chosen)) for f in files}
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(_as_json(reports, errors), ensure_ascii=False, indent=2))
        return
    for name, report in reports.items():
        show = errors and Path(name).resolve() not in TOTALS_ONLY
        if isinstance(report, dict):
            click.echo(f"backend: {chosen}   data: {name}\n{format_report(report, show_errors=show)}\n")
            continue
        for one in report:
            click.echo(f"backend: {chosen}   data: {name}\n{format_long(one, show_errors=show)}\n")


def _split_files(names: tuple[str, ...]) -> list[Path]:
    """The files of the named splits that exist; a split not written yet is said so and skipped."""
    for name in names:
        if not SPLITS[name].is_file():
            _echo(f"{name}: {SPLITS[name].name} is not there yet; skipped")
    return [SPLITS[name] for name in names if SPLITS[name].is_file()]


def _evaluate_file(path: Path, parse) -> dict | list[dict]:
    """The short report of a Rasa NLU file, or one long report per reading of a long split."""
    messages = load_messages(path)
    if not messages:
        return evaluate(load(path).examples, parse)
    readings = LONG_READINGS if any(m.title for m in messages) else ("body",)
    return [evaluate_long(messages, parse, how) for how in readings]


def _as_json(reports: dict, errors: bool) -> dict:
    """The first short report at the top level (as before), long splits under "long"."""
    out: dict = {}
    for name, report in reports.items():
        shown = errors and Path(name).resolve() not in TOTALS_ONLY
        strip = lambda r, shown=shown: {k: v for k, v in r.items() if k != "errors" or shown}  # noqa: E731
        if isinstance(report, dict) and not out.get("examples"):
            out.update(strip(report), data=name)
        elif isinstance(report, dict):
            out.setdefault("short", {})[name] = strip(report)
        else:
            out.setdefault("long", {})[Path(name).stem] = {r["reading"]: strip(r) for r in report}
    return out


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
    log_file.parent.mkdir(parents=True, exist_ok=True)  # a fresh VAR_DIR has no rasa/ yet
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
