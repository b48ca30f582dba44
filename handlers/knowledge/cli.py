"""`wuye kb ...`: try questions against the knowledge base and measure it on labelled questions.

For the people who edit handlers/knowledge/data/knowledge.yml (or KNOWLEDGE_FILE): `ask` shows what a
resident would get, `evaluate` says how often the right entry is found and how often a question the
file cannot answer still gets an answer.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import base
from .entries import KnowledgeBaseError
from .evaluation import EVAL_FILES, TUNING_FILES, evaluate, format_report, load_queries

kb_cli = click.Group("kb", help="The inquiry knowledge base (咨询): try questions, evaluate on labelled ones.")


def _load(path: Path | None) -> base.KnowledgeBase:
    from config import ConfigError, load_config

    try:
        config = load_config()
        cache_dir = Path(config["VAR_DIR"]) / "knowledge"
        path = path or Path(config["KNOWLEDGE_FILE"] or base.DEFAULT_FILE)
    except ConfigError:
        cache_dir, path = None, path or base.DEFAULT_FILE
    try:
        return base.load(path, cache_dir)
    except KnowledgeBaseError as exc:
        raise click.ClickException(str(exc)) from None


_file_option = click.option("--kb", "kb_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                            help="the knowledge file [default: KNOWLEDGE_FILE or the bundled one]")


@kb_cli.command("ask")
@_file_option
def ask_command(kb_path: Path | None) -> None:
    """Read one question per line on stdin, write one JSON line each: the decision, the entry it gives
    or offers, what the question asks that the entry does not give, and the ranking."""
    kb = _load(kb_path)
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        ranking = kb.search(text, limit=3)
        decision = kb.decide(text)
        click.echo(json.dumps({"text": text, "decision": decision.action, "entry": decision.match.entry.id,
                               "not_in_entry": list(decision.gaps), "none": round(ranking[0].unknown, 4),
                               "ranking": [{"entry": m.entry.id, "score": round(m.score, 4)} for m in ranking]},
                              ensure_ascii=False))


@kb_cli.command("evaluate")
@click.option("--file", "paths", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="labelled questions (queries: [{text, expected}]), repeatable [default: the splits under "
                   "tests/data/, kb_queries*.yml, those present]")
@click.option("--tuning", is_flag=True, help="only the splits tuned on: leaves the independent split unread")
@_file_option
@click.option("--errors", is_flag=True, help="also list the questions treated wrongly")
@click.option("--json", "as_json", is_flag=True, help="print the reports as JSON, by file")
def evaluate_command(paths: tuple[Path, ...], tuning: bool, kb_path: Path | None, errors: bool,
                     as_json: bool) -> None:
    """Measure the knowledge base on labelled resident questions, each file separately."""
    kb = _load(kb_path)
    paths = paths or tuple(path for path in (TUNING_FILES if tuning else EVAL_FILES) if path.is_file())
    try:
        reports = {str(path): evaluate(kb, load_queries(path)) for path in paths}
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
        return
    click.echo("\n\n".join(f"{path} ({report['queries']} questions)\n{format_report(report, errors)}"
                           for path, report in reports.items()))
