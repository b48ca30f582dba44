"""`wuye etiquette ...`: check staff replies against the banned-phrase rules and measure the rules."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .evaluation import (EVAL_FILE, evaluate, evaluate_rewrites, format_report, format_rewrites_report,
                         load_labelled, load_rewrites)
from .filter import EtiquetteFilter
from .rules import DEFAULT_RULES, EtiquetteRulesError

etiquette_cli = click.Group("etiquette", help="Banned phrases (服务禁用语) in staff replies: check and evaluate.")

_rules_option = click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path),
                             default=DEFAULT_RULES, show_default=True, help="the rules file")


def _load_filter(rules: Path) -> EtiquetteFilter:
    try:
        return EtiquetteFilter.load(rules, cache_dir=_cache_dir())
    except EtiquetteRulesError as exc:
        raise click.ClickException(str(exc)) from None


def _cache_dir() -> Path | None:
    """Where the service keeps the trained model (VAR_DIR/etiquette), so a check starts at once."""
    from config import ConfigError, load_config

    try:
        return Path(load_config()["VAR_DIR"]) / "etiquette"
    except ConfigError:
        return None


@etiquette_cli.command("check")
@_rules_option
def check_command(rules: Path) -> None:
    """Read one staff reply per line on stdin, write one JSON verdict per line."""
    etiquette = _load_filter(rules)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        click.echo(json.dumps(etiquette.check(text).as_dict(), ensure_ascii=False))


@etiquette_cli.command("evaluate")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path), default=EVAL_FILE,
              show_default=True, help="labelled replies (replies: [{text, allowed, category}])")
@click.option("--rewrites", "rewrites", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="instead: blocked replies with the facts their suggestion must keep (replies: [{text, facts}])")
@_rules_option
@click.option("--errors", is_flag=True, help="list every misclassified reply (or every rewrite that lost a fact)")
def evaluate_command(path: Path, rewrites: Path | None, rules: Path, errors: bool) -> None:
    """Recall of banned replies, polite replies passed, precision, per category, and speed; with
    --rewrites, the share of suggestions that keep every fact of the blocked reply and pass the filter."""
    etiquette = _load_filter(rules)
    try:
        replies = load_rewrites(rewrites) if rewrites else load_labelled(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"rules: {rules}   data: {rewrites or path} ({len(replies)} replies)")
    if rewrites:
        click.echo(format_rewrites_report(evaluate_rewrites(etiquette, replies), show_errors=errors))
    else:
        click.echo(format_report(evaluate(etiquette, replies), show_errors=errors))
