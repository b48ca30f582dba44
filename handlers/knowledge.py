"""The inquiry knowledge base: questions, keywords and answers the property company edits.

Answers are found by meaning rather than exact wording: a small classifier is trained on each
entry's topic, questions, keywords and the sentences of its answer (jieba words and character
uni- and bigrams without filler words such as 请问/怎么/吗), and a resident's question goes to the
entry it scores highest. Measured with `wuye kb evaluate` on tests/data/kb_queries.yml this finds
the right entry for far more paraphrases than cosine similarity over the same features did (see
README). A confident match is answered; a middling one is answered with an offer to have a
colleague follow up; below that the inquiry becomes a ticket with a promised reply time (never 不知道).

scikit-learn fits (TF-IDF and logistic regression); a question is scored with the exported
weights in numpy, and the weights are kept under VAR_DIR/knowledge until the file or this code
changes, so a process starts without training or even importing scikit-learn.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from nlu.text import fold, is_symbol, segment

from . import model_cache

DEFAULT_FILE = Path(__file__).parent / "data" / "knowledge.yml"
# What the weights depend on besides the knowledge file: this code and the text folding of nlu/text.py.
_CODE = (Path(__file__), Path(__file__).parent.parent / "nlu" / "text.py")

# Filler that every question shares; removing it lets the words that carry the topic decide.
_STOP = frozenset("""请问 问一下 一下 怎么 怎么样 怎样 如何 吗 呢 啊 吧 呀 的 了 是 我 我们 你们 你 在 有 没有 可以 能
能不能 要 需要 什么 哪里 哪儿 多少 几点 一个 这个 那个 还 就 都 也 和 跟 请 谢谢 您好 你好 物业 小区 一般 现在
到底 是不是 会不会 么 下""".split())
ANSWER_AT = 0.30     # answer outright
SUGGEST_AT = 0.12    # answer, and offer a colleague's follow-up


def _features(text: str) -> list[str]:
    text = re.sub(r"\d+", "0", fold(text).lower())
    text = "".join(" " if is_symbol(ch) else ch for ch in text)
    words = [w for w in segment(text) if w not in _STOP]
    chars = "".join(words)
    return ([f"w:{w}" for w in words] + [f"c:{c}" for c in chars]
            + [f"b:{chars[i:i + 2]}" for i in range(len(chars) - 1)])


class KnowledgeBaseError(Exception):
    """The knowledge file is missing, unreadable or malformed; the message says where."""


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


class _Weights:
    """A fitted TfidfVectorizer(sublinear_tf) + LogisticRegression, exported: scoring a question
    needs its few features' columns only, which numpy does in microseconds."""

    def __init__(self, vocabulary: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 classes: np.ndarray):
        self.vocabulary = vocabulary
        self._columns = {feature: i for i, feature in enumerate(vocabulary)}
        self.idf, self.coef, self.intercept, self.classes = idf, coef, intercept, classes

    @classmethod
    def fit(cls, texts: list[list[str]], owners: list[int]) -> "_Weights":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer=lambda features: features, sublinear_tf=True)
        classifier = LogisticRegression(C=20, max_iter=5000)
        classifier.fit(vectorizer.fit_transform(texts), owners)
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(vocabulary, vectorizer.idf_, classifier.coef_, classifier.intercept_, classifier.classes_)

    def probabilities(self, features: list[str]) -> np.ndarray:
        """predict_proba of the fitted pair for one question's features."""
        counts = Counter(f for f in features if f in self._columns)
        scores = self.intercept.copy()
        if counts:
            columns = np.fromiter((self._columns[f] for f in counts), dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self.idf[columns]
            weights /= np.linalg.norm(weights)
            scores = scores + self.coef[:, columns] @ weights
        if len(self.classes) == 2:    # scikit-learn keeps one row of weights for two classes
            positive = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - positive, positive])
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    def save(self, path: Path) -> None:
        np.savez(path, vocabulary=np.array(self.vocabulary, dtype=str), idf=self.idf, coef=self.coef,
                 intercept=self.intercept, classes=self.classes)

    @classmethod
    def load(cls, path: Path) -> "_Weights":
        with np.load(path, allow_pickle=False) as data:
            return cls(data["vocabulary"].tolist(), data["idf"], data["coef"], data["intercept"], data["classes"])


