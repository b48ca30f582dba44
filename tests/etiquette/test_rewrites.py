"""Rewrites of blocked replies that keep the facts (issue 13 item 6), and extra phrases of an estate."""
from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from handlers.etiquette import CATEGORIES, EtiquetteFilter, EtiquetteRulesError
from handlers.etiquette import filter as filter_module
from handlers.etiquette.cli import etiquette_cli
from handlers.etiquette.evaluation import evaluate_rewrites, load_rewrites
from handlers.etiquette.facts import find_facts

from .support import DATA, EXAMPLES, blocked_as, write_rules

DEV_REWRITES = DATA / "etiquette_rewrites_dev.yml"


def stock(etiquette: EtiquetteFilter, category: str) -> str:
    """The suggestion of a category when nothing of the reply can be kept."""
    return etiquette._rules.categories[category]["suggestion"].format(facts="")


# ---------------------------------------------------------------- the examples of the issue

@pytest.mark.parametrize("text, facts", [
    ("没时间，周六再说", ["周六"]),
    ("跟我们没关系，燃气公司电话96577你自己打", ["燃气公司", "96577"]),
    ("别催了，师傅叫张强，11点前肯定到", ["张强", "11点前"]),
    ("没办法，电梯配件要等到周五才到", ["电梯配件", "周五"]),
    ("没空，周日上午再派人", ["周日上午"]),
    ("等一会，我在忙，半小时后给你回电话", ["半小时后"]),
    ("没办法解决，电梯厂家的人后天才来", ["电梯厂家", "后天"]),
])
def test_the_suggestion_keeps_every_fact_and_passes(etiquette, text, facts):
    verdict = blocked_as(etiquette, text)
    assert all(fact in verdict.suggestion for fact in facts), verdict.suggestion
    assert etiquette.check(verdict.suggestion).allowed


def test_only_the_rude_words_go(etiquette):
    suggestion = blocked_as(etiquette, "等一会，我在忙，半小时后给你回电话").suggestion
    assert "半小时后给您回电话" in suggestion          # the staff member's own promise, 你 → 您
    assert not re.search("等一会|在忙|你", suggestion)
    assert "师傅叫张强，11点前肯定到" in blocked_as(etiquette, "别催了，师傅叫张强，11点前肯定到").suggestion


@pytest.mark.parametrize("text, party, kept", [
    ("跟我们没关系，燃气公司电话96577你自己打", "燃气公司", "燃气公司电话96577"),
    ("我们不管，空调外机漏水找楼上1502", "楼上1502", "空调外机漏水"),
    ("不知道，你问自来水公司吧，他们电话是87654321", "自来水公司", "他们电话是87654321"),
    ("不归我们管，路灯是市政的，你打12319问", "市政", "12319"),
])
def test_sending_the_resident_away_becomes_our_taking_over(etiquette, text, party, kept):
    """首问责任制: we contact the other party, and the number is still given."""
    suggestion = blocked_as(etiquette, text).suggestion
    assert f"帮您联系{party}" in suggestion and kept in suggestion, suggestion
    assert not re.search("你自己|您自己|你问|您问|你打|您打", suggestion)


def test_a_clause_left_with_its_time_says_what_happens_then(etiquette):
    assert "周六我们为您安排处理" in blocked_as(etiquette, "没时间，周六再说").suggestion
    assert "沒時間" not in blocked_as(etiquette, "沒時間，週六再說").suggestion
    assert "週六我们为您安排处理" in blocked_as(etiquette, "沒時間，週六再說").suggestion
    assert "今天的安排已经满了" in blocked_as(etiquette, "今天没空，改天吧").suggestion
    # a vague time is no promise: nothing of the reply is worth keeping
    assert blocked_as(etiquette, "过几天再说").suggestion == stock(etiquette, "delaying")


def test_a_fact_cut_by_banned_words_is_kept_whole(etiquette):
    suggestion = blocked_as(etiquette, "那不归我管，你打客服热线4008-123-456").suggestion
    assert "4008-123-456" in suggestion and "帮您联系客服" in suggestion


def test_pushing_phrasings_are_said_in_our_words(etiquette):
    assert "灯泡我们帮您换" in blocked_as(etiquette, "这种小事也来找我，灯泡自己换，五金店就在北门").suggestion
    assert "您可以看一下公告栏" in blocked_as(etiquette, "不清楚，你自己看公告栏，2号楼大堂有").suggestion
    assert "我们请他联系您" in blocked_as(etiquette, "不清楚，王经理周一回来你问他").suggestion
    assert "同事" in blocked_as(etiquette, "这不是我的班，你找别人吧").suggestion


