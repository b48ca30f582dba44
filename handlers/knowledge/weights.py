"""A fitted TF-IDF + logistic regression pair, exported to numpy so that scoring needs no scikit-learn."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np


class Weights:
    """A fitted TfidfVectorizer(sublinear_tf) + LogisticRegression, exported: scoring a question
    needs its few features' columns only, which numpy does in microseconds."""

    def __init__(self, vocabulary: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 classes: np.ndarray):
        self.vocabulary = vocabulary
        self._columns = {feature: i for i, feature in enumerate(vocabulary)}
        self.idf, self.coef, self.intercept, self.classes = idf, coef, intercept, classes

    @classmethod
    def fit(cls, texts: list[list[str]], owners: list[int], class_weight: dict[int, float] | None = None) -> "Weights":
        """Train on feature lists and the index of the class each belongs to (weighted per class when given)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer=lambda features: features, sublinear_tf=True)
        weights = {owner: 1.0 for owner in set(owners)} | (class_weight or {})
        classifier = LogisticRegression(C=20, max_iter=5000, class_weight=weights)
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
        """Write the arrays as one .npz file."""
        np.savez(path, vocabulary=np.array(self.vocabulary, dtype=str), idf=self.idf, coef=self.coef,
                 intercept=self.intercept, classes=self.classes)

    @classmethod
    def load(cls, path: Path) -> "Weights":
        """Read what save() wrote (no pickles)."""
        with np.load(path, allow_pickle=False) as data:
            return cls(data["vocabulary"].tolist(), data["idf"], data["coef"], data["intercept"], data["classes"])
