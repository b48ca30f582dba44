"""The banned-phrase filter (服务禁用语): rules, spellings, polite contexts, suggestions, CLI, rules file."""
from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from handlers.resident import replies
from handlers.etiquette import CATEGORIES, DEFAULT_RULES, EtiquetteFilter, EtiquetteRulesError, Verdict
from handlers.etiquette_cli import EVAL_FILE, etiquette_cli, evaluate, load_labelled

DATA = Path(__file__).parent / "data"
DEV_FILE = Path(__file__).parent.parent / "handlers" / "data" / "etiquette_examples" / "dev1.yml"
DEV2_FILE = DEV_FILE.with_name("dev2.yml")


@pytest.fixture(scope="module")
def etiquette() -> EtiquetteFilter:
    return EtiquetteFilter.load()


def blocked_as(etiquette: EtiquetteFilter, text: str) -> Verdict:
    verdict = etiquette.check(text)
    assert not verdict.allowed, f"should be blocked: {text}"
    assert verdict.violations and verdict.suggestion
    return verdict


# ---------------------------------------------------------------- banned phrases

@pytest.mark.parametrize("text, category", [
    # the seed's list (seed 001 方案4 and the phone rules)
    ("我们不管", "refusing"), ("跟我们没关系", "deflecting"), ("没办法解决", "refusing"), ("随便", "dismissing"),
    ("不清楚", "not_knowing"), ("不知道", "not_knowing"), ("等一会", "delaying"), ("没时间", "delaying"),
    ("不行", "refusing"), ("喂", "curt"), ("哪里？", "curt"), ("找谁", "curt"), ("什么事", "curt"),
    ("不在", "curt"), ("没办法", "refusing"), ("我不管", "refusing"), ("你是谁", "curt"), ("干什么的", "curt"),
    # synonyms and variants a staff member would use
    ("这个不归我们管", "deflecting"), ("和我们无关", "deflecting"), ("这事我们管不着", "refusing"),
    ("不晓得", "not_knowing"), ("不了解", "not_knowing"), ("没空", "delaying"), ("我也没辙", "refusing"),
    ("这个办不了", "refusing"), ("找开发商去", "deflecting"), ("爱咋咋地", "dismissing"),
    ("你爱投诉就投诉", "dismissing"), ("滚", "rude"), ("神经病", "rude"), ("有病", "rude"), ("烦死了", "rude"),
    ("你有完没完", "rude"), ("tmd又是你", "rude"), ("sb", "rude"), ("cnm", "rude"), ("bzd", "not_knowing"),
    ("过几天再说", "delaying"), ("你懂什么", "dismissing"), ("关我屁事", "rude"), ("你谁啊", "curt"),
    ("那个锅我们不背", "deflecting"), ("我哪知道", "not_knowing"), ("等着吧", "delaying"),
    ("现在顾不上你", "delaying"), ("不修就是不修", "refusing"), ("你要投诉就去投诉", "dismissing"),
])
def test_banned_phrases_are_blocked_with_their_category(etiquette, text, category):
    verdict = blocked_as(etiquette, text)
    assert category in {v.category for v in verdict.violations}


