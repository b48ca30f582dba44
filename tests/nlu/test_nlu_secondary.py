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


# Round four: the independent split's writers label a complaint only where the writer blames the desk. Words that
# tell what happened (修过又, 一直没人来修, 打了两次电话, 还没来电, 到现在还在流) are blame only beside a report to the
# desk, a protest or a duration. Each of these was a false positive on test_long.yml, shortened.
@pytest.mark.parametrize("folded", [
    "上个月电梯困过一次人 当时维保单位来修过 这几天电梯又开始抖 现在还能坐 请尽快让维保单位来彻底检查",
    "消火栓拧开以后根本没有水 消防的同志说要整改 现在一直没人来修 请物业尽快安排检修供水管道",
    "卫生间吊顶每天滴水 估计是楼上803 我上楼找过803 房东在外地 电话打了两次没接 请物业派维修师傅来查一下",
    "今晚八点整栋楼突然停电 到现在九点半还没来电 请电工立即到配电室查找原因 尽快恢复供电",
    "紧急报修！水箱的浮球阀坏了 水从溢流口往外冒 水到现在还在流 请尽快派人",
    "暖气一直不热 放气阀只出一点点水然后就没动静了 给热力公司的热线打过电话 到现在还没有排到 请派维修人员入户检查",
    "暴雨时天花板漏水 希望物业尽快安排人把漏点修好 不然下次下雨又要漏",
    "应该是楼上1502的水管漏了 敲门没人 打电话也没人接 现在水还在滴 请马上派人",
    "燃气有异味 已经打了燃气公司电话 他们说马上来 请物业也派人看看",
])
def test_what_happened_told_without_blame_is_no_complaint(folded):
    assert not secondary._blames(folded)


@pytest.mark.parametrize("folded", [
    "电梯停在12楼和13楼之间 按了警铃 打物业值班电话也一直没人接 请立刻派人来 你们的应急值守到底有没有人",
    "去年你们工程部说修好了 今天同样的位置又开始漏 你们当时到底修没修",
    "单元门坏了一个多月 在管家群里@过两次管家 第二次直接没回 麻烦尽快派人修好",
    "我们多次要求物业检查配电房 今晚配电房又冒烟了 请立即派电工来",
    "上个月刚找你们修过这个接口 结果才过了三个星期又开始漏",
    "楼道灯上个月修过 修完只亮了两天 现在又黑了 你们换的是什么便宜货",
    "物业电话打了好几次都没人接 卫生间一直在漏水 请尽快派人",
    "电梯坏了一个星期了 你们一直说在等配件 到底要等到什么时候",
    "空调不制冷 报修单提交三天了还显示待处理 请尽快安排",
    "下水道又堵了 上个月刚通过 你们这是治标不治本",
    "屋顶漏水 去年修过一次 今年又漏了 物业一直推给开发商 请尽快处理",
])
def test_what_happened_beside_a_report_or_a_protest_is_blame(folded):
    assert secondary._blames(folded)


@pytest.mark.parametrize("folded, categories", [
    ("物业没有任何书面通知 直接派人把我家的水表阀门关了还上了锁 家里没水 这是不是违法行为", {"water"}),
    ("几乎每个月都有一处水管破裂 每次物业都只是派人把破的那一段换掉 我们要求拿出整栋楼供水管道更换的方案", {"water"}),
    ("电梯每个月都停运几天 按钮失灵 请尽快启动电梯大修", {"lift"}),
    ("垃圾桶全满了也没人来清 问保洁说清运车坏了 车坏了三天也不想别的办法", {"public_facility"}),
])
def test_a_complaint_telling_a_past_or_planned_fix_carries_no_repair(folded, categories):
    assert secondary.secondary("complaint", folded, categories, {"complaint": 0.7, "repair": 0.2}) is None


