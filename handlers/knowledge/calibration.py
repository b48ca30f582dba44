"""Fitting the verifier of outright answers (verifier.py) on labelled questions, and measuring it
honestly: each split in turn is left out of the fit and measured with what the others taught."""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import Iterable

import yaml

from .. import model_cache
from .base import KnowledgeBase
from .coverage import ASPECTS_FILE, read
from .evaluation import evaluate
from .training import UNKNOWN_FILE
from .verifier import FEATURES, VERIFIER_FILE, Verifier, fit

THRESHOLD = 0.40   # doubt from which an answer is offered, not given outright (README, round four)
_HERE = Path(__file__).parent
ROOT = _HERE.parent.parent
# What fitted weights depend on besides the knowledge file and the splits: the code that decides, measures
# and fits (the classifier's scores are features too), and the data the classifier and the gate learn from.
FIT_CODE = (*(_HERE / f"{name}.py" for name in ("base", "calibration", "coverage", "features", "training",
                                                "verifier", "weights")),
            ROOT / "nlu" / "text.py", ASPECTS_FILE, UNKNOWN_FILE)
# Shape the fit without being fingerprinted (a refit says whether they moved the weights; test_verifier.py).
LIBRARIES = ("scikit-learn", "numpy", "jieba")


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


def fitted_on(kb_file: Path, splits: Iterable[Path]) -> dict:
    """What a verifier fitted on this knowledge file and these splits depends on, as recorded in
    data/verifier.yml: a fingerprint of the feature names and of every file (named from the project's
    root, as model_cache keys its caches), each file's own digest, and the libraries' versions."""
    files = [*FIT_CODE, Path(kb_file), *map(Path, splits)]
    return {"fingerprint": _features_digest() + model_cache.fingerprint(files, root=ROOT)[:24],
            "files": {model_cache.file_name(f, ROOT): model_cache.fingerprint([f], root=ROOT)[:12] for f in files},
            "libraries": {name: metadata.version(name) for name in LIBRARIES}}


def _features_digest() -> str:
    return hashlib.sha256("\0".join(FEATURES).encode()).hexdigest()[:8] + "-"


def stale(kb_file: Path, splits: Iterable[Path], path: Path = VERIFIER_FILE) -> str | None:
    """Why the verifier of `path` was not fitted on today's feature code, knowledge file and splits
    (one line saying what changed and what to run), or None when it was."""
    recorded = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("fitted_on") or {}
    today = fitted_on(kb_file, splits)
    if recorded.get("fingerprint") == today["fingerprint"]:
        return None
    return (f"{model_cache.file_name(path, ROOT)} is stale ({_what_changed(recorded, today)}): "
            "run `wuye kb fit-verifier` and commit the new file")


def _what_changed(recorded: dict, today: dict) -> str:
    if not recorded.get("fingerprint"):
        return "no fingerprint recorded"
    kept = recorded.get("files") or {}
    changed = [name for name, digest in today["files"].items() if kept.get(name) != digest]
    gone = [name for name in kept if name not in today["files"]]
    return "; ".join(part for part in (
        "" if str(recorded["fingerprint"]).startswith(_features_digest()) else "the feature names changed",
        f"changed or new: {', '.join(changed)}" if changed else "",
        f"no longer used: {', '.join(gone)}" if gone else "") if part) or "the same files in another order"