@pytest.mark.parametrize("text, category, phrase", [
    ("不 知 道", "not_knowing", "不 知 道"),
    ("不-清-楚", "not_knowing", "不-清-楚"),
    ("没.时.间", "delaying", "没.时.间"),
    ("不😂知😂道", "not_knowing", "不😂知😂道"),
    ("不不不行", "refusing", "不不不行"),
    ("ｂｕｚｈｉｄａｏ", "not_knowing", "ｂｕｚｈｉｄａｏ"),
    ("ｂｕ ｘｉｎｇ", "refusing", "ｂｕ ｘｉｎｇ"),
    ("不，知，道", "not_knowing", "不，知，道"),
    ("跟/我们/没关系", "deflecting", "跟/我们/没关系"),
    ("跟我們物業沒關係", "deflecting", "跟我們物業沒關係"),
    ("沒時間，等著吧", "delaying", "沒時間"),
    ("木有时间", "delaying", "木有时间"),
    ("滚滚滚", "rude", "滚滚滚"),
    ("随🙃便", "dismissing", "随🙃便"),
    ("隨變", "dismissing", "隨變"),
    ("神 經 病 啊", "rude", "神 經 病"),
    ("ｓｂ业主又来了", "rude", "ｓｂ"),
    ("你是 ⓢⓑ 吗", "rude", "ⓢⓑ"),
    ("不‍知‍道", "not_knowing", "不‍知‍道"),
    ("您好，这个我们不管的，您自己找施工队吧", "refusing", "不管"),
])
def test_evaded_spellings_are_blocked_and_point_into_the_original(etiquette, text, category, phrase):
    verdict = blocked_as(etiquette, text)
    first = verdict.violations[0]
    assert (first.phrase, first.category) == (phrase, category)
    assert text[first.start:first.end] == first.phrase
    assert first.start == text.index(phrase)


def test_every_violation_is_a_slice_of_the_original(etiquette):
    text = "  喂，什么事？不 知 道，你问别人去吧，烦死了🙄"
    verdict = blocked_as(etiquette, text)
    assert {v.category for v in verdict.violations} >= {"curt", "not_knowing", "rude"}
    for violation in verdict.violations:
        assert text[violation.start:violation.end] == violation.phrase
    starts = [v.start for v in verdict.violations]
    assert starts == sorted(starts)


@pytest.mark.parametrize("text", [
    "抱歉，这个我们没办法解决。",          # wrapped in an apology: still a bare refusal
    "您好，师傅最近都没时间，过段时间再说吧",
    "这个我不清楚，你问别人吧",
    "停水的事我们也不了解，自己等通知吧",
    "好的好的，您随便投诉",
    "不可能今天修好",                     # a time is not a promise when it is refused
    "你家里的东西坏了不修",
    "我们只负责公共部分，室内的你自己找人",
])
def test_polite_wrapping_does_not_excuse_a_refusal(etiquette, text):
    blocked_as(etiquette, text)


# ---------------------------------------------------------------- general patterns (not single sentences)

@pytest.mark.parametrize("text, category", [
    # refusing: any service verb + 不了/不下来, 无法/没法 + verb, staff + 不会 + service, 不予…
    ("这个活我们干不了", "refusing"), ("物业这边处理不下来", "refusing"), ("这种要求我们满足不了", "refusing"),
    ("我们无法为您办理", "refusing"), ("保安这边是不会派人的", "refusing"), ("不予受理", "refusing"),
    ("工程部说了，这个不修", "refusing"), ("抱歉，不接", "refusing"),
    # deflecting: pushing the resident to any other party ({别的单位}/{别的部门}), blame on the resident
    ("这事您得找街道办", "deflecting"), ("问开发商去", "deflecting"), ("你问工程部吧，我是客服", "deflecting"),
    ("电梯是维保公司负责的，找他们", "deflecting"), ("是您自己没关窗，怪不了我们", "deflecting"),
    ("漏水的事你跟楼上谈", "deflecting"), ("你们邻居之间的事自己协商", "deflecting"), ("您找错人了", "deflecting"),
    ("这个责任我们不承担", "deflecting"), ("后果自负", "deflecting"),
    # not knowing: rhetorical 哪知道/怎么知道, paraphrases
    ("我一个保洁哪知道这些", "not_knowing"), ("这个问题我也回答不了", "not_knowing"),
    ("我也是一头雾水", "not_knowing"), ("谁晓得他们什么时候来", "not_knowing"),
    # delaying: waiting for the staff's convenience, vague later, clause-final 明天吧/下班了
    ("等师傅忙完再说", "delaying"), ("这个要等好久的", "delaying"), ("先搁着吧", "delaying"),
    ("今天下班了，明天再联系吧", "delaying"), ("等 通 知", "delaying"), ("下班了下班了", "delaying"),
    # dismissing: sarcasm, "everyone else", rhetorical questions
    ("你想太多了", "dismissing"), ("群里早就发了", "dismissing"), ("您行您上", "dismissing"),
    ("那你自己来修呗", "dismissing"), ("别人家都好好的", "dismissing"), ("管那么多干嘛", "dismissing"),
    ("这有啥，正常", "dismissing"), ("哦", "dismissing"),
    # rude: a pejorative aimed at the resident, inverted insults, 你个…
    ("你咋这么矫情", "rude"), ("您这人真难缠", "rude"), ("有事吗你", "rude"), ("你个老糊涂", "rude"),
    ("瞅你那德行", "rude"), ("你这人真够烦的", "rude"), ("神金", "rude"),
    # curt
    ("说清楚点", "curt"), ("几号楼的", "curt"), ("叫啥名字", "curt"), ("嗯？", "curt"), ("有事快点", "curt"),
])
def test_general_patterns_block_unlisted_phrasings(etiquette, text, category):
    verdict = blocked_as(etiquette, text)
    assert category in {v.category for v in verdict.violations}, verdict.violations


