"""The inquiry knowledge base: questions, keywords and answers the property company edits.

Answers are found by meaning rather than exact wording: a classifier (training.py) scores every
entry and a "none of these" class learnt from questions no such file answers. The desk answers a
confident match outright, answers a middling one with an offer of a colleague, and hands the
question to a person (an inquiry ticket with a promised reply time, never 不知道) when "none of
these" is likely or no entry scores enough. The thresholds were chosen with `wuye kb evaluate` on
the tuning splits (README).

A question is scored with exported weights in numpy (microseconds); the weights are kept under
VAR_DIR/knowledge, so a process starts without training or importing scikit-learn.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .coverage import Coverage, Gaps, Reading, load_aspects, read
from .entries import Entry, KnowledgeBaseError, parse_entries, read_file
from .features import features
from .layers import layer
from .training import weights_for
from .verifier import Evidence, Verifier, load as load_verifier
from .weights import Weights

DEFAULT_FILE = Path(__file__).parent / "data" / "knowledge.yml"
ANSWER_AT = 0.40     # answer outright from this entry score
SUGGEST_AT = 0.15    # below this entry score the question goes to a person
UNKNOWN_AT = 0.50    # above this "none of these" score the question goes to a person
RERANK_AT = 0.05     # an entry below the best that gives what the best leaves out is offered from this score
_ESTATES_KEPT = 32   # layered knowledge bases kept in memory (others reload their weights from disk)


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float          # the entry's probability
    unknown: float = 0.0  # the probability that the file cannot answer the question at all
    complete: bool = True  # False when the entry's text gives only part of what the question asks


@dataclass(frozen=True)
class Decision:
    action: str           # "answer" outright, "offer" the answer and a colleague, or "ticket" for a person
    match: Match          # the best entry, also when the question goes to a person
    gaps: tuple[str, ...] = ()  # what the question asks that the best entry does not give (coverage.py)
    doubt: float = 0.0    # the verifier's doubt that the entry answers the question (verifier.py)


class KnowledgeBase:
    """Entries plus the classifier that maps a question to one of them, or to none."""

    def __init__(self, entries: list[Entry], weights: Weights, cache_dir: Path | None = None,
                 verifier: Verifier | None = None):
        self.entries, self.weights, self.cache_dir = entries, weights, cache_dir
        self.coverage = Coverage(entries, _aspects())
        self.verifier, self.evidence = verifier, Evidence(entries)
        self.answer_at, self.suggest_at, self.unknown_at = ANSWER_AT, SUGGEST_AT, UNKNOWN_AT
        classes = weights.classes.astype(int)
        self._entry_columns = np.flatnonzero(classes < len(entries))
        self._entry_of_column = classes[self._entry_columns]
        unknown = np.flatnonzero(classes == len(entries))
        self._unknown_column = int(unknown[0]) if len(unknown) else None
        self._estates: OrderedDict[str, tuple[str, KnowledgeBase]] = OrderedDict()
        self._estates_lock = threading.Lock()  # gunicorn's threads share one knowledge base

    def search(self, question: str, limit: int = 3) -> list[Match]:
        """Best entries for a question, highest score first, each with the "none of these" score."""
        probabilities = self.weights.probabilities(features(question))
        unknown = float(probabilities[self._unknown_column]) if self._unknown_column is not None else 0.0
        scores = probabilities[self._entry_columns]
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Match(self.entries[int(self._entry_of_column[i])], float(scores[i]), unknown) for i in order]

    def decide(self, question: str) -> Decision:
        """What the desk does with a question: answer it, offer an answer and a colleague, or a person.

        An entry whose text does not give what the question asks (a near-miss, coverage.py) is not
        answered outright: an entry just below it that gives it is chosen instead; else the answer is
        offered when it covers another part of the question, and the question goes to a person when not."""
        ranking = self.search(question, limit=3)
        best = ranking[0]
        if best.unknown > self.unknown_at or best.score < self.suggest_at:
            return Decision("ticket", best)
        reading = read(question)
        gaps = self.coverage.gaps(reading, best.entry)
        if gaps.missing:
            return self._near_miss(ranking, reading, gaps)
        return self._given(best, gaps.unknown, ranking, reading)

    def _given(self, match: Match, unknown: tuple[str, ...], ranking: list[Match], reading: Reading) -> Decision:
        """An entry that gives what the question asks: outright when confident, unless the question
        names something no entry speaks of, or the verifier doubts the entry (then at most an offer)."""
        if unknown:
            return Decision("offer", replace(match, complete=False), tuple(f"unknown:{w}" for w in unknown))
        if not self.is_confident(match):
            return Decision("offer", match)
        doubt = self.doubt(match, ranking, reading)
        if self.verifier is not None and doubt >= self.verifier.threshold:
            return Decision("offer", replace(match, complete=False), doubt=doubt)
        return Decision("answer", match, doubt=doubt)

    def doubt(self, match: Match, ranking: list[Match], reading: Reading) -> float:
        """The verifier's doubt that the entry answers the question (0.0 without a verifier)."""
        if self.verifier is None:
            return 0.0
        return self.verifier.doubt(self.measure(match, ranking, reading))

    def measure(self, match: Match, ranking: list[Match], reading: Reading) -> dict[str, float]:
        """What the verifier weighs for this entry and question (verifier.FEATURES)."""
        margin = ranking[0].score - ranking[1].score if len(ranking) > 1 else ranking[0].score
        return self.evidence.measure(reading, match.score, margin, match.unknown, match.entry)

    def _near_miss(self, ranking: list[Match], question: Reading, gaps: Gaps) -> Decision:
        """The best entry leaves out what the question asks: an entry below it that gives it, an offer
        when the best answers another part of the question, else a person."""
        for other in ranking[1:]:
            if other.score < RERANK_AT:
                continue
            others = self.coverage.gaps(question, other.entry)
            if not others.missing:
                return self._given(other, others.unknown, ranking, question)
        if gaps.partial:
            return Decision("offer", replace(ranking[0], complete=False), gaps.missing)
        return Decision("ticket", ranking[0], gaps.missing)

    def answer(self, question: str) -> Match | None:
        """The best entry when it is at least worth suggesting, else None (the question needs a person)."""
        decision = self.decide(question)
        return None if decision.action == "ticket" else decision.match

    def is_confident(self, match: Match) -> bool:
        """True when the match is good enough to answer without offering a colleague."""
        return match.complete and match.score >= self.answer_at and match.unknown <= self.unknown_at

    def for_estate(self, estate: str, entries: list) -> "KnowledgeBase":
        """This (company) knowledge base with an estate's entries laid over it (layers.py): trained once
        per content, then kept in memory (the latest few estates) and in cache_dir."""
        content = repr(entries)  # the estate's own entries are few: comparing them costs microseconds
        with self._estates_lock:
            kept = self._estates.get(estate)
        if kept is None or kept[0] != content:
            merged = layer(self.entries, entries, f"estate {estate}")
            weights = weights_for(merged, self.cache_dir, _scope(estate))
            kept = (content, KnowledgeBase(merged, weights, self.cache_dir, self.verifier))
        with self._estates_lock:
            self._estates[estate] = kept
            self._estates.move_to_end(estate)
            while len(self._estates) > _ESTATES_KEPT:
                self._estates.popitem(last=False)
        return kept[1]


@lru_cache(maxsize=1)
def _aspects() -> list:
    """The aspects of data/aspects.yml, read once per process."""
    return load_aspects()


def _scope(estate: str) -> str:
    """A file-name prefix of its own per estate, so that an estate's newer weights replace only its own."""
    if re.fullmatch(r"[A-Za-z0-9_]{1,40}", estate):
        return f"kbestate_{estate}"
    return f"kbestate_{hashlib.sha1(estate.encode()).hexdigest()[:12]}"


def load(path: str | Path = DEFAULT_FILE, cache_dir: str | Path | None = None, verify: bool = True) -> KnowledgeBase:
    """Read and check the knowledge file, with its classifier (kept trained in `cache_dir` when
    given) and, unless `verify` is False, the verifier of outright answers (verifier.py); a bad file
    raises KnowledgeBaseError naming the problem."""
    path = Path(path)
    entries = parse_entries(read_file(path), str(path))
    if len(entries) < 2:
        raise KnowledgeBaseError(f"{path}: needs at least two entries to choose between")
    cache = Path(cache_dir) if cache_dir else None
    return KnowledgeBase(entries, weights_for(entries, cache), cache, load_verifier() if verify else None)
