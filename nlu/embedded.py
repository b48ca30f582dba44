"""The embedded intent classifier: jieba words plus character n-grams, TF-IDF, logistic regression.

scikit-learn fits the model; prediction runs on the exported vocabulary and weights with numpy
alone, because scikit-learn's per-call input checks cost more than the arithmetic for one short
message (see the note in README.md: about 0.1 ms instead of about 1 ms a parse).
The trained model is cached under VAR_DIR/nlu keyed by a hash of the data and this configuration.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Callable

import numpy as np

from .text import blank_symbols, fold, is_symbol, segment
from .training_data import TRAIN_FILE, TrainingData, fingerprint, load

log = logging.getLogger(__name__)

# Changing anything here changes the cache key, so a stale model is never reused.
MODEL_CONFIG = {
    "version": 7,
    "entity_signals": 1,
    "cue_weight": 3,
    "char_ngrams": [1, 3],
    "word_ngrams": [1, 2],
    "C": 8.0,
    "class_weight": "balanced",
    "min_df": 1,
}

_DIGITS = re.compile(r"\d+")
# Cues that generalise beyond the words seen in training: each adds one feature when present.
_CUES = {
    "question": r"吗|么|怎么|如何|多少|几点|几号|哪里|哪儿|在哪|什么时候|能不能|可不可以|是否|有没有|请问|咨询|\?|呢",
    "fault": r"坏|漏|堵|不亮|不通|不出|裂|掉|松|异响|故障|滴|渗|跳闸|没电|没水|打不|不能用|失灵|不灵|不好使|不热|卡住|关不上|打不开|爆|冒",
    "fix": r"修|换|来看|派人|派个|师傅|上门|处理一下|弄一下|检查",
    "unhappy": r"投诉|态度|没人|不管|怎么回事|什么服务|干什么吃|干啥吃|太差|差劲|失望|凭什么|骗|搞什么|气死|受不了|扰民|吵|乱|占|脏|臭|还没|又|几次|好几天|半个月|一个月|到现在|一直没|拖",
    "status": r"进度|怎么样了|到哪|处理了吗|有人接|什么时候来|还来吗|单子|工单|派单",
    "cancel": r"取消|撤|不用(来|修|了)|不修了|算了|不麻烦",
}
_CUE_RES = {name: re.compile(pattern) for name, pattern in _CUES.items()}
def features(text: str, config: dict = MODEL_CONFIG, signals: list[str] = ()) -> list[str]:
    """Feature strings of one message: 'w:' jieba words and bigrams, 'c:' character n-grams, 'k:' cues,
    and the entity extractor's signals ('e:'), see EntityExtractor.signals."""
    text = _DIGITS.sub("0", fold(text).lower())
    compact = " ".join(blank_symbols(text).split())
    words = segment(compact)
    out = [f"w:{w}" for w in words]
    low, high = config["word_ngrams"]
    for n in range(max(2, low), high + 1):
        out += [f"w:{' '.join(words[i:i + n])}" for i in range(len(words) - n + 1)]
    chars = compact.replace(" ", "")
    low, high = config["char_ngrams"]
    for n in range(low, high + 1):
        out += [f"c:{chars[i:i + n]}" for i in range(len(chars) - n + 1)]
    # Emoji and angry punctuation are signals of their own.
    out += [f"s:{ch}" for ch in text if ord(ch) > 0x2000 and is_symbol(ch)]
    out += [f"k:{name}" for name, cue in _CUE_RES.items() if cue.search(text)] * config["cue_weight"]
    out += list(signals) * config.get("entity_signals", 0)
    return out


class EmbeddedModel:
    """Vocabulary, idf and weights of a trained classifier; predicts without scikit-learn."""

    def __init__(self, classes: list[str], vocabulary: dict[str, int], idf: np.ndarray,
                 coef: np.ndarray, intercept: np.ndarray, key: str):
        self.classes = classes
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef_t = np.ascontiguousarray(coef.T)  # (features, classes): rows gathered per message
        self.intercept = intercept
        self.key = key

    def predict(self, text: str, signals: list[str] = ()) -> list[tuple[str, float]]:
        """(intent, probability) pairs, best first; `signals` from EntityExtractor.signals."""
        columns = [c for c in map(self.vocabulary.get, features(text, MODEL_CONFIG, signals)) if c is not None]
        if not columns:
            scores = self.intercept.copy()
        else:
            index, counts = np.unique(np.array(columns, dtype=np.int64), return_counts=True)
            weights = (np.log(counts) + 1.0) * self.idf[index]
            weights /= np.linalg.norm(weights)
            scores = weights @ self.coef_t[index] + self.intercept
        scores = np.exp(scores - scores.max())
        probs = scores / scores.sum()
        order = np.argsort(-probs)
        return [(self.classes[i], float(probs[i])) for i in order]

    def save(self, path: Path) -> None:
        """Write the model as one .npz file (atomic rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, idf=self.idf, coef=self.coef_t.T, intercept=self.intercept,
                            meta=np.array(json.dumps({"classes": self.classes, "vocabulary": self.vocabulary,
                                                      "key": self.key}, ensure_ascii=False)))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "EmbeddedModel":
        """Read a model written by save()."""
        with np.load(path) as data:
            meta = json.loads(str(data["meta"]))
            return cls(meta["classes"], meta["vocabulary"], data["idf"], data["coef"], data["intercept"], meta["key"])


def model_key(train_file: Path = TRAIN_FILE, config: dict = MODEL_CONFIG) -> str:
    """Hash of the training data and the model configuration."""
    return fingerprint(train_file, json.dumps(config, sort_keys=True))


def fit(data: TrainingData, config: dict = MODEL_CONFIG, key: str = "",
        progress: Callable[[str], None] = lambda _msg: None) -> EmbeddedModel:
    """Train on the examples of `data`; deterministic for the same data and configuration."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from .entities import EntityExtractor
    from .training_data import category_terms

    extractor = EntityExtractor(category_terms(data))
    texts = [e.text for e in data.examples]
    labels = [e.intent for e in data.examples]
    progress(f"segmenting {len(texts)} examples with jieba")
    analysed = [features(t, config, extractor.signals(extractor.analyse(t))) for t in texts]
    progress("weighting features (TF-IDF)")
    vectorizer = TfidfVectorizer(analyzer=lambda feats: feats, sublinear_tf=True, min_df=config["min_df"])
    matrix = vectorizer.fit_transform(analysed)
    progress(f"fitting logistic regression on {matrix.shape[1]} features, {len(set(labels))} intents")
    classifier = LogisticRegression(C=config["C"], class_weight=config["class_weight"], max_iter=5000)
    classifier.fit(matrix, labels)
    vocabulary = {f: int(i) for f, i in vectorizer.vocabulary_.items()}
    return EmbeddedModel(list(classifier.classes_), vocabulary, vectorizer.idf_.astype(np.float64),
                         classifier.coef_.astype(np.float64), classifier.intercept_.astype(np.float64), key)


def load_or_train(var_dir: str | Path, train_file: Path = TRAIN_FILE,
                  progress: Callable[[str], None] = lambda _msg: None, force: bool = False) -> EmbeddedModel:
    """The cached model for the current data and configuration, training it first when needed."""
    key = model_key(train_file)
    path = Path(var_dir) / "nlu" / f"embedded-{key}.npz"
    if path.is_file() and not force:
        return EmbeddedModel.load(path)
    progress(f"training the embedded model from {train_file.name} (key {key})")
    model = fit(load(train_file), key=key, progress=progress)
    model.save(path)
    for old in path.parent.glob("embedded-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
    progress(f"saved {path}")
    return model
