"""The near-miss gate: an entry answers outright only when its own text gives what the question asks."""
from __future__ import annotations

import pytest

from handlers import knowledge
from handlers.knowledge.coverage import Coverage, load_aspects

from .conftest import write_kb

DEPOSIT = knowledge.Entry("deposit", "装修押金", ("装修押金多少钱",), ("押金",),
                          "您好，装修押金2000元，竣工验收合格后全额退还。")
CARD = knowledge.Entry("card", "停车月卡", ("停车月卡怎么办",), ("月卡",),
                       "您好，停车月卡300元/月，请到服务中心办理。")
POOL = knowledge.Entry("pool", "游泳池", ("游泳池几点开放",), ("泳池",), "您好，游泳池每天9:00–21:00开放。")


@pytest.fixture(scope="module")
def coverage() -> Coverage:
    return Coverage([DEPOSIT, CARD, POOL], load_aspects())


@pytest.mark.parametrize("question, entry, missing", [
    ("装修押金能退吗", DEPOSIT, ()),                        # the answer says it is refunded
    ("停车月卡没用完能退吗", CARD, ("refund",)),             # this answer never speaks of refunds
    ("停车月卡多少钱", CARD, ()),
    ("游泳池多少钱", POOL, ("price",)),                      # no price, nor "free", in the answer
    ("停车月卡能用信用卡分期吗", CARD, ("credit",)),
    ("游泳池有没有救生员", POOL, ("thing:救生员",)),
    ("游泳池有没有开放时间表", POOL, ("thing:时间表",)),
    ("月卡停车要收占位费吗", CARD, ("fee:占位费",)),
    ("我上周办的月卡批下来了吗", CARD, ("own_record",)),     # one household's own record
    ("下次游泳池换水是哪天", POOL, ("future_date",)),         # a coming event's date, not a rule
    ("别的小区的月卡能在这停吗", CARD, ("elsewhere",)),
])
def test_what_a_question_asks_is_looked_for_in_the_entry_text(coverage, question, entry, missing):
    assert coverage.gaps(question, entry).missing == missing


def test_a_question_partly_covered_is_marked_partial(coverage):
    gaps = coverage.gaps("停车月卡能退吗 怎么办", CARD)
    assert gaps.missing == ("refund",) and gaps.partial
    assert not coverage.gaps("车卖了，停车月卡能退吗", CARD).partial   # "车卖了" asks nothing


def test_a_thing_no_entry_mentions_is_reported_as_unknown(coverage):
    assert coverage.gaps("戴口罩能进游泳池吗", POOL).unknown == ("口罩",)
    assert coverage.gaps("泳池几点开放", POOL).unknown == ()
    assert coverage.gaps("游泳池能用nfc吗", POOL).unknown == ("nfc",)


def test_a_thing_the_entry_never_mentions_is_reported_when_few_entries_do(coverage):
    # 押金 belongs to the deposit entry alone: asked of the parking card, the topic is not the card's.
    assert coverage.gaps("停车月卡要交押金吗", CARD).unknown == ("押金",)
    assert coverage.gaps("装修押金要交多少", DEPOSIT).unknown == ()
    # a clause that asks nothing is not read for things; "算不算" and "收没收" ask.
    assert coverage.gaps("押金交了 月卡怎么办", CARD).unknown == ()
    assert coverage.gaps("月卡算不算押金", CARD).unknown == ("押金",)


def test_a_noun_most_entries_name_is_common_vocabulary_not_a_foreign_thing():
    entries = [knowledge.Entry(f"e{i}", f"话题{i}", (f"问题{i}",), (), f"您好，请带身份证到服务中心办理第{i}项。")
               for i in range(3)] + [CARD]
    assert Coverage(entries, load_aspects()).gaps("停车月卡要带身份证吗", CARD).unknown == ()
    assert Coverage(entries[:2] + [CARD], load_aspects()).gaps("停车月卡要带身份证吗", CARD).unknown == ("身份证",)


def test_a_malformed_aspects_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "aspects.yml"
    path.write_text("aspects:\n- name: refund\n  asks: '退('\n  covered_by: 退\n", encoding="utf-8")
    with pytest.raises(ValueError, match="aspects.yml: aspect 1"):
        load_aspects(path)


@pytest.mark.parametrize("question", [
    "车位月卡中途不用了 剩的钱能退吗",          # refund
    "在楼道里堆东西会罚款吗",                  # fine
    "垃圾清运费可以分期付吗",                  # instalments
    "健身房有没有游泳教练",                    # staff the entry never names
    "我前天交的停车月卡钱到账了吗",            # one household's own record
    "物业费发票抬头写错了 能作废重开吗",        # a reissue: the entry only says how to issue one
])
def test_near_misses_are_never_answered_outright(kb, question):
    decision = kb.decide(question)
    assert decision.action in ("offer", "ticket"), decision
    match = kb.answer(question)
    assert match is None or not kb.is_confident(match)


@pytest.mark.parametrize("question, entry", [
    ("装修保证金什么时候能退", "renovation_permit"),     # 全额退还
    ("门禁卡丢了要挂失吗", "access_card"),              # 丢失…挂失
    ("健身房要收费吗", "pool_gym"),                    # 免费进入
])
def test_the_same_details_are_answered_where_the_entry_gives_them(kb, question, entry):
    decision = kb.decide(question)
    assert (decision.action, decision.match.entry.id, decision.gaps) == ("answer", entry, ())


def test_an_entry_below_the_best_that_gives_the_detail_is_offered(kb):
    decision = kb.decide("停车月卡的钱能开发票吗")
    assert kb.search("停车月卡的钱能开发票吗", 1)[0].entry.id == "parking_monthly"
    assert decision.match.entry.id == "fee_invoice" and decision.action in ("answer", "offer")


def test_a_partly_covered_question_is_offered_through_the_old_calls_too(kb):
    question = "物业费交一年有没有优惠 怎么交"
    assert kb.decide(question).action == "offer"
    match = kb.answer(question)
    assert match.entry.id == "fee_payment" and not match.complete and not kb.is_confident(match)


def test_an_editor_who_adds_the_detail_makes_the_question_answerable(tmp_path):
    entries = [{"id": "pool", "topic": "游泳池", "questions": ["游泳池几点开放", "泳池开了吗"], "keywords": ["泳池"],
                "answer": "您好，游泳池每天9:00–21:00开放。"},
               {"id": "parcel", "topic": "快递", "questions": ["快递放在哪里"], "keywords": ["快递柜"],
                "answer": "您好，快递柜在北门。"}]
    kb = knowledge.load(write_kb(tmp_path / "kb.yml", entries), tmp_path / "cache")
    assert kb.decide("游泳池有没有救生员").action == "ticket"
    lifeguard = [{"id": "pool", "answer": "您好，游泳池每天9:00–21:00开放，开放时有救生员值守。"}]
    decision = kb.for_estate("jx2", lifeguard).decide("游泳池有没有救生员")
    assert decision.action != "ticket" and decision.match.entry.id == "pool" and decision.gaps == ()
