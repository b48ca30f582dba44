"""The inquiry knowledge base: exported weights, their cache under VAR_DIR, and `wuye kb`."""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from handlers import knowledge
from handlers.knowledge import base
from handlers.knowledge.features import features as question_features
from handlers.knowledge.cli import kb_cli
from handlers.knowledge.evaluation import EVAL_FILE, evaluate, load_queries
from handlers.knowledge.weights import Weights

QUESTIONS = [q["text"] for q in load_queries(EVAL_FILE)]


@pytest.fixture(scope="module")
def kb() -> knowledge.KnowledgeBase:
    return knowledge.load()


def test_exported_weights_score_exactly_as_scikit_learn(kb):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, owners = base.training_set(kb.entries)
    vectorizer = TfidfVectorizer(analyzer=lambda features: features, sublinear_tf=True)
    classifier = LogisticRegression(C=20, max_iter=5000).fit(vectorizer.fit_transform(texts), owners)
    vectors = [question_features(q) for q in QUESTIONS + ["", "😀😀", "完全无关的一句话 abc 123"]]
    expected = classifier.predict_proba(vectorizer.transform(vectors))
    got = np.array([kb.weights.probabilities(f) for f in vectors])
    assert got == pytest.approx(expected, abs=1e-9)


def test_questions_find_their_entry_by_meaning(kb):
    report = evaluate(kb, load_queries(EVAL_FILE))
    assert report["first_right"] / report["answerable"] >= 0.8
    assert kb.search("物业费能用微信交吗", limit=1)[0].entry.id == "fee_payment"


def write_kb(path, entries):
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8")
    return path


ENTRIES = [
    {"id": "parcel", "topic": "快递", "questions": ["快递放在哪里", "快递柜在哪"], "keywords": ["快递柜"],
     "answer": "快递柜在北门保安亭旁边，大件快递请到服务中心领取。"},
    {"id": "water", "topic": "停水", "questions": ["什么时候来水", "为什么停水了"], "keywords": ["停水"],
     "answer": "计划停水会提前一天在单元门口张贴通知，请留意。"},
    {"id": "fee", "topic": "物业费", "questions": ["物业费怎么交"], "keywords": ["缴费"],
     "answer": "物业费可以在服务中心缴纳，也可以办理银行代扣。"},
]


def test_trained_weights_are_kept_for_the_next_process(tmp_path, monkeypatch, caplog):
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    cache = tmp_path / "var" / "knowledge"
    first = knowledge.load(path, cache)
    [kept] = cache.glob("kb-*.npz")

    monkeypatch.setattr(Weights, "fit", classmethod(lambda *a: pytest.fail("retrained")))
    again = knowledge.load(path, cache)
    assert again.search("快递柜在哪儿", 1)[0].entry.id == "parcel"
    assert again.weights.probabilities(question_features("停水了")) == \
        pytest.approx(first.weights.probabilities(question_features("停水了")), abs=1e-12)
    monkeypatch.undo()

    write_kb(path, ENTRIES + [{"id": "pets", "questions": ["可以养狗吗"], "answer": "可以，遛狗请牵绳。"}])
    assert knowledge.load(path, cache).search("养狗要牵绳吗", 1)[0].entry.id == "pets"
    [replaced] = cache.glob("kb-*.npz")
    assert replaced != kept

    replaced.write_bytes(b"not an npz file")
    with caplog.at_level(logging.WARNING, logger="handlers.model_cache"):
        assert knowledge.load(path, cache).search("快递柜在哪儿", 1)[0].entry.id == "parcel"
    assert "unusable" in caplog.text


def test_a_knowledge_file_needs_two_entries(tmp_path):
    with pytest.raises(knowledge.KnowledgeBaseError, match="at least two entries"):
        knowledge.load(write_kb(tmp_path / "one.yml", ENTRIES[:1]))


def test_kb_ask_prints_the_decision_and_ranking_per_question(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    result = CliRunner().invoke(kb_cli, ["ask", "--kb", str(path)], input="快递柜在哪儿\n\n物业费在哪交\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["entry"] for line in lines] == ["parcel", "fee"]
    assert lines[0]["decision"] in ("answer", "offer", "ticket") and len(lines[0]["ranking"]) == 3
    assert lines[0]["ranking"][0]["score"] >= lines[0]["ranking"][1]["score"]


def test_kb_evaluate_reports_on_labelled_questions(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    queries = tmp_path / "queries.yml"
    queries.write_text(yaml.safe_dump({"queries": [
        {"text": "快递柜在哪儿", "expected": "parcel"}, {"text": "物业费在哪交", "expected": "fee"},
        {"text": "小区明年会不会涨价", "expected": None}]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--file", str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["answerable"] == 2 and report["first_right"] == 2 and report["unanswerable"] == 1
    text = CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--file", str(queries)]).output
    assert "right entry first:" in text and "100.0%  (2/2)" in text


@pytest.mark.parametrize("content, problem", [
    ("queries: [{text: 快递在哪}]", "needs text and expected"),
    ("queries: [{text: 快递在哪, expected: nowhere}]", "not in the knowledge file: nowhere"),
    ("queries: [", "cannot read"),
])
def test_kb_evaluate_refuses_a_bad_questions_file_with_one_line(tmp_path, monkeypatch, content, problem):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    queries = tmp_path / "queries.yml"
    queries.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--file", str(queries)])
    assert result.exit_code == 1 and problem in result.output and len(result.output.strip().splitlines()) == 1
