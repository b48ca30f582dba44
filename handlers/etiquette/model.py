"""A learned second opinion for the banned-phrase filter: staff replies the rules let through.

The rules of data/etiquette.yml know phrases; staff keep inventing new ways to be rude or
dismissive (你行你来修, 这个点谁给你修, 没那么严重吧) that share no phrase with the list. This model
learns the *tone* from the labelled replies in data/examples/ (every reply a
person judged, banned ones with their category): character 1-3-grams of the reply's skeleton (the
same folding the rules use, so spacing and emoji tricks read the same), TF-IDF, and a logistic
regression for "banned?" plus one for the category (which picks the suggestion).

It only adds blocks, at a high threshold: on 5-fold cross-validation over the examples, at 0.7 it
blocks 0.3% of polite replies on its own, while catching most banned replies the rules missed in
fresh rounds of replies (README, etiquette numbers). A polite reply it stops wrongly is fixed by
adding that reply to an examples file as allowed: the model is retrained on the next start
(and kept under VAR_DIR/etiquette until the examples or this code change).

scikit-learn fits; a check runs on the exported weights in plain Python (a few dozen n-grams),
which keeps it in the tens of microseconds.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import model_cache
from ..yamlfile import read_list

EXAMPLES_DIR = Path(__file__).parent / "data" / "examples"
# What the trained weights depend on besides the examples: this code, the filter's text folding
# (skeleton.py) and scikit-learn. A cached model is used only for the same ones.
_CODE = (Path(__file__), Path(__file__).parent / "skeleton.py")
THRESHOLD = 0.7
# A rewrite of a blocked reply leaves out a clause without facts that the model, on the clause alone
# (你 read as 您), finds this likely banned. Clauses score higher than whole replies (short, few
# polite n-grams): factual ones reach 0.6-0.87 (你那个门禁卡我已经给你开通了), rude ones 0.93 and up
# (想投诉尽管去投, 别人家咋都没事); measured on the rewrite development set.
REWRITE_DOUBT = 0.9
# Below this many characters a reply has too few n-grams for the model to judge (稍等, 嗯嗯好的, OK);
# the rules' whole-reply and alone placements cover short curt replies.
MIN_CHARS = 5
NGRAMS = (1, 3)
C = 10.0


class ExamplesError(ValueError):
    """An examples file cannot be used; the message is one line naming the file and the reply."""


@dataclass(frozen=True)
class ModelHit:
    probability: float
    category: str
    start: int        # the clause that sounds worst, as offsets into the skeleton
    end: int


def example_files(directory: Path = EXAMPLES_DIR) -> tuple[Path, ...]:
    """The labelled replies the model learns from, in a stable order."""
    return tuple(sorted(Path(directory).glob("*.yml")))


def read_labelled(path: Path, categories: tuple[str, ...]) -> list[dict]:
    """The replies of one labelled file: [{text, allowed, category?}]; ExamplesError (one line, a
    ValueError) when malformed. `wuye etiquette evaluate` reads its sets with this too."""
    replies = read_list(path, "replies", "labelled replies", ExamplesError)
    for n, reply in enumerate(replies, 1):
        if not (isinstance(reply, dict) and isinstance(reply.get("text"), str)
                and isinstance(reply.get("allowed"), bool)):
            raise ExamplesError(f"{path}: replies[{n}] needs text and allowed: true/false")
        if reply.get("category") is not None and reply["category"] not in categories:
            raise ExamplesError(f"{path}: replies[{n}] has unknown category {reply['category']!r}")
    return replies


def read_examples(paths: tuple[Path, ...], categories: tuple[str, ...]) -> list[dict]:
    """Every labelled reply of the files; a banned one must name its category (it picks the suggestion)."""
    replies = []
    for path in paths:
        for n, reply in enumerate(read_labelled(path, categories), 1):
            if not reply["allowed"] and reply.get("category") is None:
                raise ExamplesError(f"{path}: replies[{n}] is banned but has no category")
            replies.append(reply)
    return replies


_RUNS_OF_SPACE = re.compile(r"\s\s+")   # as scikit-learn's char analyzer does before cutting n-grams


def _grams(skel: str) -> Counter:
    skel = _RUNS_OF_SPACE.sub(" ", skel)
    low, high = NGRAMS
    return Counter(skel[i:i + n] for n in range(low, high + 1) for i in range(len(skel) - n + 1))


class ToneModel:
    """Exported weights: per n-gram its idf, its weight for "banned" and its weights per category."""

    def __init__(self, idf: dict[str, float], banned: dict[str, float], banned_bias: float,
                 categories: tuple[str, ...], by_category: dict[str, tuple[float, ...]],
                 category_bias: tuple[float, ...]):
        self._idf, self._banned, self._banned_bias = idf, banned, banned_bias
        self._categories, self._by_category, self._category_bias = categories, by_category, category_bias

    def _weights(self, skel: str) -> dict[str, float]:
        # TfidfVectorizer(sublinear_tf=True, norm="l2") over the n-grams the model knows
        weights = {g: (1.0 + math.log(c)) * self._idf[g] for g, c in _grams(skel).items() if g in self._idf}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items()}

    def probability(self, skel: str) -> float:
        """How likely a person would ban this reply (0..1)."""
        weights = self._weights(skel)
        score = self._banned_bias + sum(w * self._banned[g] for g, w in weights.items())
        return 1.0 / (1.0 + math.exp(-score))

    def category(self, skel: str) -> str:
        weights = self._weights(skel)
        scores = list(self._category_bias)
        for g, w in weights.items():
            for k, coef in enumerate(self._by_category[g]):
                scores[k] += w * coef
        return self._categories[max(range(len(scores)), key=scores.__getitem__)]

    def hit(self, skel: str, separator: str) -> ModelHit | None:
        """A ModelHit when the reply sounds banned, pointing at its worst clause; else None."""
        if len(skel.replace(separator, "")) < MIN_CHARS:
            return None
        probability = self.probability(skel)
        if probability <= THRESHOLD:
            return None
        start, best, worst = 0, (0, len(skel)), -1.0
        for clause in skel.split(separator):
            if clause:
                p = self.probability(clause)
                if p > worst:
                    best, worst = (start, start + len(clause)), p
            start += len(clause) + 1
        return ModelHit(probability, self.category(skel), *best)

    def to_json(self) -> str:
        grams = list(self._idf)
        return json.dumps({"grams": grams, "idf": [self._idf[g] for g in grams],
                           "banned": [self._banned[g] for g in grams], "banned_bias": self._banned_bias,
                           "categories": self._categories, "by_category": [self._by_category[g] for g in grams],
                           "category_bias": self._category_bias}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ToneModel":
        data = json.loads(text)
        grams = data["grams"]
        return cls(idf=dict(zip(grams, data["idf"], strict=True)),
                   banned=dict(zip(grams, data["banned"], strict=True)), banned_bias=float(data["banned_bias"]),
                   categories=tuple(data["categories"]),
                   by_category={g: tuple(row) for g, row in zip(grams, data["by_category"], strict=True)},
                   category_bias=tuple(data["category_bias"]))

    @classmethod
    def fit(cls, replies: list[dict], skeleton, categories: tuple[str, ...]) -> "ToneModel":
        """Train on labelled replies; `skeleton` is the filter's text folding."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [skeleton(r["text"]) for r in replies]
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, lowercase=False)
        matrix = vectorizer.fit_transform(texts)
        banned = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        banned.fit(matrix, [0 if r["allowed"] else 1 for r in replies])
        rows = [i for i, r in enumerate(replies) if not r["allowed"]]
        kinds = LogisticRegression(C=C, max_iter=5000)
        kinds.fit(matrix[rows], [replies[i]["category"] for i in rows])
        vocabulary = vectorizer.vocabulary_
        kind_names = tuple(str(name) for name in kinds.classes_)
        if len(kind_names) == 2:   # scikit-learn keeps one row of weights for two classes
            kind_coef = [[-c for c in kinds.coef_[0]], list(kinds.coef_[0])]
            kind_bias = (-float(kinds.intercept_[0]), float(kinds.intercept_[0]))
        else:
            kind_coef, kind_bias = kinds.coef_.tolist(), tuple(float(b) for b in kinds.intercept_)
        idf = vectorizer.idf_.tolist()
        coef = banned.coef_[0].tolist()
        return cls(idf={g: idf[i] for g, i in vocabulary.items()},
                   banned={g: coef[i] for g, i in vocabulary.items()}, banned_bias=float(banned.intercept_[0]),
                   categories=kind_names,
                   by_category={g: tuple(row[i] for row in kind_coef) for g, i in vocabulary.items()},
                   category_bias=kind_bias)


