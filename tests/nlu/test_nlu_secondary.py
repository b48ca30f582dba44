"""The secondary intent: a repair whose writer blames the handling carries a complaint, and back."""
import pytest

from nlu import rules, secondary


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


@pytest.mark.parametrize("text", [
    "我家宽带一直掉线 打了运营商电话说是小区机房的问题 麻烦物业配合尽快修好",   # a call to someone else
    "今年冬天我家暖气一直不太热 麻烦派师傅上门看看",                           # 一直 describes the fault
    "热水器昨天冒过一次烟 后来就再也没冒 现在打不着 请师傅来看看",
    "厨房水槽堵了 自己通了好几次都不行 麻烦派人来通一下",                        # tries of one's own
    "卫生间漏水都三天了 麻烦派人来修",                                          # how long, nobody told yet
    "卫生间水龙头一直滴水 早上在公众号报修了一次 想问下午能不能派师傅来",         # one report is no repeat
])
def test_a_fault_described_without_blaming_the_handling_has_no_secondary_intent(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] == "repair" and result["secondary_intent"] is None


@pytest.mark.parametrize("text", [
    "储藏室墙角好多白蚁 报修了一直不派人来看 8号楼102",
    "上个月报修卫生间渗水 来看了一次就再也没有消息了 现在墙纸都掉了 请尽快处理",
    "报修都三天了 卫生间还在漏水 麻烦派人来修",                                  # waiting once the desk was told
])
def test_waiting_after_a_report_is_blame(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] == "repair" and result["secondary_intent"]["name"] == "complaint"


def test_renovation_and_warranty_are_no_request_for_a_repair():
    assert not rules._FIX.search("隔壁装修砸墙") and not rules._FIX.search("过了保修期")
    assert rules._FIX.search("麻烦来修一下")


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


@pytest.mark.parametrize("text", [
    "保洁天天偷懒 物业费还涨价 我们单元的楼道灯坏了两周了没人换 这就是你们的服务？",
    "你们物业太不负责了 小区门口的井盖松动到现在还没人处理 每天晃来晃去",
])
def test_a_complaint_naming_a_fault_left_as_it_is_carries_a_repair(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] == "complaint" and result["secondary_intent"]["name"] == "repair"


def test_neglect_of_greening_is_no_fault_to_fix(nlu):
    result = nlu.parse("物业管理一塌糊涂 保安天天睡觉 绿化没人修剪 你们对得起物业费吗")
    assert result["intent"]["name"] == "complaint" and result["secondary_intent"] is None


def test_a_past_repair_in_a_complaint_about_its_charge_asks_for_no_repair():
    # 报修 and 上门 tell the story of a finished repair; nothing is asked to be fixed now.
    charged = "上个月热水器漏水我报修了，师傅上门换了一个阀门，收了我两百八十元也不给收据。请问这个收费是按什么标准？多收的钱请退给我。"
    assert secondary.secondary("complaint", charged, {"water"}, {"complaint": 0.7, "repair": 0.2}) is None
    asked = "保安上班玩手机，保洁也不认真。另外单元门口的灯坏了，请尽快派人来换一下。"
    assert secondary.secondary("complaint", asked, {"public_facility"}, {"complaint": 0.7, "repair": 0.2}) == "repair"


@pytest.mark.parametrize("folded", [
    "厨房水管爆了 我还没来得及关总阀 快派人来",             # 还没来得及 is not 还没来
    "去年装修时改过水管 今年又开始渗水 麻烦来看看",          # 装修…又 is no repair that failed
    "我一直没回家 今天回来发现卫生间漏水了 请派人来修",      # 一直没回 is the writer, not the desk
    "热水器还是不太热 上周小区搞消防演习报警器响了",          # 报警 is no report of the fault
])
def test_words_that_only_look_like_blame_are_not_blame(folded):
    assert not secondary._blames(folded)


def test_a_claim_left_unanswered_is_no_fault_left_as_it_is():
    # 至今没有结果 speaks of compensation for a past burst pipe, not of a fault still waiting.
    folded = "去年水管爆裂的赔偿至今没有结果 一直说保险公司在审核 我们的损失谁来承担"
    assert secondary.secondary("complaint", folded, {"water"}, {"complaint": 0.8, "repair": 0.1}) is None
