"""The banned-phrase filter: phrases in any spelling, general patterns, polite contexts, suggestions."""
from __future__ import annotations

import inspect

import pytest

from handlers.resident import replies
from handlers.etiquette import CATEGORIES

from .support import blocked_as


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
        "urgent_details_added": [(code,)], "urgent_complete": [(code, address), (code, "")],
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


# ---------------------------------------------------------------- banned openings followed by facts

@pytest.mark.parametrize("text", [
    "没办法，电梯配件要等到周五才到", "没空，周日上午再派人", "等一会，我在忙，半小时后给你回电话",
    "没办法解决，电梯厂家的人后天才来", "不知道，王经理周一回来", "我不知道，物业费缴费窗口在南门，早上八点半开门",
])
def test_a_banned_opening_is_not_excused_by_the_facts_after_it(etiquette, text):
    blocked_as(etiquette, text)


@pytest.mark.parametrize("text", [
    "如果这个时间不行的话我们换一天", "不知道您明天是否方便", "等一下，我这就查",
    "师傅正在吃饭，吃完马上过去，大概20分钟", "这个暂时没办法，我们正在协调，明天中午前给您结果",
    "不行不行，不能让您自己垫钱，材料费我们来出", "您好，有什么事吗？",
    "不好意思，这个我不太懂，已经请工程部的王工来跟您说明，他五分钟后给您打电话",
])
def test_a_phrase_of_its_own_is_excused_by_an_immediate_action_or_its_own_clause(etiquette, text):
    verdict = etiquette.check(text)
    assert verdict.allowed, verdict.violations