@pytest.mark.parametrize("text", [
    "您一点都不过分，是我们没做好", "您没有找错人，这事就归我管", "这不是您一家的问题，整栋楼都在排查，今晚修好",
    "请问您叫什么名字？我登记一下", "麻烦您说清楚一点，是哪个房间漏水", "嗯嗯，好的，马上安排",
    "我们不会弄脏您家的地板", "我们一律不收费", "您想怎么安排就怎么安排，我们都配合", "您好，有什么事吗？",
    "张大爷，您家的水管修好了", "邻居之间的事我们来协调，您别担心", "等您回来我们再上门，您看几点方便",
    "您慢慢来，不着急", "停车位的事情我们帮您跟开发商谈", "实在抱歉，我们不知道您家里有老人休息",
    "这个维修我们做不了，但可以帮您联系专业的师傅，今天下午给您回复", "您不用自己去找开发商，我们会联系他们",
    "我马上下班了，已经把您的事交接给值班同事小张，他会跟进", "您看，这不修好了嘛",
])
def test_general_patterns_spare_polite_replies(etiquette, text):
    verdict = etiquette.check(text)
    assert verdict.allowed, (text, verdict.violations)


def test_a_phrase_excused_by_its_context_can_excuse_the_others(etiquette):
    # "联系楼上" is excused (we do the contacting), so it counts as the promise for "是楼上的问题"
    assert etiquette.check("这次确实是楼上的问题，我们已经联系楼上业主，今晚七点一起去看").allowed
    blocked_as(etiquette, "这次确实是楼上的问题，你自己联系楼上业主")


def test_a_demonstrative_is_no_a_not_a_question(etiquette):
    blocked_as(etiquette, "抱歉，我们这没这项业务")     # 这没这… is not 行不行
    assert etiquette.check("您看明天上午十点行不行？").allowed


def test_whole_reply_and_repeated_alone_places(etiquette):
    assert blocked_as(etiquette, "嗯？").violations[0].category == "curt"
    assert etiquette.check("嗯嗯，好的，马上安排").allowed      # 嗯 is only banned as the whole reply
    assert blocked_as(etiquette, "下班了下班了").violations[0].category == "delaying"
    assert etiquette.check("我下班了也会看消息，有急事直接打我电话").allowed


# ---------------------------------------------------------------- polite contexts