def test_a_complaint_naming_an_aside_fault_carries_a_repair():
    listed = "我对物业的管理非常不满，门岗保安经常脱岗，另外我们楼的单元门锁坏了好几周也没人来修。"
    assert secondary.secondary("complaint", listed, {"door_access"}, {"complaint": 0.7, "repair": 0.2}) == "repair"
    also = "小区保洁根本不管事 垃圾堆成山 我们单元门口的排水沟也堵了发臭"
    assert secondary.secondary("complaint", also, {"drain"}, {"complaint": 0.7, "repair": 0.2}) == "repair"


@pytest.mark.parametrize("text", [
    "3栋2单元1201 厨房水管漏水了 麻烦派师傅来修一下 另外顺便问下物业费怎么交",
    "5栋901 卫生间马桶堵了 请派师傅上门疏通 另外想问一下 停车月卡在哪里办？",
    "楼上天天半夜装修 吵得睡不着 请物业管一管 另外想问一下 装修时间是怎么规定的？",
])
def test_a_question_asked_as_an_aside_is_an_inquiry(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] in ("repair", "complaint") and result["secondary_intent"]["name"] == "inquiry"


@pytest.mark.parametrize("folded", [
    "我打电话问发票为什么还没收到 我再问什么时候能开好 她直接挂了电话",   # a question told of, not asked
    "业委会这样的做法 请问有哪一条法律依据？",                             # 请问 of a rhetorical question
    "另外 门口的灯也坏了 请尽快修",                                         # 另外 without a question
])
def test_questions_told_or_rhetorical_are_no_inquiry(folded):
    assert secondary.secondary("complaint", folded, set(), {"complaint": 0.8}) != "inquiry"


@pytest.mark.parametrize("intent, folded, expected", [
    ("repair", "厨房水管漏了 麻烦派人来修 顺便投诉一下上次来的师傅态度很差", "complaint"),
    ("repair", "请问物业费可以用支付宝交吗？另外我家门口的楼道灯坏了 麻烦派人修一下", "inquiry"),   # the question first
    ("inquiry", "请问小区的停车月卡怎么办理？另外我要投诉一下门岗保安的态度", "complaint"),
    ("inquiry", "请问物业费可以用支付宝交吗？另外我家门口的楼道灯坏了 麻烦派人修一下", "repair"),
    ("inquiry", "请问马桶堵了 上门疏通收费吗", None),                                          # a fault as context
    ("complaint", "物业你们好 我还要问问你们 凭什么乱收费", None),                               # 问问 of a rhetorical question
])
def test_a_request_announced_as_an_aside_is_the_second_intent(intent, folded, expected):
    categories = {"public_facility", "drain", "water"}
    assert secondary.secondary(intent, folded, categories, {intent: 0.7, "repair": 0.2}) == expected


@pytest.mark.parametrize("folded, expected", [
    ("投诉物业管理混乱：地库积水无人清理、照明灯大面积损坏，反映多次都没有回应。", "repair"),
    ("你们客服态度太差了 我打电话说电梯按钮坏了 她说知道了就挂", "repair"),
    ("物业费年年涨 服务没见提升 投诉了也没有回应", None),                 # no fault named
])
def test_a_complaint_whose_report_of_a_fault_went_unanswered_carries_a_repair(folded, expected):
    assert secondary.secondary("complaint", folded, {"electricity", "lift"}, {"complaint": 0.7, "repair": 0.2}) == expected


def test_a_complaints_repair_reads_each_backends_scores_its_own_way():
    """The embedded model must lean to repair (graded scores); DIET must not hesitate (all-or-nothing scores)."""
    folded = "保洁天天偷懒 物业费还涨价 我们单元的楼道灯坏了两周了没人换 这就是你们的服务？"
    categories = {"public_facility"}
    said = lambda repair, backend: secondary.secondary("complaint", folded, categories,  # noqa: E731
                                                       {"complaint": 1 - repair, "repair": repair}, backend)
    assert said(0.2, "embedded") == "repair" and said(1e-10, "embedded") is None
    assert said(1e-10, "rasa") == "repair" and said(0.01, "rasa") is None
    assert said(0.2, "embedded") == secondary.secondary("complaint", folded, categories,
                                                        {"complaint": 0.8, "repair": 0.2})