def test_a_question_stays_a_question_and_courtesy_is_not_said_twice(etiquette):
    assert "是3单元还是5单元？" in blocked_as(etiquette, "你是哪个单元的？说清楚点，是3单元还是5单元").suggestion
    suggestion = blocked_as(etiquette, "您好，请您以后不要再发这种消息了，是不是有病啊，谢谢配合").suggestion
    assert suggestion.count("您好") <= 1 and "谢谢配合" not in suggestion and "有病" not in suggestion


def test_nothing_to_keep_gives_the_category_suggestion(etiquette):
    for text, category in (("滚", "rude"), ("不知道", "not_knowing"), ("跟我们没关系", "deflecting")):
        assert blocked_as(etiquette, text).suggestion == stock(etiquette, category)


def labelled_blocked_replies() -> list[str]:
    files = [*glob.glob(str(DATA / "etiquette_*.yml")), *glob.glob(str(EXAMPLES / "*.yml"))]
    independent = DATA / "etiquette_rewrites2.yml"          # only measured, once, at the end
    files = [f for f in files if f != str(independent)]
    texts = []
    for path in files:
        texts.extend(r["text"] for r in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["replies"])
    return texts


def test_every_suggestion_passes_the_filter(etiquette):
    """Every blocked reply of every labelled set (about 1,400): its suggestion is allowed as it stands."""
    texts = labelled_blocked_replies()
    verdicts = [etiquette.check(text) for text in texts]
    blocked = [v for v in verdicts if not v.allowed]
    assert len(blocked) > 1000
    failing = [(v.text, v.suggestion) for v in blocked if not etiquette.check(v.suggestion).allowed]
    assert failing == []


@pytest.mark.parametrize("name", ["etiquette_rewrites_dev.yml", "etiquette_rewrites.yml"])
def test_the_development_sets_keep_the_facts(etiquette, name):
    """Ours, and the first independent set (read after its one measurement, so tuned on since)."""
    replies = load_rewrites(DATA / name)
    assert len(replies) >= 40
    report = evaluate_rewrites(etiquette, replies)
    assert report["blocked"] == report["replies"]
    assert report["kept_all"] >= 0.95 * report["blocked"], [r for r in report["rows"] if r["lost"]]
    assert report["passing"] == report["blocked"]


def test_facts_are_found_in_any_width_and_kept_as_written():
    text = "ＢＸ-20261122-0007，电话０５７１-88886666，明天下午3点半到3栋2单元，押金500元"
    found = {f.kind: text[f.start:f.end] for f in find_facts(text)}
    assert found["code"] == "ＢＸ-20261122-0007" and found["phone"] == "０５７１-88886666"
    assert found["time"] == "明天下午3点半" and found["place"] == "3栋2单元" and found["amount"] == "500元"


# ---------------------------------------------------------------- `wuye etiquette evaluate --rewrites`

