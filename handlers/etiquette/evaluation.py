"""Measuring the filter: labelled replies (blocked, passed, per category, speed) and rewrites (facts kept)."""
from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path

from ..yamlfile import read_list
from .filter import EtiquetteFilter
from .model import read_labelled
from .rules import CATEGORIES

EVAL_FILE = Path(__file__).parents[2] / "tests" / "data" / "etiquette_eval.yml"


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



def load_rewrites(path: Path) -> list[dict]:
    """Blocked replies with the facts a rewrite must keep: [{text, facts: [...]}]; ValueError (one line)."""
    replies = read_list(path, "replies", "blocked replies with facts")
    for n, reply in enumerate(replies, 1):
        facts = reply.get("facts") if isinstance(reply, dict) else None
        if not (isinstance(reply, dict) and isinstance(reply.get("text"), str) and reply["text"].strip()
                and isinstance(facts, list) and facts and all(isinstance(f, (str, int, float)) for f in facts)):
            raise ValueError(f"{path}: replies[{n}] needs text and a list of facts")
        reply["facts"] = [str(f) for f in facts]
    return replies


def evaluate_rewrites(etiquette: EtiquetteFilter, replies: list[dict]) -> dict:
    """How many blocked replies get a suggestion that keeps every listed fact, and passes the filter."""
    rows = []
    for reply in replies:
        verdict = etiquette.check(reply["text"])
        suggestion = verdict.suggestion or ""
        lost = [fact for fact in reply["facts"] if fact not in suggestion]
        rows.append({"text": reply["text"], "blocked": not verdict.allowed, "suggestion": verdict.suggestion,
                     "lost": lost, "passes": verdict.allowed or etiquette.check(suggestion).allowed,
                     "facts": len(reply["facts"])})
    blocked = [r for r in rows if r["blocked"]]
    return {
        "replies": len(rows), "blocked": len(blocked),
        "kept_all": sum(not r["lost"] for r in blocked), "passing": sum(r["passes"] for r in blocked),
        "facts": sum(r["facts"] for r in blocked), "facts_kept": sum(r["facts"] - len(r["lost"]) for r in blocked),
        "rows": rows,
    }


def format_rewrites_report(report: dict, show_errors: bool = False) -> str:
    """The rewrite report as `wuye etiquette evaluate --rewrites` prints it."""
    blocked = report["blocked"] or 1
    lines = [
        f"replies blocked:                  {100 * report['blocked'] / (report['replies'] or 1):5.1f}%  "
        f"({report['blocked']}/{report['replies']})",
        f"suggestion keeps every fact:      {100 * report['kept_all'] / blocked:5.1f}%  "
        f"({report['kept_all']}/{report['blocked']} blocked replies)",
        f"facts kept:                       {100 * report['facts_kept'] / (report['facts'] or 1):5.1f}%  "
        f"({report['facts_kept']}/{report['facts']})",
        f"suggestion passes the filter:     {100 * report['passing'] / blocked:5.1f}%  "
        f"({report['passing']}/{report['blocked']})",
    ]
    if show_errors:
        for row in report["rows"]:
            if not row["blocked"]:
                lines.append(f"  not blocked: {row['text']}")
            elif row["lost"] or not row["passes"]:
                problem = ("lost " + "、".join(row["lost"])) if row["lost"] else "suggestion is blocked"
                lines.append(f"  {problem}: {row['text']}  →  {row['suggestion']}")
    return "\n".join(lines)