def _training_set(entries: list[Entry]) -> tuple[list[list[str]], list[int]]:
    texts, owners = [], []
    for index, entry in enumerate(entries):
        sentences = [s for s in re.split(r"[。；！？!?]", entry.answer) if len(s) > 4]
        for text in (entry.topic, *entry.questions, *entry.keywords, *sentences):
            if text.strip():
                texts.append(_features(text))
                owners.append(index)
    return texts, owners


class KnowledgeBase:
    """Entries plus the classifier that maps a question to one of them."""

    def __init__(self, entries: list[Entry], weights: _Weights, answer_at: float = ANSWER_AT,
                 suggest_at: float = SUGGEST_AT):
        self.entries, self.weights = entries, weights
        self.answer_at, self.suggest_at = answer_at, suggest_at

    def search(self, question: str, limit: int = 3) -> list[Match]:
        """Best entries for a question, highest score first."""
        probabilities = self.weights.probabilities(_features(question))
        order = np.argsort(-probabilities, kind="stable")[:limit]
        return [Match(self.entries[int(self.weights.classes[i])], float(probabilities[i])) for i in order]

    def answer(self, question: str) -> Match | None:
        """The best entry when it is at least worth suggesting, else None (the question needs a person)."""
        best = self.search(question, limit=1)[0]
        return best if best.score >= self.suggest_at else None

    def is_confident(self, match: Match) -> bool:
        """True when the match is good enough to answer without offering a colleague."""
        return match.score >= self.answer_at


def _weights(entries: list[Entry], path: Path, cache_dir: Path | None) -> _Weights:
    """The trained weights for this file: kept in cache_dir until the file, this code or a library
    that shapes them changes."""
    def read(kept: Path) -> _Weights:
        weights = _Weights.load(kept)
        if set(weights.classes.tolist()) != set(range(len(entries))):
            raise ValueError("the entries do not match")
        return weights

    key = model_cache.fingerprint((*_CODE, path), libraries=("scikit-learn", "jieba"))
    return model_cache.load_or_train(cache_dir, f"kb-{key[:20]}", ".npz", read, _Weights.save,
                                     lambda: _Weights.fit(*_training_set(entries)))


def load(path: str | Path = DEFAULT_FILE, cache_dir: str | Path | None = None) -> KnowledgeBase:
    """Read and check the knowledge file, with its classifier (kept trained in `cache_dir` when
    given); a bad file raises KnowledgeBaseError naming the problem."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeBaseError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise KnowledgeBaseError(f"{path}: expected a mapping with a list under 'entries'")
    entries, seen = [], set()
    for number, item in enumerate(document["entries"], 1):
        where = f"{path}: entry {number}"
        if not isinstance(item, dict):
            raise KnowledgeBaseError(f"{where}: expected id, topic, questions, keywords, answer")
        missing = [k for k in ("id", "questions", "answer") if not item.get(k)]
        if missing:
            raise KnowledgeBaseError(f"{where}: missing {', '.join(missing)}")
        if item["id"] in seen:
            raise KnowledgeBaseError(f"{where}: id {item['id']!r} is used twice")
        seen.add(item["id"])
        entries.append(Entry(str(item["id"]), str(item.get("topic", "")), tuple(map(str, item["questions"])),
                             tuple(map(str, item.get("keywords") or ())), str(item["answer"]).strip()))
    if len(entries) < 2:
        raise KnowledgeBaseError(f"{path}: needs at least two entries to choose between")
    return KnowledgeBase(entries, _weights(entries, path, Path(cache_dir) if cache_dir else None))
