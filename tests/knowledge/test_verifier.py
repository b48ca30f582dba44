"""The verifier of outright answers: a doubted entry is offered with a colleague, never given outright,
and it never changes which entry is chosen nor what goes to a person."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from handlers import knowledge
from handlers.knowledge import calibration, verifier
from handlers.knowledge.base import DEFAULT_FILE
from handlers.knowledge.cli import kb_cli
from handlers.knowledge.evaluation import EVAL_DIR, TUNING_FILES, load_queries
from handlers.knowledge.verifier import VERIFIER_FILE

from .conftest import ENTRIES, write_kb


@pytest.fixture(scope="module")
def unverified(tmp_path_factory) -> knowledge.KnowledgeBase:
    """The bundled file without the verifier."""
    return knowledge.load(cache_dir=tmp_path_factory.mktemp("kb-cache"), verify=False)


@pytest.mark.parametrize("question, entry", [
    ("能在服务中心寄快递吗", "parcel_delivery"),       # the parcel entry, but sending is not receiving
    ("健身房能请私教吗", "pool_gym"),                  # the gym's hours, not a trainer
])
def test_a_doubted_entry_is_offered_not_given_outright(kb, unverified, question, entry):
    assert unverified.decide(question).action == "answer"
    decision = kb.decide(question)
    assert (decision.action, decision.match.entry.id) == ("offer", entry)
    assert decision.doubt >= kb.verifier.threshold and not kb.is_confident(kb.answer(question))


@pytest.mark.parametrize("question", ["物业费可以微信交吗", "快递放在哪里", "装修的话需要办什么手续"])
def test_a_clear_question_is_still_answered_outright(kb, question):
    decision = kb.decide(question)
    assert decision.action == "answer" and decision.doubt < kb.verifier.threshold


def test_the_verifier_only_turns_outright_answers_into_offers(kb, unverified):
    for query in load_queries(EVAL_DIR / "kb_queries_dev.yml"):
        before, after = unverified.decide(query["text"]), kb.decide(query["text"])
        assert after.match.entry.id == before.match.entry.id
        assert after.action == before.action or (before.action, after.action) == ("answer", "offer")


def test_doubt_is_a_probability_for_odd_input(kb):
    for text in ("", "？？？", "物业" * 2000):
        assert 0.0 <= kb.decide(text).doubt <= 1.0


def test_an_estate_keeps_the_company_verifier(kb):
    estate = kb.for_estate("verifier_test", [{"id": "office_hours", "answer": "您好，二期服务中心每天9:00–17:30办公。"}])
    assert estate.verifier is kb.verifier
    assert estate.decide("健身房能请私教吗").action == "offer"


def test_a_malformed_verifier_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "verifier.yml"
    path.write_text("threshold: 0.4\nintercept: 0\nfeatures: {score: {mean: 0}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="verifier.yml"):
        verifier.load(path)
    assert verifier.load(tmp_path / "absent.yml") is None


def _queries(path, items):
    path.write_text(json.dumps({"queries": items}, ensure_ascii=False), encoding="utf-8")
    return path


def test_fit_verifier_measures_each_file_fitted_on_the_others_and_writes_a_verifier(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    kb_file = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    asked = [{"text": "快递柜在哪儿", "expected": "parcel"}, {"text": "什么时候来水啊", "expected": "water"},
             {"text": "快递能帮我寄吗", "expected": None}, {"text": "物业费怎么交", "expected": "fee"}]
    more = [{"text": "大件快递去哪拿", "expected": "parcel"}, {"text": "停水通知在哪看", "expected": "water"},
            {"text": "停水了物业送水吗", "expected": None}, {"text": "物业费可以代扣吗", "expected": "fee"}]
    files = [_queries(tmp_path / "a.yml", asked), _queries(tmp_path / "b.yml", more)]
    out = tmp_path / "fitted.yml"
    args = ["fit-verifier", "--kb", str(kb_file), "--out", str(out), *(a for f in files for a in ("--file", str(f)))]
    dry = CliRunner().invoke(kb_cli, [*args, "--dry-run"])
    assert dry.exit_code == 0 and "a.yml: fitted on the others" in dry.output and not out.exists()
    result = CliRunner().invoke(kb_cli, args)
    assert result.exit_code == 0, result.output
    fitted = verifier.load(out)
    assert fitted.threshold == pytest.approx(0.40) and len(fitted.coef) == len(verifier.FEATURES)
    assert calibration.stale(kb_file, files, out) is None
    assert "kb_queries" not in out.read_text(encoding="utf-8") and str(tmp_path) not in out.read_text(encoding="utf-8")


def test_the_shipped_verifier_was_fitted_on_todays_code_and_splits():
    """Fast: the fingerprint recorded by `wuye kb fit-verifier` against today's files."""
    reason = calibration.stale(DEFAULT_FILE, TUNING_FILES)
    assert reason is None, reason


def test_a_changed_split_or_feature_file_makes_the_verifier_stale(tmp_path):
    split = tmp_path / "kb_queries_more.yml"
    split.write_text("queries: []\n", encoding="utf-8")
    reason = calibration.stale(DEFAULT_FILE, (*TUNING_FILES, split))
    assert "changed or new: kb_queries_more.yml" in reason and "run `wuye kb fit-verifier`" in reason
    reason = calibration.stale(DEFAULT_FILE, TUNING_FILES[1:])
    assert "no longer used: tests/data/kb_queries.yml" in reason
    unfitted = tmp_path / "verifier.yml"
    unfitted.write_text(VERIFIER_FILE.read_text(encoding="utf-8").split("fitted_on:")[0], encoding="utf-8")
    assert "no fingerprint recorded" in calibration.stale(DEFAULT_FILE, TUNING_FILES, unfitted)


def test_a_refit_on_the_tuning_splits_reproduces_the_shipped_weights(kb):
    """The fit is deterministic (lbfgs, no sampling) and takes under a second once the classifier is trained."""
    shipped = verifier.load()
    splits = {path.name: load_queries(path) for path in TUNING_FILES}
    refit = calibration.fit_on(kb, splits, shipped.threshold)
    for name in ("mean", "scale", "coef"):
        assert getattr(refit, name) == pytest.approx(getattr(shipped, name), abs=1e-5), \
            f"{name} moved: run `wuye kb fit-verifier` (libraries {calibration.fitted_on(DEFAULT_FILE, ())['libraries']})"
    assert refit.intercept == pytest.approx(shipped.intercept, abs=1e-5)
