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

from . import base, calibration
from .entries import KnowledgeBaseError
from .evaluation import EVAL_FILES, TUNING_FILES, evaluate, format_report, load_queries
from .verifier import VERIFIER_FILE

kb_cli = click.Group("kb", help="The inquiry knowledge base (咨询): try questions, evaluate on labelled ones.")


def _where(path: Path | None) -> tuple[Path, Path | None]:
    """The knowledge file (given, else KNOWLEDGE_FILE, else the bundled one) and the weights' cache."""
    from config import ConfigError, load_config

    try:
        config = load_config()
        return path or Path(config["KNOWLEDGE_FILE"] or base.DEFAULT_FILE), Path(config["VAR_DIR"]) / "knowledge"
    except ConfigError:
        return path or base.DEFAULT_FILE, None


def _load(path: Path | None, verify: bool = True) -> base.KnowledgeBase:
    path, cache_dir = _where(path)
    try:
        return base.load(path, cache_dir, verify)
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
                               "doubt": round(decision.doubt, 4),
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
@click.option("--no-verifier", is_flag=True, help="without the verifier of outright answers (data/verifier.yml)")
def evaluate_command(paths: tuple[Path, ...], tuning: bool, kb_path: Path | None, errors: bool,
                     as_json: bool, no_verifier: bool) -> None:
    """Measure the knowledge base on labelled resident questions, each file separately."""
    kb = _load(kb_path, verify=not no_verifier)
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


@kb_cli.command("fit-verifier")
@click.option("--file", "paths", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              help="labelled questions to fit on, repeatable [default: the tuning splits]")
@click.option("--threshold", type=float, default=calibration.THRESHOLD, show_default=True,
              help="doubt from which an answer is offered, not given outright")
@click.option("--dry-run", is_flag=True, help="only measure: write no verifier")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=VERIFIER_FILE,
              help="where to write the verifier [default: the bundled data/verifier.yml]")
@_file_option
def fit_verifier_command(paths: tuple[Path, ...], threshold: float, dry_run: bool, out: Path,
                         kb_path: Path | None) -> None:
    """Fit the verifier of outright answers on labelled questions; print, for each file, what it does
    when fitted on the other files only (right entry first / answered outright, right / answerable to
    a person / unanswerable answered outright), then write the verifier (data/verifier.yml)."""
    kb_path = _where(kb_path)[0]
    kb = _load(kb_path, verify=False)
    paths = paths or tuple(path for path in TUNING_FILES if path.is_file())
    try:
        splits = {path.name: load_queries(path) for path in paths}
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for name, queries in splits.items():
        click.echo(f"{name}: without {calibration.cells(evaluate(kb, queries))}")
    try:
        for name, report in (calibration.held_out(kb, splits, threshold) if len(splits) > 1 else {}).items():
            click.echo(f"{name}: fitted on the others {calibration.cells(report)}")
        verifier = calibration.fit_on(kb, splits, threshold)
    except ValueError as exc:   # scikit-learn: every question answered rightly, or every one wrongly
        raise click.ClickException(f"cannot fit: needs questions the desk gets right and wrong ({exc})") from None
    if not dry_run:
        note = (f"Fitted by `wuye kb fit-verifier --threshold {threshold}` on {', '.join(splits)}.\n"
                "Regenerate it after changing the code, data or splits of fitted_on (tests/knowledge/test_verifier.py "
                "checks its fingerprint); README (round four) has the figures.")
        out.write_text(verifier.to_yaml(note, calibration.fitted_on(kb_path, paths)), encoding="utf-8")
        click.echo(f"written: {out}")
