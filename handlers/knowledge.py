"""The inquiry knowledge base: questions, keywords and answers the property company edits.

Answers are found by meaning rather than exact wording: a small classifier is trained at start-up on
each entry's topic, questions, keywords and the sentences of its answer (jieba words and character
uni- and bigrams without filler words such as 请问/怎么/吗), and a resident's question goes to the
entry it scores highest. Measured on tests/data/kb_queries.yml this finds the right entry for far
more paraphrases than cosine similarity over the same features did (see README). A confident match
is answered; a middling one is answered with an offer to have a colleague follow up; below that the
inquiry becomes a ticket with a promised reply time (never 不知道).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from nlu.text import fold

DEFAULT_FILE = Path(__file__).parent / "data" / "knowledge.yml"
import re

from nlu.text import is_symbol, segment

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


class KnowledgeBase:
    """Entries plus the classifier that maps a question to one of them."""

    def __init__(self, entries: list[Entry], answer_at: float = ANSWER_AT, suggest_at: float = SUGGEST_AT):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.entries = entries
        self.answer_at, self.suggest_at = answer_at, suggest_at
        texts, owners = [], []
        for index, entry in enumerate(entries):
            sentences = [s for s in re.split(r"[。；！？!?]", entry.answer) if len(s) > 4]
            for text in (entry.topic, *entry.questions, *entry.keywords, *sentences):
                if text.strip():
                    texts.append(_features(text))
                    owners.append(index)
        self._vectorizer = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True)
        self._classifier = LogisticRegression(C=20, max_iter=5000)
        self._classifier.fit(self._vectorizer.fit_transform(texts), owners)

    def search(self, question: str, limit: int = 3) -> list[Match]:
        """Best entries for a question, highest score first."""
        probabilities = self._classifier.predict_proba(self._vectorizer.transform([_features(question)]))[0]
        order = np.argsort(-probabilities)[:limit]
        return [Match(self.entries[self._classifier.classes_[i]], float(probabilities[i])) for i in order]

    def answer(self, question: str) -> Match | None:
        """The best entry when it is at least worth suggesting, else None (the question needs a person)."""
        best = self.search(question, limit=1)[0]
        return best if best.score >= self.suggest_at else None

    def is_confident(self, match: Match) -> bool:
        """True when the match is good enough to answer without offering a colleague."""
        return match.score >= self.answer_at


def load(path: str | Path = DEFAULT_FILE) -> KnowledgeBase:
    """Read and check the knowledge file; a bad file raises KnowledgeBaseError naming the problem."""
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
    if not entries:
        raise KnowledgeBaseError(f"{path}: has no entries")
    return KnowledgeBase(entries)