@pytest.mark.parametrize("text", [
    # DOMAIN.md
    "不知道您明天是否方便", "我们不管多晚都会到", "如果这个时间不行的话我们换一天",
    # asking politely, conceding, supposing
    "不知道您对这次维修满意吗？", "您好，不晓得您家里现在有人吗？", "不管刮风下雨，急修我们半小时内都会到场",
    "不论您几点回家，保安都会帮您开门", "不管跟我们有没有关系，您反映的问题我们都会跟进到底",
    "您看明天上午十点行不行？", "要是时间不行您跟我说，我们再调整", "您要是今天没空也没关系，我们改约明天",
    "就算不归我们物业管辖的部分，我们也会帮您联系相关单位跟进", "您放心，这事不会不管的",
    # a fact with a time or a plan
    "师傅现在不在小区，预计15分钟后到", "管家今天不在，我帮您登记，明天上午回复您",
    "您别着急，等一会儿师傅就到了，大约十分钟", "请稍等一会儿，我查一下您的缴费记录",
    "这个情况我也不太清楚，我马上问一下工程部，半小时内回复您",
    "这个配件我们现场修不了，需要换新的，师傅明天上午带配件过来给您换上",
    "这个要求我们做不到，不过可以给您提供另一个方案",
    "没时间限制，您什么时候来都可以", "小区不在这次停水范围内，不受影响",
    # permission, the resident as subject
    "您随便挑个时间都可以", "会所的书可以随便借阅", "师傅不会随便进户，您放心", "时间随您定",
    "您有什么不了解的政策，可以随时来服务中心咨询", "不清楚的地方您随时问我", "很多业主都不知道这个政策，我给您详细说一下",
    # comfort, not blame
    "没关系，您不用道歉", "与您无关，是我们的工作失误，非常抱歉", "这不是您自己的问题，是公共管道堵塞造成的",
    "不行不行，不能让您自己垫钱，材料费我们来出", "不不不，您千万别这么说",
])
def test_same_characters_in_a_polite_sentence_pass(etiquette, text):
    verdict = etiquette.check(text)
    assert verdict.allowed, (text, verdict.violations)
    assert verdict.suggestion is None and verdict.violations == ()


@pytest.mark.parametrize("text", [
    "滚筒洗衣机排水管堵了是吧，师傅带工具马上过去", "他坐骨神经痛，走楼梯不方便，我们安排电梯优先",
    "听说您家里有病人需要休息，师傅施工时会尽量轻一点", "小区里有病死的鸟，我们已经安排保洁清理了",
    "小区流浪猫的喂食点我们已经挪到东门了", "宠物喂养请遵守小区公约", "哪里哪里，这是我们应该做的",
    "您太客气了，哪里的话", "请问具体是哪里漏水？厨房还是卫生间？", "请问有什么事需要帮忙的吗？",
    "这个开关不管用了，我们马上换一个", "房间没空调的话，我们可以先借您一台电风扇",
    "监控有点看不清楚，我们再调一下别的角度", "USB充电口坏了，我们下午换",
])
def test_harmless_compounds_pass(etiquette, text):
    assert etiquette.check(text).allowed, etiquette.check(text).violations


# ---------------------------------------------------------------- suggestions

SAMPLES = {
    "refusing": ("这个办不了", "我们立即安排处理"),
    "deflecting": ("跟我们没关系", "给您添麻烦了"),
    "not_knowing": ("不知道", "请稍候"),
    "delaying": ("等一会", "让您久等了"),
    "dismissing": ("随便", "谢谢您"),
    "rude": ("神经病", "非常抱歉"),
    "curt": ("喂，什么事", "请问您贵姓"),
}


def test_every_category_has_a_sample():
    assert set(SAMPLES) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_suggestion_fits_the_category_and_passes(etiquette, category):
    text, approved = SAMPLES[category]
    verdict = blocked_as(etiquette, text)
    assert verdict.violations[0].category == category
    assert approved in verdict.suggestion
    assert etiquette.check(verdict.suggestion).allowed


