"""Measuring the knowledge base on labelled questions: how often the right entry is found, and how
often a question the file cannot answer still gets an answer."""
from __future__ import annotations

import statistics
import time
from collections import Counter
from pathlib import Path

from ..yamlfile import read_list
from .base import KnowledgeBase, Match

EVAL_FILE = Path(__file__).parent.parent.parent / "tests" / "data" / "kb_queries.yml"


def decision(kb: KnowledgeBase, match: Match) -> str:
    """What the desk does with a best match: answer, answer and offer a colleague, or make a ticket."""
    if match.score < kb.suggest_at:
        return "ticket"
    return "answer" if kb.is_confident(match) else "offer"


def load_queries(path: Path) -> list[dict]:
    """[{text, expected: entry id or None}]; ValueError (one line) when malformed."""
    queries = read_list(path, "queries", "questions")
    for n, query in enumerate(queries, 1):
        if not (isinstance(query, dict) and isinstance(query.get("text"), str) and "expected" in query):
            raise ValueError(f"{path}: queries[{n}] needs text and expected (an entry id or null)")
    return queries


def evaluate(kb: KnowledgeBase, queries: list[dict]) -> dict:
    """How the desk would treat each labelled question (once to warm up, once timed)."""
    known = {entry.id for entry in kb.entries}
    unknown = sorted({q["expected"] for q in queries if q["expected"] is not None} - known)
    if unknown:
        raise ValueError(f"expected entries not in the knowledge file: {', '.join(unknown)}")
    for query in queries:
        kb.search(query["text"], limit=1)
    outcomes, latencies = Counter(), []
    wrong = []
    for query in queries:
        started = time.perf_counter_ns()
        best = kb.search(query["text"], limit=1)[0]
        latencies.append((time.perf_counter_ns() - started) / 1000)
        what = decision(kb, best)
        if query["expected"] is None:
            outcomes[f"unanswerable_{what}"] += 1
        else:
            right = best.entry.id == query["expected"]
            outcomes["answerable"] += 1
            outcomes["first_right"] += right
            outcomes[f"answerable_{what}_{'right' if right else 'wrong'}" if what != "ticket" else "answerable_ticket"] += 1
        if what != "ticket" and best.entry.id != query["expected"]:
            wrong.append({"text": query["text"], "expected": query["expected"], "got": best.entry.id,
                          "score": round(best.score, 3), "decision": what})
    outcomes["unanswerable"] = sum(q["expected"] is None for q in queries)
    ordered = sorted(latencies)
    return {"queries": len(queries), **dict(outcomes), "wrong_answers": wrong,
            "latency_mean_us": statistics.fmean(latencies),
            "latency_p99_us": ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]}


def format_report(report: dict, show_errors: bool = False) -> str:
    """The report as the lines `wuye kb evaluate` prints."""
    answerable, unanswerable = report.get("answerable", 0), report.get("unanswerable", 0)

    def share(count: int, total: int) -> str:
        return f"{100 * count / total:5.1f}%  ({count}/{total})" if total else "    -"

    get = report.get
    lines = [
        f"answerable questions, right entry first:   {share(get('first_right', 0), answerable)}",
        f"  answered outright, right entry:          {share(get('answerable_answer_right', 0), answerable)}",
        f"  answered with a colleague offered, right: {share(get('answerable_offer_right', 0), answerable)}",
        f"  answered with a wrong entry:             "
        f"{share(get('answerable_answer_wrong', 0) + get('answerable_offer_wrong', 0), answerable)}",
        f"  handed to a person (ticket):             {share(get('answerable_ticket', 0), answerable)}",
        f"questions the file cannot answer, handed to a person: {share(get('unanswerable_ticket', 0), unanswerable)}",
        f"  answered outright anyway:                {share(get('unanswerable_answer', 0), unanswerable)}",
        f"search latency: mean {report['latency_mean_us']:.0f} µs, p99 {report['latency_p99_us']:.0f} µs",
    ]
    if show_errors:
        lines.append(f"wrong answers ({len(report['wrong_answers'])}):")
        for error in report["wrong_answers"]:
            lines.append(f"  {error['text']}   expected {error['expected']}, got {error['got']} "
                         f"({error['decision']}, {error['score']})")
    return "\n".join(lines)
