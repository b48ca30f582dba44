"""Emergencies are urgent; negated, past or resolved ones are not."""
import pytest

from nlu.urgency import is_urgent

URGENT = [
    "水管爆了 水喷得到处都是",
    "家里全屋停电了",
    "电梯困人了 我妈在里面出不来",
    "楼道里一股煤气味",
    "插座冒烟了还有火花",
    "外墙瓷砖松了随时要掉下来",
    "天花板哗哗往下流水",
    "下水道污水漫出来了 满地都是",
    "電梯關人了 快來",
]
NOT_URGENT = [
    "水已经不漏了 但是墙上有水渍 麻烦来看看",
    "上周停电以后插座就没电了",
    "没有燃气味 就是灶打不着火",
    "电梯没关人 就是开门特别慢",
    "不是很急 门锁有点松",
    "昨天停过电现在好了 但是插座不通电",
    "厨房插座没电了",
    "水龙头有点滴水",
    "之前爆管已经修好了 墙上的洞什么时候补",
]


@pytest.mark.parametrize("text", URGENT)
def test_emergencies_are_urgent(text):
    assert is_urgent(text) is True


@pytest.mark.parametrize("text", NOT_URGENT)
def test_negated_past_or_minor_is_not_urgent(text):
    assert is_urgent(text) is False


# The labelling rule: a present emergency in the writer's own place, ongoing now.
NOT_NOW = [
    "去年冬天小区水管爆裂，水淹了我家一楼的地板，到现在赔偿还没有结果",      # history
    "电梯今年已经困人四次了，上个月我母亲被困了四十分钟",                      # frequency and history
    "我们这里经常停电，一停就是半天",                                        # frequency in general
    "电动车推进电梯充电，万一起火怎么办",                                      # hypothetical
    "刚才看到隔壁的金色家园小区有一栋楼着火了，烟很大",                          # another estate
    "如果电梯困人了应该打哪个电话",                                          # hypothetical question
]
NOW_DESPITE_HISTORY = [
    "去年也爆过一次。现在厨房水管又爆了，水喷得到处都是",
    "前几天就有点冒了，今天污水从地漏往外冒，已经淹到客厅了",
    "小区西门的井盖不见了，露着一个大洞，刚才一个骑车的差点掉进去",
    "燃气管道被挖破了，呲呲地往外冒气",
]


@pytest.mark.parametrize("text", NOT_NOW)
def test_history_frequency_hypotheticals_and_other_places_are_not_urgent(text):
    assert is_urgent(text) is False


@pytest.mark.parametrize("text", NOW_DESPITE_HISTORY)
def test_a_present_emergency_counts_even_after_history(text):
    assert is_urgent(text) is True


@pytest.mark.parametrize("text,intent", [
    ("消防通道被私家车堵死了，着火了消防车都进不来，物业管不管", "complaint"),
    ("请问明天停电检修，几点恢复供电", "inquiry"),
    ("楼下饭店油烟大，还冒烟，熏得我们家没法开窗，这是否合规", "complaint"),
])
def test_only_a_repair_is_urgent(nlu, text, intent):
    result = nlu.parse(text)
    assert result["intent"]["name"] == intent
    assert result["urgent"] is False


def test_a_repair_emergency_is_urgent_through_the_service(nlu):
    result = nlu.parse("救命 3栋电梯困人了 我妈在里面出不来")
    assert result["intent"]["name"] == "repair" and result["urgent"] is True


@pytest.mark.parametrize("text", ["救命 家里燃气味很重 十七栋一单元901 电话13812345678",
                                  "3号楼2单元电梯困人了 物业的人呢 快来人啊"])
def test_a_present_emergency_is_a_repair_whatever_the_model_read(nlu, text):
    result = nlu.parse(text)
    assert result["intent"]["name"] == "repair" and result["urgent"] is True
