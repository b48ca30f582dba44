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
