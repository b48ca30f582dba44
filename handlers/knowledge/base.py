"""The inquiry knowledge base: questions, keywords and answers the property company edits.

Answers are found by meaning rather than exact wording: a small classifier is trained on each
entry's topic, questions, keywords and the sentences of its answer (features.py), and a resident's
question goes to the entry it scores highest. Measured with `wuye kb evaluate` on
tests/data/kb_queries.yml this finds the right entry for far more paraphrases than cosine
similarity over the same features did (see README). A confident match is answered; a middling one
is answered with an offer to have a colleague follow up; below that the inquiry becomes a ticket
with a promised reply time (never 不知道).

scikit-learn fits (TF-IDF and logistic regression); a question is scored with the exported
weights in numpy, and the weights are kept under VAR_DIR/knowledge until the file or this code
changes, so a process starts without training or even importing scikit-learn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import model_cache
from .entries import Entry, KnowledgeBaseError, parse_entries, read_file
from .features import features
from .weights import Weights

DEFAULT_FILE = Path(__file__).parent / "data" / "knowledge.yml"
_HERE = Path(__file__).parent
# What the weights depend on besides the knowledge file: the training code and the text folding of nlu/text.py.
_CODE = (_HERE / "base.py", _HERE / "features.py", _HERE / "weights.py", _HERE.parent.parent / "nlu" / "text.py")
ANSWER_AT = 0.30     # answer outright
SUGGEST_AT = 0.12    # answer, and offer a colleague's follow-up


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


def training_set(entries: list[Entry]) -> tuple[list[list[str]], list[int]]:
    """Feature lists of every entry's topic, questions, keywords and answer sentences, with the entry's index."""
    texts, owners = [], []
    for index, entry in enumerate(entries):
        sentences = [s for s in re.split(r"[。；！？!?]", entry.answer) if len(s) > 4]
        for text in (entry.topic, *entry.questions, *entry.keywords, *sentences):
            if text.strip():
                texts.append(features(text))
                owners.append(index)
    return texts, owners


class KnowledgeBase:
    """Entries plus the classifier that maps a question to one of them."""

    def __init__(self, entries: list[Entry], weights: Weights, answer_at: float = ANSWER_AT,
                 suggest_at: float = SUGGEST_AT):
        self.entries, self.weights = entries, weights
        self.answer_at, self.suggest_at = answer_at, suggest_at

    def search(self, question: str, limit: int = 3) -> list[Match]:
        """Best entries for a question, highest score first."""
        probabilities = self.weights.probabilities(features(question))
        order = np.argsort(-probabilities, kind="stable")[:limit]
        return [Match(self.entries[int(self.weights.classes[i])], float(probabilities[i])) for i in order]

    def answer(self, question: str) -> Match | None:
        """The best entry when it is at least worth suggesting, else None (the question needs a person)."""
        best = self.search(question, limit=1)[0]
        return best if best.score >= self.suggest_at else None

    def is_confident(self, match: Match) -> bool:
        """True when the match is good enough to answer without offering a colleague."""
        return match.score >= self.answer_at


def _weights(entries: list[Entry], path: Path, cache_dir: Path | None) -> Weights:
    """The trained weights for this file: kept in cache_dir until the file, this code or a library
    that shapes them changes."""
    def read(kept: Path) -> Weights:
        weights = Weights.load(kept)
        if set(weights.classes.tolist()) != set(range(len(entries))):
            raise ValueError("the entries do not match")
        return weights

    key = model_cache.fingerprint((*_CODE, path), libraries=("scikit-learn", "jieba"))
    return model_cache.load_or_train(cache_dir, f"kb-{key[:20]}", ".npz", read, Weights.save,
                                     lambda: Weights.fit(*training_set(entries)))


def load(path: str | Path = DEFAULT_FILE, cache_dir: str | Path | None = None) -> KnowledgeBase:
    """Read and check the knowledge file, with its classifier (kept trained in `cache_dir` when
    given); a bad file raises KnowledgeBaseError naming the problem."""
    path = Path(path)
    entries = parse_entries(read_file(path), str(path))
    if len(entries) < 2:
        raise KnowledgeBaseError(f"{path}: needs at least two entries to choose between")
    return KnowledgeBase(entries, _weights(entries, path, Path(cache_dir) if cache_dir else None))