def test_suggestion_keeps_ticket_code_and_time(etiquette):
    verdict = blocked_as(etiquette, "BX-20261122-0007这个单子没空，下午三点再说吧")
    assert "BX-20261122-0007" in verdict.suggestion and "下午三点" in verdict.suggestion
    assert etiquette.check(verdict.suggestion).allowed


def test_suggestion_follows_the_most_serious_violation(etiquette):
    verdict = blocked_as(etiquette, "不知道，滚")
    assert {v.category for v in verdict.violations} == {"not_knowing", "rude"}
    assert verdict.suggestion == blocked_as(etiquette, "滚").suggestion


def test_verdict_as_dict(etiquette):
    assert etiquette.check("您好").as_dict() == {"text": "您好", "allowed": True, "violations": [],
                                                "suggestion": None}
    shape = etiquette.check("不 行").as_dict()
    assert shape["violations"] == [{"phrase": "不 行", "category": "refusing", "start": 0, "end": 3}]
    assert shape["allowed"] is False and isinstance(shape["suggestion"], str)


# ---------------------------------------------------------------- labelled sets

def test_dev_set_reaches_the_targets(etiquette):
    report = evaluate(etiquette, load_labelled(DEV_FILE))
    assert report["recall"] >= 0.99, report["errors"]
    assert report["pass_rate"] >= 0.99, report["errors"]
    assert report["latency_mean_us"] < 1000


def test_second_dev_set_reaches_the_targets(etiquette):
    """dev2: other phrasings than dev (synonyms, paraphrases, sarcasm, blame, dialect); the rules were tuned on it."""
    replies = load_labelled(DEV2_FILE)
    assert len(replies) >= 400
    dev_texts = {r["text"] for r in load_labelled(DEV_FILE)}
    assert not dev_texts & {r["text"] for r in replies}
    report = evaluate(etiquette, replies)
    assert report["recall"] >= 0.98, report["errors"]
    assert report["pass_rate"] >= 0.98, report["errors"]
    assert report["latency_mean_us"] < 1000


def test_evaluate_command_on_the_held_out_set():
    result = CliRunner().invoke(etiquette_cli, ["evaluate"])
    assert result.exit_code == 0, result.output
    print(result.output)
    blocked = float(re.search(r"banned replies blocked:\s+([\d.]+)%", result.output).group(1))
    passed = float(re.search(r"polite replies passed:\s+([\d.]+)%", result.output).group(1))
    assert blocked >= 90 and passed >= 90   # loose floors: the rules are not tuned on this set
    assert "precision of blocking" in result.output and "per category" in result.output
    assert re.search(r"check latency: mean \d+ µs, p99 \d+ µs", result.output)
    assert str(EVAL_FILE) in result.output
    for category in CATEGORIES:
        assert re.search(rf"^\s+{category}\s+[\d.]+%", result.output, re.MULTILINE)