def test_evaluate_rewrites_prints_the_shares(tmp_path):
    path = tmp_path / "rewrites.yml"
    path.write_text(yaml.safe_dump({"replies": [
        {"text": "没时间，周六再说", "facts": ["周六"]},
        {"text": "滚", "facts": ["不存在的事实"]},                    # nothing can keep it
        {"text": "您好，师傅十分钟后到", "facts": ["十分钟后"]},        # not blocked at all
    ]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--rewrites", str(path), "--errors"])
    assert result.exit_code == 0, result.output
    assert "replies blocked:                   66.7%  (2/3)" in result.output
    assert "suggestion keeps every fact:       50.0%  (1/2 blocked replies)" in result.output
    assert "suggestion passes the filter:     100.0%  (2/2)" in result.output
    assert "lost 不存在的事实: 滚" in result.output and "not blocked: 您好，师傅十分钟后到" in result.output


def test_evaluate_rewrites_refuses_a_malformed_file(tmp_path):
    path = tmp_path / "rewrites.yml"
    path.write_text("replies:\n- text: 没时间\n", encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--rewrites", str(path)])
    assert result.exit_code != 0 and "replies[1] needs text and a list of facts" in result.output


# ---------------------------------------------------------------- the rewrites section of the rules file

def _set(mapping, key, value):
    mapping[key] = value


BAD_REWRITES = {
    "frame without {reply}": (lambda d: _set(d["categories"]["curt"], "rewrite", "您好！"),
                              "categories.curt.rewrite: must hold {reply}"),
    "takeover without {party}": (lambda d: _set(d["rewrites"], "takeover", "我们帮您联系"),
                                 "rewrites.takeover: must be a sentence holding {party}"),
    "unknown key": (lambda d: _set(d["rewrites"], "tone", "x"), "rewrites: unknown key 'tone'"),
    "bad regex": (lambda d: d["rewrites"]["replace"].insert(0, {"from": "(", "to": "x"}),
                  "rewrites.replace entry 1: not a valid regex"),
    "bad pushing regex": (lambda d: d["rewrites"]["pushing"].insert(0, "找(开发商"),
                          "rewrites.pushing entry 1: not a valid regex"),
    "unknown list in pushing": (lambda d: d["rewrites"]["pushing"].insert(0, "找{外星人}"),
                                "rewrites.pushing entry 1: unknown word list {外星人}"),
    "pushing not a list": (lambda d: _set(d["rewrites"], "pushing", "找开发商"),
                           "rewrites.pushing: must be a list of regexes"),
    "missing group": (lambda d: d["rewrites"]["replace"].append({"from": "自己(换)", "to": "我们帮您\\2"}),
                      "refers to a group the regex does not have (2)"),
    "unknown word list": (lambda d: _set(d["rewrites"], "parties", ["外星人"]), "unknown word list '外星人'"),
    "banned frame": (lambda d: _set(d["categories"]["delaying"], "rewrite", "等着吧！{reply}"),
                     "categories.delaying.rewrite is itself banned"),
    "banned takeover": (lambda d: _set(d["rewrites"], "takeover", "你自己找{party}"),
                        "rewrites.takeover is itself banned"),
}


@pytest.mark.parametrize("kind", BAD_REWRITES)
def test_a_bad_rewrites_section_is_refused_with_one_line(tmp_path, kind):
    change, expected = BAD_REWRITES[kind]
    with pytest.raises(EtiquetteRulesError) as caught:
        EtiquetteFilter.load(write_rules(tmp_path, change), examples=())
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_the_wording_of_rewrites_is_editable_data(tmp_path):
    path = write_rules(tmp_path, lambda d: _set(d["rewrites"], "takeover", "我们这就替您联系{party}"))
    edited = EtiquetteFilter.load(path, examples=())
    assert "我们这就替您联系燃气公司" in edited.check("跟我们没关系，燃气公司电话96577你自己打").suggestion


# ---------------------------------------------------------------- extra phrases of an estate

def test_extra_phrases_are_banned_in_any_spelling(etiquette):
    assert etiquette.check("亲，师傅马上到").allowed
    estate = etiquette.with_extra(["亲(亲|)"], "curt")
    verdict = estate.check("亲 亲，师傅十分钟到")
    assert not verdict.allowed and verdict.violations[0].category == "curt"
    assert "师傅十分钟到" in verdict.suggestion and estate.check(verdict.suggestion).allowed
    assert estate.check("不 知 道").violations[0].category == "not_knowing"     # the rules still apply
    assert etiquette.check("亲，师傅马上到").allowed                           # the filter itself is unchanged


def test_extra_phrases_are_compiled_once_without_reading_the_rules_file(etiquette, monkeypatch):
    first = etiquette.with_extra(["蓝色妖姬"], "rude")
    monkeypatch.setattr(filter_module, "read_rules", lambda path: pytest.fail("rules file read again"))
    assert etiquette.with_extra(["蓝色妖姬"], "rude") is first
    other = etiquette.with_extra(["蓝色妖姬", "莫得办法"], "rude")
    assert other is not first and not other.check("莫 得 办 法").allowed
    assert etiquette.with_extra([]) is etiquette


@pytest.mark.parametrize("phrases, category, problem", [
    (["  "], "rude", "extra phrases entry 1"),
    (["(我们"], "rude", "has an unclosed ("),
    ([{"regex": "("}], "rude", "is not a valid regex"),
    (["立即"], "refusing", "extra phrases: they ban categories.rude.suggestion"),
    (["蓝色妖姬"], "grumpy", "extra phrases: unknown category 'grumpy'"),
])
def test_unusable_extra_phrases_are_refused_with_one_line(etiquette, phrases, category, problem):
    with pytest.raises(EtiquetteRulesError) as caught:
        etiquette.with_extra(phrases, category)
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_every_category_can_take_extra_phrases(etiquette):
    assert etiquette.check("蓝色妖姬").allowed
    for category in CATEGORIES:
        verdict = etiquette.with_extra(["蓝色妖姬"], category).check("蓝色妖姬")
        assert [v.category for v in verdict.violations] == [category]


def test_marks_inside_a_fact_stay_as_written(etiquette):
    """8:00 and 周二、周五 are facts, not clauses: their marks are not turned into commas."""
    assert "明天8:00~12:00" in blocked_as(etiquette, "等着吧，停水时间是明天8:00~12:00").suggestion
    assert "周二、周五收垃圾" in blocked_as(etiquette, "别催了，通知：周二、周五收垃圾").suggestion
    assert "停水时间：明天8点到12点" in blocked_as(etiquette, "等着吧，停水时间：明天8点到12点").suggestion