def fingerprint(paths: tuple[Path, ...]) -> str:
    """Changes whenever an examples file, the code the model depends on or scikit-learn changes."""
    return model_cache.fingerprint((*_CODE, *paths), libraries=("scikit-learn",))


@lru_cache(maxsize=4)
def _trained(paths: tuple[Path, ...], key: str, skeleton, categories: tuple[str, ...],
             cache_dir: Path | None) -> ToneModel:
    def read(path: Path) -> ToneModel:
        model = ToneModel.from_json(path.read_text(encoding="utf-8"))
        if not set(model._categories) <= set(categories):
            raise ValueError(f"categories {model._categories} are not all known")
        return model

    return model_cache.load_or_train(
        cache_dir, f"tone-{key[:20]}", ".json", read,
        lambda model, path: path.write_text(model.to_json(), encoding="utf-8"),
        lambda: ToneModel.fit(read_examples(paths, categories), skeleton, categories))


def load(paths: tuple[Path, ...], skeleton, categories: tuple[str, ...],
         cache_dir: Path | None = None) -> ToneModel | None:
    """The model for these example files: trained once per version of the files (and of the code),
    kept in `cache_dir` for the next process when given; None when there are no files."""
    if not paths:
        return None
    try:
        key = fingerprint(paths)
    except OSError as exc:
        raise ExamplesError(f"cannot read the examples ({exc})") from None
    return _trained(paths, key, skeleton, categories, Path(cache_dir) if cache_dir else None)
