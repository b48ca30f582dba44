"""Fitting the verifier of outright answers (verifier.py) on labelled questions, and measuring it
honestly: each split in turn is left out of the fit and measured with what the others taught."""
from __future__ import annotations

from .base import KnowledgeBase
from .coverage import read
from .evaluation import evaluate
from .verifier import Verifier, fit

THRESHOLD = 0.40   # doubt from which an answer is offered, not given outright (README, round four)


def examples(kb: KnowledgeBase, queries: list[dict]) -> tuple[list[dict[str, float]], list[bool]]:
    """For each question the desk would answer or offer (without a verifier), what the verifier weighs
    and whether the entry is wrong for it (another entry, or none of the file's)."""
    unverified = replace_verifier(kb, None)
    measured, wrong = [], []
    for query in queries:
        decision = unverified.decide(query["text"])
        if decision.action == "ticket":
            continue
        ranking = unverified.search(query["text"], limit=3)
        measured.append(unverified.measure(decision.match, ranking, read(query["text"])))
        wrong.append(query["expected"] != decision.match.entry.id)
    return measured, wrong


def fit_on(kb: KnowledgeBase, splits: dict[str, list[dict]], threshold: float = THRESHOLD) -> Verifier:
    """The verifier fitted on every question of these splits."""
    measured, wrong = [], []
    for queries in splits.values():
        more, labels = examples(kb, queries)
        measured += more
        wrong += labels
    return fit(measured, wrong, threshold)


def held_out(kb: KnowledgeBase, splits: dict[str, list[dict]], threshold: float = THRESHOLD) -> dict[str, dict]:
    """Each split's evaluation report with a verifier fitted on the other splits only."""
    reports = {}
    for name, queries in splits.items():
        others = {other: q for other, q in splits.items() if other != name}
        reports[name] = evaluate(replace_verifier(kb, fit_on(kb, others, threshold)), queries)
    return reports


def replace_verifier(kb: KnowledgeBase, verifier: Verifier | None) -> KnowledgeBase:
    """The same knowledge base (entries, weights) with another verifier, or none."""
    return KnowledgeBase(kb.entries, kb.weights, kb.cache_dir, verifier)


def cells(report: dict) -> str:
    """answerable right entry first / answered outright, right / to a person / unanswerable answered outright."""
    answerable, unanswerable, get = report.get("answerable", 0), report.get("unanswerable", 0), report.get
    share = (lambda n, total: f"{100 * n / total:.1f}%" if total else "-")
    return " / ".join((share(get("first_right", 0), answerable), share(get("answerable_answer_right", 0), answerable),
                       share(get("answerable_ticket", 0), answerable),
                       share(get("unanswerable_answer", 0), unanswerable)))

