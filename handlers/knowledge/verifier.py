"""Should the desk answer outright? A second opinion on the entry the classifier and the gate chose.

The classifier picks the entry whose topic a question is about, and the near-miss gate (coverage.py)
catches the details it knows to look for; what is left are questions whose words the entry does
contain but whose point it does not give (the price of something else, a service the company may
not offer). No pattern list generalises to those (README, rounds two and three), so this is a
calibrated doubt instead: a logistic regression over a few measurements of how well the entry's text,
and its answer alone, covers the question (data/verifier.yml, fitted with `wuye kb fit-verifier` on
the tuning splits' labelled questions and measured split by split on the splits it was not fitted
on). Above its threshold the answer is still given, with a colleague offered (回复“人工”), never
outright; an answerable question keeps its answer, so nothing more goes to a person.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .coverage import _ASKING, Reading, _mentioned
from .entries import Entry
from .features import SEPARATOR, STOP_WORDS, tokens
from nlu.text import fold

VERIFIER_FILE = Path(__file__).parent / "data" / "verifier.yml"
# Characters that carry no topic on their own (particles, pronouns, question words).
_FUNCTION = frozenset("的了吗呢啊吧呀么个是在有能会要想就还都也和跟请我你他她它们这那哪啥几多")
# A word named by fewer entries than this is rare in the file: when the entry does not mention it,
# the question is probably about something else.
_RARE_BELOW = 3
FEATURES = ("score", "none", "margin", "cover_asked_partly", "cover_asked", "cover_bigrams", "answer_covers_asked",
            "answer_bigrams", "nearest_question", "rare_missing", "words")


def _folded(text: str) -> str:
    return fold(text).lower()


def content(words) -> list[str]:
    """The words of a question that say what it is about (no filler, particles or digits)."""
    return [w for w in words if w != SEPARATOR and w not in STOP_WORDS and w != "0"
            and not (len(w) == 1 and w in _FUNCTION)]


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


class Evidence:
    """Per entry, its answer and its whole text (folded) and its questions' bigrams: what a question
    is measured against."""

    def __init__(self, entries: list[Entry]):
        self._answers = {e.id: _folded(e.answer) for e in entries}
        self._texts = {e.id: _folded(" ".join((e.answer, e.topic, *e.questions, *e.keywords))) for e in entries}
        self._questions = {e.id: [_bigrams("".join(content(tokens(q)))) for q in e.questions] for e in entries}
        self._count = lru_cache(maxsize=4096)(lambda word: sum(word in text for text in self._texts.values()))

    def measure(self, reading: Reading, score: float, margin: float, unknown: float, entry: Entry) -> dict[str, float]:
        """The measurements of FEATURES for a question (its reading; the entry's score, the margin between
        the first two entries, the "none of these" score) and one entry."""
        asking = [words for clause, words in reading.clauses if _ASKING.search(clause)] or \
            [words for _, words in reading.clauses]
        asked = content(w for words in asking for w in words)
        every = content(w for _, words in reading.clauses for w in words)
        answer, text = self._answers[entry.id], self._texts[entry.id]
        grams = _bigrams("".join(every))
        return {
            "score": score, "none": unknown, "margin": margin,
            "cover_asked_partly": _share(asked, lambda w: _mentioned(w, text)),
            "cover_asked": _share(asked, lambda w: w in text),
            "cover_bigrams": _share(grams, lambda g: g in text),
            "answer_covers_asked": _share(asked, lambda w: w in answer),
            "answer_bigrams": _share(grams, lambda g: g in answer),
            "nearest_question": max((len(grams & q) / max(1, len(grams | q)) for q in self._questions[entry.id]),
                                    default=0.0),
            "rare_missing": float(sum(not _mentioned(w, text) and self._count(w) < _RARE_BELOW for w in asked)),
            "words": float(len(every)),
        }


def _share(items, test) -> float:
    items = list(items)
    return sum(map(test, items)) / len(items) if items else 1.0


@dataclass(frozen=True)
class Verifier:
    """A fitted logistic regression over standardised FEATURES: the doubt that an outright answer is right."""
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def doubt(self, measured: dict[str, float]) -> float:
        """The probability (as fitted, classes balanced) that the entry does not answer the question."""
        x = (np.array([measured[name] for name in FEATURES]) - self.mean) / self.scale
        return float(1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept))))

    def to_yaml(self, note: str, fitted_on: dict | None = None) -> str:
        """The verifier as the YAML of data/verifier.yml, with a note on how it was fitted and what it
        was fitted on (calibration.fitted_on: checked by the tests, ignored when loading)."""
        body = {"threshold": self.threshold, "intercept": round(self.intercept, 6),
                "features": {name: {"mean": round(float(m), 6), "scale": round(float(s), 6), "coef": round(float(c), 6)}
                             for name, m, s, c in zip(FEATURES, self.mean, self.scale, self.coef)},
                **({"fitted_on": fitted_on} if fitted_on else {})}
        comments = "".join(f"# {line}\n" for line in note.splitlines())
        return comments + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def load(path: Path = VERIFIER_FILE) -> Verifier | None:
    """The verifier of data/verifier.yml; None when the file is absent (every confident answer stands)."""
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        rows = [data["features"][name] for name in FEATURES]
        return Verifier(np.array([r["mean"] for r in rows], dtype=float), np.array([r["scale"] for r in rows], dtype=float),
                        np.array([r["coef"] for r in rows], dtype=float), float(data["intercept"]),
                        float(data["threshold"]))
    except (TypeError, KeyError) as exc:
        raise ValueError(f"{path}: needs threshold, intercept and mean, scale, coef for each of "
                         f"{', '.join(FEATURES)} ({exc})") from None


def fit(measured: list[dict[str, float]], wrong: list[bool], threshold: float) -> Verifier:
    """Fit the verifier on measurements and whether the entry was the wrong one (or none was right)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.array([[m[name] for name in FEATURES] for m in measured])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(scaler.transform(x), wrong)
    return Verifier(scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0]), threshold)
