"""Rewrites that keep the things and parties of a blocked reply, and take over where it pushed away (issue 13)."""
from __future__ import annotations

import re

import pytest

from handlers.etiquette.things import does_something, names_a_thing, says_of_a_thing, things

from .support import blocked_as


def test_things_are_nouns_but_not_people_or_words_that_name_nothing():
    text = "宽带找电信，别碰那个插座，停车卡问师傅"
    assert [text[a:b] for a, b in things(text)] == ["宽带", "电信", "插座", "停车卡"]
    assert not names_a_thing("这个问题没办法，师傅没时间")
    assert says_of_a_thing("别碰那个插座") and not says_of_a_thing("这么点水压")
    assert does_something("一起看") and not does_something("范围")


@pytest.mark.parametrize("text, kept, taken_over", [
    ("宽带找联通，报修电话10010", ["宽带的事", "10010"], "联通"),
    ("电费找供电局，户号在电表箱上，95598", ["电费的事", "电表箱", "95598"], "供电局"),
    ("不归我管，门禁找中控室，电话8801", ["门禁的事", "8801"], "中控室"),
    ("没这个服务，开锁找公安备案的锁匠，电话0571-86543210", ["开锁的事", "0571-86543210"], "公安备案的锁匠"),
])
def test_the_thing_a_party_was_named_for_stays_as_the_topic(etiquette, text, kept, taken_over):
    suggestion = blocked_as(etiquette, text).suggestion
    assert all(k in suggestion for k in kept) and f"帮您联系{taken_over}" in suggestion, suggestion


@pytest.mark.parametrize("text, party, gone", [
    ("不清楚，停车卡问保安队长老陈，他早上8点接班", "保安队长老陈", "问保安"),
    ("不知道，你问问财务刘姐，她在2楼财务室", "财务刘姐", "问问"),
    ("我不清楚，问物业经理王总，他下午2点在办公室", "物业经理王总", "问物业"),
    ("你自己找绿城装饰去，吊顶开裂是他们的施工问题，质保两年", "绿城装饰", "找绿城"),
    ("修不了，你家热水器是万和的，打厂家售后400-888-1234", "厂家售后", "打厂家"),
    ("那是燃气公司的事，燃气表在你家厨房，打96777报修", "燃气公司", "公司的事"),
    ("你自己去跟楼上说，他家1802空调滴水不归物业管", "楼上", "跟楼上说"),
])
def test_every_way_of_sending_the_resident_away_becomes_ours(etiquette, text, party, gone):
    """首问责任制 also where the words that push away are not banned on their own."""
    suggestion = blocked_as(etiquette, text).suggestion
    assert f"我们马上帮您联系{party}" in suggestion and gone not in suggestion, suggestion


def test_pushing_phrasings_stay_in_a_reply_that_is_not_blocked(etiquette):
    assert etiquette.check("停车卡可以问保安队长老陈，他早上8点接班").allowed
    assert etiquette.check("我们帮您问一下财务刘姐，半小时内回复您").allowed


@pytest.mark.parametrize("text, said", [
    ("谁让你自己改水管的，现在漏了只能自费，人工费80元", "水管是自行改的"),
    ("谁让你们自己封的阳台，违建的话城管会来拆", "阳台是自行封的"),
    ("修不了，材料费180元你们自己出，人工我们不收", "材料费180元需要由您承担"),
    ("不归我们管，小区外面的井盖归市政管，电话12319", "小区外面的井盖由市政负责"),
    ("这点小事也来问，垃圾周二周五清运，公告上写着呢", "公告上有写明"),
    ("不知道在哪，你自己去快递柜看看，丰巢取件码有效期24小时", "您可以去快递柜看看"),
])
def test_blaming_and_shrugging_words_are_said_in_ours(etiquette, text, said):
    assert said in blocked_as(etiquette, text).suggestion


def test_a_curt_clause_that_names_a_thing_stays_without_the_shrug(etiquette):
    suggestion = blocked_as(etiquette, "等一会儿，我手上有事，半个钟头后给你回，你先把电闸拉了，别碰那个插座").suggestion
    assert "别碰那个插座" in suggestion
    # a bare noun or a denial is no statement: it goes
    assert "水压" not in blocked_as(etiquette, "就这么点水压，将就着用吧").suggestion
    assert "维修公司" not in blocked_as(etiquette, "我们只是物业，不是维修公司").suggestion


def test_a_topic_with_nothing_after_it_goes(etiquette):
    suggestion = blocked_as(etiquette, "门禁卡补办不了，没这项服务").suggestion
    assert not re.search("门禁卡补办的事[。！]", suggestion) and "门禁卡补。" not in suggestion


def test_dismissals_that_pretended_to_explain_are_blocked(etiquette):
    assert not etiquette.check("没时间跟你解释，停车费涨价是业委会定的").allowed
    assert not etiquette.check("反正我们通知过了，停水是明天上午9点到12点").allowed
    assert etiquette.check("我们有时间跟您解释，停车费涨价是业委会定的").allowed


@pytest.mark.parametrize("text, kept, party", [
    ("别烦了，快递柜满了是丰巢的事，你打95333", ["快递柜满了", "95333"], "丰巢"),    # a brand the lists do not know
    ("修不了，抽油烟机坏了找方太售后，400-881-5609", ["抽油烟机坏了", "400-881-5609"], "方太售后"),
    ("我哪知道停气的事，问燃气公司吧，电话96777", ["停气的事", "96777"], "燃气公司"),
])
def test_unknown_names_and_phrases_are_kept(etiquette, text, kept, party):
    suggestion = blocked_as(etiquette, text).suggestion
    assert all(k in suggestion for k in kept) and f"我们马上帮您联系{party}" in suggestion, suggestion
    assert "联系快递" not in suggestion          # 快递柜 is a thing, not the courier


def test_a_party_is_taken_over_once(etiquette):
    suggestion = blocked_as(etiquette, "不关我事，楼下烧烤摊是城管管的，你打12319投诉").suggestion
    assert suggestion.count("我们马上帮您联系") == 1 and "城管" in suggestion and "12319" in suggestion
    assert blocked_as(etiquette, "不清不楚的，你问别人吧").suggestion.count("同事") == 1


def test_a_thing_that_is_no_party_is_not_contacted(etiquette):
    suggestion = blocked_as(etiquette, "不知道啊，可能是变压器的问题，供电所的人下午2点半到").suggestion
    assert "联系变压器" not in suggestion and "可能是变压器的问题" in suggestion
    assert "联系电话" not in blocked_as(etiquette, "打电话干嘛").suggestion


@pytest.mark.parametrize("text, said", [
    ("等一会，我在忙，先把总阀关了，别动那个水表", "请先把总阀关了，请别动那个水表"),
    ("等一会儿，我手上有事，半个钟头后给你回，你先把电闸拉了", "请您先把电闸拉了"),
    ("别烦我，电梯卡丢了补一张30元，拿身份证来", "请拿身份证来"),
    ("这是业委会定的，有意见找业委会", "如有意见，我们马上帮您联系业委会"),
])
def test_requests_to_the_resident_are_said_with_please(etiquette, text, said):
    assert said in blocked_as(etiquette, text).suggestion


def test_only_requests_get_please(etiquette):
    suggestion = blocked_as(etiquette, "我们不管这个，你家卫生间渗水是防水层坏了，防水保修期5年，去年就过了").suggestion
    assert "去年就过了" in suggestion and "请去年" not in suggestion
    assert "请别人家" not in blocked_as(etiquette, "就你家事儿多，别人家咋都没事").suggestion
