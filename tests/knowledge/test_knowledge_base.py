"""The classifier behind the knowledge base: exported weights, the "none of these" class, the cache."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from handlers import knowledge
from handlers.knowledge import training
from handlers.knowledge.evaluation import EVAL_FILE, load_queries
from handlers.knowledge.features import features
from handlers.knowledge.weights import Weights

from .conftest import ENTRIES, write_kb

QUESTIONS = [q["text"] for q in load_queries(EVAL_FILE)]


def test_exported_weights_score_exactly_as_scikit_learn(kb):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, owners = training.training_set(kb.entries)
    none = len(kb.entries)
    assert owners.count(none) == len(training.unknown_questions()) > 100
    weights = {owner: 1.0 for owner in set(owners)} | {none: training.UNKNOWN_WEIGHT}
    vectorizer = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True)
    classifier = LogisticRegression(C=20, max_iter=5000, class_weight=weights)
    classifier.fit(vectorizer.fit_transform(texts), owners)
    vectors = [features(q) for q in QUESTIONS + ["", "😀😀", "完全无关的一句话 abc 123"]]
    expected = classifier.predict_proba(vectorizer.transform(vectors))
    got = np.array([kb.weights.probabilities(f) for f in vectors])
    assert got == pytest.approx(expected, abs=1e-9)


def test_search_ranks_entries_only_and_reports_the_none_score(kb):
    ranking = kb.search("物业费能用微信交吗", limit=len(kb.entries) + 5)
    assert ranking[0].entry.id == "fee_payment"
    assert len(ranking) == len(kb.entries)           # "none of these" is not an entry
    assert [m.score for m in ranking] == sorted((m.score for m in ranking), reverse=True)
    total = sum(m.score for m in ranking) + ranking[0].unknown
    assert total == pytest.approx(1.0)
    assert {m.unknown for m in ranking} == {ranking[0].unknown}
    assert kb.search("附近哪家火锅店好吃", 1)[0].unknown > 0.5


def test_trained_weights_are_kept_for_the_next_process(tmp_path, monkeypatch, caplog):
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    cache = tmp_path / "var" / "knowledge"
    first = knowledge.load(path, cache)
    [kept] = cache.glob("kb-*.npz")

    monkeypatch.setattr(Weights, "fit", classmethod(lambda *a, **k: pytest.fail("retrained")))
    again = knowledge.load(path, cache)
    assert again.search("快递柜在哪儿", 1)[0].entry.id == "parcel"
    assert again.weights.probabilities(features("停水了")) == \
        pytest.approx(first.weights.probabilities(features("停水了")), abs=1e-12)
    path.write_text("# a comment changes nothing the weights depend on\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    knowledge.load(path, cache)
    monkeypatch.undo()

    write_kb(path, ENTRIES + [{"id": "pets", "questions": ["可以养狗吗"], "answer": "可以，遛狗请牵绳。"}])
    assert knowledge.load(path, cache).search("养狗要牵绳吗", 1)[0].entry.id == "pets"
    [replaced] = cache.glob("kb-*.npz")
    assert replaced != kept

    replaced.write_bytes(b"not an npz file")
    with caplog.at_level(logging.WARNING, logger="handlers.model_cache"):
        assert knowledge.load(path, cache).search("快递柜在哪儿", 1)[0].entry.id == "parcel"
    assert "unusable" in caplog.text


@pytest.mark.parametrize("entries, problem", [
    (ENTRIES[:1], "at least two entries"),
    (ENTRIES + [{"id": "parcel", "questions": ["x"], "answer": "y"}], "id 'parcel' is used twice"),
    (ENTRIES + [{"id": "bad", "questions": "快递在哪", "answer": "y"}], "questions and keywords must be lists"),
    (ENTRIES + [{"id": "bad", "answer": "y"}], "entry 4: missing questions"),
])
def test_a_bad_knowledge_file_is_refused_naming_the_problem(tmp_path, entries, problem):
    with pytest.raises(knowledge.KnowledgeBaseError, match=problem):
        knowledge.load(write_kb(tmp_path / "kb.yml", entries))
