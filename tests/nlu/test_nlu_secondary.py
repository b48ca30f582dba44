"""The secondary intent: a repair whose writer blames the handling carries a complaint, and back."""
import pytest

from nlu import rules


@pytest.mark.parametrize("text", [
    "水管爆了三天了还没人来修，你们物业到底管不管",
    "报修五天了 马桶还是堵的 天天说排队 排到什么时候",
    "楼道灯坏了一个月 说了三次都没人来换 今天必须修好",
])
def test_a_repair_that_blames_the_handling_carries_a_complaint(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] == "repair"
    assert result["secondary_intent"]["name"] == "complaint"
    assert 0.5 <= result["secondary_intent"]["confidence"] <= 1


@pytest.mark.parametrize("text", ["卫生间马桶堵了 麻烦派个师傅来通一下", "请问物业费可以用微信交吗",
                                  "楼上天天半夜装修 吵得睡不着 你们管不管"])
def test_plain_messages_have_no_secondary_intent(nlu, text):
    result = nlu.parse(text)
    assert "secondary_intent" in result and result["secondary_intent"] is None


def test_a_complaint_that_names_a_fault_to_fix_carries_a_repair(nlu):
    result = nlu.parse("我对物业的管理很不满意，保安经常在岗亭睡觉，垃圾两天才清一次，物业费却年年涨。"
                       "另外我们单元的门禁坏了，麻烦派人来修一下。")
    assert result["intent"]["name"] == "complaint"
    assert result["secondary_intent"]["name"] == "repair"


def test_the_rule_keeps_a_pattern_of_failures_a_complaint():
    folded = "电梯故障频发，物业不管，一年坏了十几次，每次修好没两天又坏"
    assert rules.primary("complaint", folded, {"lift"}, {"complaint": 0.6, "repair": 0.35}) == "complaint"
    specific = "电梯又坏了，三天了没人来修，赶紧派人来"
    assert rules.primary("complaint", specific, {"lift"}, {"complaint": 0.5, "repair": 0.4}) == "repair"
    assert rules.primary("complaint", specific, {"lift"}, {"complaint": 0.9, "repair": 0.05}) == "complaint"
