"""The learned second opinion: replies the rules let through, judged by their tone."""
from __future__ import annotations

import json

import pytest
import yaml

from handlers.etiquette import CATEGORIES, EtiquetteFilter, EtiquetteRulesError, skeleton_text
from handlers.etiquette import model as etiquette_model

from .support import blocked_as


# Written after the rules and the model were fixed; none of them is in the examples.
UNSEEN_BANNED = ["你行你来修", "这个点谁给你修", "没那么严重吧", "是不是你家小孩搞的", "反正修了也白修",
                 "有空了就去"]
UNSEEN_POLITE = ["不知道您明天上午是否在家？我们想安排师傅上门。", "您要是没空的话，我们可以约晚上七点以后上门。",
                 "这个不属于公共维修范围，不过我们可以帮您推荐靠谱的师傅，您需要吗？", "好嘞，马上到！",
                 "滚筒洗衣机漏水可能是排水管松了，师傅会带配件过去。", "稍等", "嗯嗯好的", "OK", "门禁", "投诉"]


def test_the_model_stops_rude_replies_the_rules_do_not_know(etiquette):
    rules_alone = EtiquetteFilter.load(examples=())
    assert all(rules_alone.check(text).allowed for text in UNSEEN_BANNED)
    for text in UNSEEN_BANNED:
        verdict = blocked_as(etiquette, text)
        (violation,) = verdict.violations
        assert violation.category in CATEGORIES and isinstance(violation.category, str)
        assert text[violation.start:violation.end] == violation.phrase
        assert etiquette.check(verdict.suggestion).allowed


def test_the_model_leaves_polite_and_short_replies_alone(etiquette):
    assert [text for text in UNSEEN_POLITE if not etiquette.check(text).allowed] == []


def test_the_model_points_at_the_clause_that_sounds_wrong(etiquette):
    text = "好的，这个点谁给你修"
    (violation,) = etiquette.check(text).violations
    assert violation.phrase == "这个点谁给你修" and text[violation.start:violation.end] == violation.phrase


def test_the_model_matches_scikit_learn(etiquette):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    replies = etiquette_model.read_examples(etiquette_model.example_files(), CATEGORIES)
    texts = [skeleton_text(r["text"]) for r in replies]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=etiquette_model.NGRAMS, sublinear_tf=True,
                                 lowercase=False)
    model = LogisticRegression(C=etiquette_model.C, max_iter=5000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(texts), [0 if r["allowed"] else 1 for r in replies])
    probes = [skeleton_text(t) for t in UNSEEN_BANNED + UNSEEN_POLITE]
    expected = model.predict_proba(vectorizer.transform(probes))[:, 1]
    assert [etiquette.model.probability(p) for p in probes] == pytest.approx(list(expected), abs=1e-9)


def test_an_example_marked_allowed_teaches_the_model(tmp_path):
    """The desk overrules a wrong block by adding the reply to an examples file as allowed."""
    text = "有空了就去"
    assert not EtiquetteFilter.load().check(text).allowed
    examples = [tmp_path / p.name for p in etiquette_model.example_files()]
    for source, copy in zip(etiquette_model.example_files(), examples):
        copy.write_bytes(source.read_bytes())
    extra = tmp_path / "desk.yml"
    extra.write_text(yaml.safe_dump({"replies": [{"text": text, "allowed": True}]}, allow_unicode=True),
                     encoding="utf-8")
    assert EtiquetteFilter.load(examples=(*examples, extra)).check(text).allowed


@pytest.mark.parametrize("content, problem", [
    ("replies: [{text: 滚, allowed: false, category: insolent}]", "category 'insolent'"),
    ("replies: [{text: 好的}]", "needs text and allowed"),
    ("replies: {text: 好的}", "expected a list"),
    ("replies: [", "cannot read"),
])
def test_a_bad_examples_file_is_refused_with_one_line(tmp_path, content, problem):
    path = tmp_path / "bad.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EtiquetteRulesError) as error:
        EtiquetteFilter.load(examples=(path,))
    assert str(path) in str(error.value) and problem in str(error.value) and "\n" not in str(error.value)


def test_the_trained_model_is_kept_for_the_next_process(tmp_path, monkeypatch, caplog):
    """A service start reads the weights trained by an earlier one; new examples mean a new model."""
    examples = tmp_path / "examples.yml"
    examples.write_text(yaml.safe_dump({"replies": [
        {"text": "好的，马上安排师傅上门", "allowed": True}, {"text": "请您稍等，我们这就处理", "allowed": True},
        {"text": "你行你来修啊", "allowed": False, "category": "rude"},
        {"text": "这个点谁给你修", "allowed": False, "category": "dismissing"},
    ]}, allow_unicode=True), encoding="utf-8")
    cache = tmp_path / "var" / "etiquette"
    probe = skeleton_text("你行你来修吧")

    trained = etiquette_model.load((examples,), skeleton_text, CATEGORIES, cache)
    [kept] = cache.glob("tone-*.json")
    etiquette_model._trained.cache_clear()  # as in a new process
    monkeypatch.setattr(etiquette_model.ToneModel, "fit", classmethod(lambda *a: pytest.fail("retrained")))
    loaded = etiquette_model.load((examples,), skeleton_text, CATEGORIES, cache)
    assert loaded.probability(probe) == pytest.approx(trained.probability(probe), abs=1e-12)
    assert loaded.category(probe) == trained.category(probe)
    monkeypatch.undo()

    with examples.open("a", encoding="utf-8") as more:
        more.write("- {text: 有空了就去, allowed: true}\n")
    etiquette_model.load((examples,), skeleton_text, CATEGORIES, cache)
    [replaced] = cache.glob("tone-*.json")
    assert replaced != kept

    replaced.write_text("{not json", encoding="utf-8")
    etiquette_model._trained.cache_clear()
    assert etiquette_model.load((examples,), skeleton_text, CATEGORIES, cache).probability(probe) == \
        pytest.approx(trained.probability(probe), abs=0.2)
    assert "unusable" in caplog.text and json.loads(replaced.read_text(encoding="utf-8"))["grams"]
