"""Messages up to WeChat's body limit are parsed in time linear in their length, with a bounded answer."""
import time

import pytest

from nlu.entities import MAX_PER_KIND
from nlu.urgency import is_urgent

LIMIT = 63 * 1024


def _fill(unit: str, size: int = LIMIT) -> str:
    return unit * (size // len(unit.encode()))


PATHOLOGICAL = ["3栋2单元1201 电话13812345678 ", "7-3-1803 ", "3栋", "住1201 ", "139 1234 5678 ", "没停电",
                "已经不漏了爆了"]


def _fastest(function, text: str, runs: int = 7) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_cost_grows_linearly_with_the_message(nlu, unit):
    # Eight times the text must cost about eight times as much (a quadratic scan costs 64 times);
    # the fastest of several runs keeps a busy machine from deciding.
    small, large = _fill(unit, LIMIT // 8), _fill(unit, LIMIT)
    ratio = _fastest(nlu.parse, large) / _fastest(nlu.parse, small)
    assert ratio < 32, f"{unit!r}: 8x the text took {ratio:.0f}x the time"


@pytest.mark.parametrize("unit", ["没停电", "去年停电", "已经不漏了爆了"])
def test_urgency_of_an_endless_clause_is_linear(unit):
    small, large = _fill(unit, LIMIT // 8), _fill(unit, LIMIT)
    assert is_urgent(large) is False
    assert _fastest(is_urgent, large) / _fastest(is_urgent, small) < 32


def test_the_answer_to_a_huge_message_is_bounded(nlu):
    result = nlu.parse(_fill("3栋2单元1201 电话13812345678 "))
    counts = {}
    for entity in result["entities"]:
        counts[entity["entity"]] = counts.get(entity["entity"], 0) + 1
    assert counts["phone"] == MAX_PER_KIND and counts["building"] <= MAX_PER_KIND
    first = result["entities"][:4]
    assert [(e["entity"], e["value"]) for e in first] == [("building", "3"), ("unit", "2"), ("room", "1201"),
                                                          ("phone", "13812345678")]