def test_evaluate_errors_lists_misclassified_replies(tmp_path):
    labelled = tmp_path / "labelled.yml"
    labelled.write_text(yaml.safe_dump({"replies": [
        {"text": "不知道", "allowed": False, "category": "not_knowing"},
        {"text": "您好，请稍候", "allowed": False, "category": "delaying"},     # mislabelled on purpose
        {"text": "滚", "allowed": True},                                       # mislabelled on purpose
    ]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--file", str(labelled), "--errors"])
    assert result.exit_code == 0, result.output
    assert "banned replies blocked:         50.0%" in result.output
    assert "polite replies passed:           0.0%" in result.output
    assert "should be blocked [delaying]: 您好，请稍候" in result.output
    assert "should be passed: 滚" in result.output
    assert "misclassified (2)" in result.output


def test_evaluate_refuses_a_malformed_labelled_file(tmp_path):
    labelled = tmp_path / "labelled.yml"
    labelled.write_text("replies:\n- text: 不知道\n", encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--file", str(labelled)])
    assert result.exit_code != 0 and "replies[1] needs text and allowed" in result.output


# ---------------------------------------------------------------- the desk's own texts

def desk_texts() -> list[str]:
    """Every constant of handlers/replies.py and what its functions return for sample arguments."""
    texts = []
    for name, value in vars(replies).items():
        if name.isupper() and isinstance(value, str):
            texts.append(value)
        elif name.isupper() and isinstance(value, dict):
            texts.extend(v for v in value.values() if isinstance(v, str))
    code, address = "BX-20261122-0007", "3栋2单元1201"
    samples = {
        "confirm_address": [(address,)],
        "repair_created": [(code, True, "14:30", address, "water", None, replies.SAFETY_TIPS["water"]),
                           (code, False, "16:00", address, "lift", "明天上午10点", None),
                           (code, False, "16:00", "", None, None, None)],
        "complaint_created": [("TS-20261122-0003", "明天14:00", True), ("TS-20261122-0003", "明天14:00", False)],
        "inquiry_ticket_created": [("ZX-20261122-0001", "今天18:00")],
        "inquiry_suggestion": [("物业费可以在公众号直接缴纳。",)],
        "repeat_report": [(code, "repair"), (code, "complaint"), (code, "inquiry")],
        "image_attached": [(code,)], "image_kept": [()], "location_attached": [(code,)], "location_kept": [()],
        "address_saved": [(address,)], "phone_saved": [()],
        "progress": [([],), ([replies.progress_line(code, "repair", "water", s, "16:00")
                             for s in replies.STATUS_NAMES],)],
        "progress_line": [(code, kind, "drain", "new", "明天12:00") for kind in replies.KIND_NAMES],
        "address_text": [("3", "2", "1201")], "category_name": [("water",)],
    }
    functions = {n for n, f in inspect.getmembers(replies, inspect.isfunction) if f.__module__ == replies.__name__}
    assert functions <= set(samples), f"add sample arguments for {sorted(functions - set(samples))}"
    for name, calls in samples.items():
        texts.extend(getattr(replies, name)(*args) for args in calls)
    return texts


def test_every_desk_reply_passes(etiquette):
    texts = desk_texts()
    assert len(texts) > 50
    blocked = [(t, etiquette.check(t).violations) for t in texts if not etiquette.check(t).allowed]
    assert blocked == []


# ---------------------------------------------------------------- the rules file

def write_rules(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(mapping, key, value):
    mapping[key] = value


BAD_RULES = {
    "unknown category in a rule": (lambda d: _set(d["rules"][0], "category", "grumpy"),
                                   "rules[1]: unknown category 'grumpy'"),
    "unknown category": (lambda d: _set(d["categories"], "grumpy", {"suggestion": "您好"}),
                         "categories.grumpy: unknown category"),
    "missing suggestion": (lambda d: d["categories"]["curt"].pop("suggestion"), "categories.curt: missing suggestion"),
    "missing category": (lambda d: d["categories"].pop("delaying"), "categories.delaying: missing"),
    "invalid regex": (lambda d: d["contexts"]["promise"]["anywhere"].append({"regex": "([unclosed"}),
                      "contexts.promise.anywhere entry"),
    "empty phrase": (lambda d: d["rules"][0]["phrases"].append("  "), "rules[1] (refusing).phrases entry"),
    "only a gap": (lambda d: d["rules"][0]["phrases"].append("…"), "is empty"),
    "unclosed group": (lambda d: d["rules"][0]["phrases"].append("(我们|物业"), "has an unclosed ("),
    "unknown context": (lambda d: _set(d["rules"][0], "allowed_when", ["politely"]), "unknown context 'politely'"),
    "misspelt key": (lambda d: _set(d["rules"][0], "allowd_when", []), "unknown key 'allowd_when'"),
    "banned suggestion": (lambda d: _set(d["categories"]["curt"], "suggestion", "喂，什么事？{facts}"),
                          "categories.curt.suggestion is itself banned"),
    "bad placeholder": (lambda d: _set(d["categories"]["curt"], "suggestion", "您好{ticket}"),
                        "categories.curt.suggestion: only {facts}"),
    "bad where": (lambda d: _set(d["rules"][0], "where", "everywhere"), "where: 'everywhere'"),
    "unknown word list": (lambda d: d["rules"][0]["phrases"].append("找{外星人}去"),
                          "uses an unknown word list {外星人}"),
    "unknown word list in a regex": (lambda d: d["rules"][0]["phrases"].append({"regex": "找{外星人}"}),
                                     "uses an unknown word list {外星人}"),
    "empty word list": (lambda d: _set(d["words"], "空的", []), "words.空的: must be a list of words"),
    "word list inside a word list": (lambda d: _set(d["words"], "套娃", ["{别的单位}"]),
                                     "words.套娃: a word list cannot refer to another list"),
}


@pytest.mark.parametrize("kind", BAD_RULES)
def test_a_bad_rules_file_is_refused_with_one_line(tmp_path, kind):
    change, expected = BAD_RULES[kind]
    path = write_rules(tmp_path, change)
    with pytest.raises(EtiquetteRulesError) as caught:
        EtiquetteFilter.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_yaml_errors_and_missing_files_are_refused_with_one_line(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("categories:\n  curt: [oops\nrules:\n", encoding="utf-8")
    with pytest.raises(EtiquetteRulesError, match=r"broken\.yml: not valid YAML at line \d+"):
        EtiquetteFilter.load(broken)
    with pytest.raises(EtiquetteRulesError, match=r"nowhere\.yml: cannot read the rules file"):
        EtiquetteFilter.load(tmp_path / "nowhere.yml")
    for error in (EtiquetteRulesError,):
        assert issubclass(error, Exception)


def test_the_rules_file_is_editable_data(tmp_path):
    """A phrase added by the property company is matched in every spelling."""
    path = write_rules(tmp_path, lambda d: d["rules"][0]["phrases"].append("爱搭不理"))
    etiquette = EtiquetteFilter.load(path)
    assert etiquette.check("爱 搭 不 理").violations[0].category == "refusing"
    assert DEFAULT_RULES.read_text(encoding="utf-8").startswith("#")


def test_a_word_added_to_a_word_list_counts_in_every_phrase_using_it(tmp_path):
    """words: one list ({别的单位}) serves many phrases; adding 物业协会 makes all of them know it."""
    rules_alone = EtiquetteFilter.load(examples=())  # the learned model would catch these anyway
    texts = ("这事您得找物业协会", "你问物业协会吧")
    assert all(rules_alone.check(text).allowed for text in texts)
    path = write_rules(tmp_path, lambda d: d["words"]["别的单位"].append("物业协会"))
    edited = EtiquetteFilter.load(path, examples=())
    for text in texts:
        assert edited.check(text).violations[0].category == "deflecting", text
    assert edited.check("我们已经帮您联系物业协会了，明天上午答复您").allowed


def test_a_word_list_in_a_hand_written_regex(tmp_path):
    def change(d):
        d["words"]["小区设施"] = ["健身房", "泳池"]
        d["rules"][0]["phrases"].append({"regex": "{小区设施}[^\\x1f]{0,4}关门了"})
    edited = EtiquetteFilter.load(write_rules(tmp_path, change))
    assert edited.check("泳池早就关门了").violations[0].category == "refusing"
    assert edited.check("健 身 房关门了").allowed is False


# ---------------------------------------------------------------- `wuye etiquette check`

def test_check_command_writes_one_json_object_per_line():
    lines = ["不 知 道", "", "您好，师傅已经出发了", "沒時間，等著吧"]
    result = CliRunner().invoke(etiquette_cli, ["check"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["text"] for o in out] == ["不 知 道", "您好，师傅已经出发了", "沒時間，等著吧"]
    for item in out:
        assert set(item) == {"text", "allowed", "violations", "suggestion"}
        for violation in item["violations"]:
            assert set(violation) == {"phrase", "category", "start", "end"}
            assert item["text"][violation["start"]:violation["end"]] == violation["phrase"]
    assert out[0]["allowed"] is False and out[0]["violations"][0]["category"] == "not_knowing"
    assert out[1] == {"text": "您好，师傅已经出发了", "allowed": True, "violations": [], "suggestion": None}
    assert out[2]["allowed"] is False and out[2]["suggestion"]
    assert "沒時間" in result.output    # ensure_ascii=False


def test_check_command_refuses_a_bad_rules_file(tmp_path):
    path = write_rules(tmp_path, lambda d: _set(d["rules"][0], "category", "grumpy"))
    result = CliRunner().invoke(etiquette_cli, ["check", "--rules", str(path)], input="不行\n")
    assert result.exit_code != 0
    assert "unknown category 'grumpy'" in result.output and str(path) in result.output


# ---------------------------------------------------------------- the learned second opinion

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

    from handlers import etiquette_model
    from handlers.etiquette import _skeleton_text
    replies = etiquette_model.read_examples(etiquette_model.example_files(), CATEGORIES)
    texts = [_skeleton_text(r["text"]) for r in replies]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=etiquette_model.NGRAMS, sublinear_tf=True,
                                 lowercase=False)
    model = LogisticRegression(C=etiquette_model.C, max_iter=5000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(texts), [0 if r["allowed"] else 1 for r in replies])
    probes = [_skeleton_text(t) for t in UNSEEN_BANNED + UNSEEN_POLITE]
    expected = model.predict_proba(vectorizer.transform(probes))[:, 1]
    assert [etiquette.model.probability(p) for p in probes] == pytest.approx(list(expected), abs=1e-9)


def test_an_example_marked_allowed_teaches_the_model(tmp_path):
    """The desk overrules a wrong block by adding the reply to an examples file as allowed."""
    from handlers import etiquette_model
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
    from handlers import etiquette_model
    from handlers.etiquette import _skeleton_text
    examples = tmp_path / "examples.yml"
    examples.write_text(yaml.safe_dump({"replies": [
        {"text": "好的，马上安排师傅上门", "allowed": True}, {"text": "请您稍等，我们这就处理", "allowed": True},
        {"text": "你行你来修啊", "allowed": False, "category": "rude"},
        {"text": "这个点谁给你修", "allowed": False, "category": "dismissing"},
    ]}, allow_unicode=True), encoding="utf-8")
    cache = tmp_path / "var" / "etiquette"
    probe = _skeleton_text("你行你来修吧")

    trained = etiquette_model.load((examples,), _skeleton_text, CATEGORIES, cache)
    [kept] = cache.glob("tone-*.json")
    etiquette_model._trained.cache_clear()  # as in a new process
    monkeypatch.setattr(etiquette_model.ToneModel, "fit", classmethod(lambda *a: pytest.fail("retrained")))
    loaded = etiquette_model.load((examples,), _skeleton_text, CATEGORIES, cache)
    assert loaded.probability(probe) == pytest.approx(trained.probability(probe), abs=1e-12)
    assert loaded.category(probe) == trained.category(probe)
    monkeypatch.undo()

    with examples.open("a", encoding="utf-8") as more:
        more.write("- {text: 有空了就去, allowed: true}\n")
    etiquette_model.load((examples,), _skeleton_text, CATEGORIES, cache)
    [replaced] = cache.glob("tone-*.json")
    assert replaced != kept

    replaced.write_text("{not json", encoding="utf-8")
    etiquette_model._trained.cache_clear()
    assert etiquette_model.load((examples,), _skeleton_text, CATEGORIES, cache).probability(probe) == \
        pytest.approx(trained.probability(probe), abs=0.2)
    assert "unusable" in caplog.text and json.loads(replaced.read_text(encoding="utf-8"))["grams"]
