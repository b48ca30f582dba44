"""Training the knowledge base's classifier: one class per entry plus "none of these".

Each entry is learnt from its topic, questions, keywords and the sentences of its answer. The extra
class is learnt from questions no property company's file answers (data/out_of_scope.yml: one
household's data, future plans, places outside the estate, particular events, opinions); it carries
a reduced class weight so that it claims a question only when its words clearly belong there. The
weights are kept in cache_dir under a key of the entries' content, this code and the libraries, so
a process does not retrain for a file or an estate it has seen.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from pathlib import Path

import yaml

from .. import model_cache
from .entries import Entry
from .features import features
from .weights import Weights

UNKNOWN_FILE = Path(__file__).parent / "data" / "out_of_scope.yml"
UNKNOWN_WEIGHT = 0.5    # class weight of "none of these" (entries weigh 1), chosen on the tuning splits
_HERE = Path(__file__).parent
# What the weights depend on besides the entries: this code, the features, the text folding, the examples.
_CODE = (_HERE / "training.py", _HERE / "features.py", _HERE / "weights.py", _HERE.parent.parent / "nlu" / "text.py",
         UNKNOWN_FILE)


def unknown_questions() -> list[str]:
    """The training questions of the "none of these" class."""
    return [str(q) for q in yaml.safe_load(UNKNOWN_FILE.read_text(encoding="utf-8"))["questions"]]


def training_set(entries: list[Entry]) -> tuple[list[list[str]], list[int]]:
    """Feature lists with their class: the entry's index, or len(entries) for "none of these"."""
    texts, owners = [], []
    for index, entry in enumerate(entries):
        sentences = [s for s in re.split(r"[。；！？!?]", entry.answer) if len(s) > 4]
        for text in (entry.topic, *entry.questions, *entry.keywords, *sentences):
            if text.strip():
                texts.append(features(text))
                owners.append(index)
    for question in unknown_questions():
        texts.append(features(question))
        owners.append(len(entries))
    return texts, owners


def fit(entries: list[Entry]) -> Weights:
    """Train the classifier for these entries (a second or two: imports scikit-learn)."""
    texts, owners = training_set(entries)
    return Weights.fit(texts, owners, class_weight={len(entries): UNKNOWN_WEIGHT})


def content_key(entries: list[Entry]) -> str:
    """Changes whenever an entry, the training code or data, or a library that shapes the weights changes."""
    digest = hashlib.sha256(model_cache.fingerprint(_CODE, libraries=("scikit-learn", "jieba")).encode())
    digest.update(json.dumps([asdict(e) for e in entries], ensure_ascii=False).encode())
    return digest.hexdigest()


def weights_for(entries: list[Entry], cache_dir: Path | None, scope: str = "kb") -> Weights:
    """The trained weights for these entries, kept in cache_dir when given; a newer file of the same
    scope (letters, digits, underscores: the company's file, or one estate) replaces the older."""
    def read(kept: Path) -> Weights:
        weights = Weights.load(kept)
        if set(weights.classes.tolist()) != set(range(len(entries) + 1)):
            raise ValueError("the entries do not match")
        return weights

    return model_cache.load_or_train(cache_dir, f"{scope}-{content_key(entries)[:20]}", ".npz", read, Weights.save,
                                     lambda: fit(entries))
