"""`wuye etiquette ...`: check staff replies against the banned-phrase rules and measure the rules."""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import click

from .etiquette import CATEGORIES, DEFAULT_RULES, EtiquetteFilter, EtiquetteRulesError
from .etiquette_model import read_labelled

EVAL_FILE = Path(__file__).parent.parent / "tests" / "data" / "etiquette_eval.yml"

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


def load_labelled(path: Path) -> list[dict]:
    """The replies of a labelled set: [{text, allowed, category?}]; ValueError (one line) when malformed."""
    return read_labelled(path, CATEGORIES)


def evaluate(etiquette: EtiquetteFilter, replies: list[dict]) -> dict:
    """Check every labelled reply (once to warm up, once timed) and compute the report."""
    for reply in replies:
        etiquette.check(reply["text"])
    verdicts, latencies = [], []
    for reply in replies:
        started = time.perf_counter_ns()
        verdicts.append(etiquette.check(reply["text"]))
        latencies.append((time.perf_counter_ns() - started) / 1000)
    banned = [(r, v) for r, v in zip(replies, verdicts) if not r["allowed"]]
    polite = [(r, v) for r, v in zip(replies, verdicts) if r["allowed"]]
    blocked = sum(not v.allowed for _, v in banned)
    wrongly_blocked = sum(not v.allowed for _, v in polite)
    per_category: dict[str, Counter] = {}
    for reply, verdict in banned:
        counts = per_category.setdefault(reply.get("category") or "(none)", Counter())
        counts["total"] += 1
        counts["blocked"] += not verdict.allowed
        counts["same_category"] += bool(verdict.violations) and verdict.violations[0].category == reply.get("category")
    ordered = sorted(latencies)
    return {
        "replies": len(replies), "banned": len(banned), "polite": len(polite),
        "blocked": blocked, "passed": len(polite) - wrongly_blocked, "wrongly_blocked": wrongly_blocked,
        "recall": blocked / len(banned) if banned else 1.0,
        "pass_rate": (len(polite) - wrongly_blocked) / len(polite) if polite else 1.0,
        "precision": blocked / (blocked + wrongly_blocked) if blocked + wrongly_blocked else 1.0,
        "per_category": {name: dict(counts) for name, counts in sorted(per_category.items())},
        "latency_mean_us": statistics.fmean(latencies),
        "latency_p99_us": ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))],
        "errors": [{"text": r["text"], "expected": "blocked" if not r["allowed"] else "passed",
                    "category": r.get("category"), "violations": [(x.phrase, x.category) for x in v.violations]}
                   for r, v in zip(replies, verdicts) if r["allowed"] != v.allowed],
    }


def format_report(report: dict, show_errors: bool = False) -> str:
    """The report as the lines `wuye etiquette evaluate` prints."""
    lines = [
        f"banned replies blocked:        {100 * report['recall']:5.1f}%  ({report['blocked']}/{report['banned']})",
        f"polite replies passed:         {100 * report['pass_rate']:5.1f}%  ({report['passed']}/{report['polite']})",
        f"precision of blocking:         {100 * report['precision']:5.1f}%  "
        f"({report['blocked']} right, {report['wrongly_blocked']} polite replies blocked)",
        "per category (banned replies blocked; same first category):",
    ]
    for name, counts in report["per_category"].items():
        lines.append(f"  {name:<12} {100 * counts['blocked'] / counts['total']:5.1f}%  "
                     f"({counts['blocked']}/{counts['total']}; {counts['same_category']} same category)")
    lines.append(f"check latency: mean {report['latency_mean_us']:.0f} µs, p99 {report['latency_p99_us']:.0f} µs "
                 f"(after one warm-up pass)")
    if show_errors:
        lines.append(f"misclassified ({len(report['errors'])}):")
        for error in report["errors"]:
            found = ", ".join(f"{p}/{c}" for p, c in error["violations"]) or "-"
            label = f" [{error['category']}]" if error["category"] else ""
            lines.append(f"  should be {error['expected']}{label}: {error['text']}   (found: {found})")
    return "\n".join(lines)


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
@_rules_option
@click.option("--errors", is_flag=True, help="list every misclassified reply")
def evaluate_command(path: Path, rules: Path, errors: bool) -> None:
    """Recall of banned replies, polite replies passed, precision, per category, and speed."""
    etiquette = _load_filter(rules)
    try:
        replies = load_labelled(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"rules: {rules}   data: {path} ({len(replies)} replies)")
    click.echo(format_report(evaluate(etiquette, replies), show_errors=errors))
