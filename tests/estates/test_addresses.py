"""Address facts: estates named in messages, addresses checked against the roster, public areas, phones."""
from __future__ import annotations

import pytest

from handlers.estates import admin
from handlers.estates.addresses import Directory
from handlers.estates.roster_import import import_roster
from handlers.estates.settings import Freshness
from nlu.entities import EntityExtractor

ROSTER = """小区,楼栋,单元,房号,业主姓名,业主电话,入住状态
锦绣花园,3栋,1单元,1201,张三,13812345678,已入住
锦绣花园,3栋,2单元,1201,李四,13900001111,空置
锦绣花园,3栋,2单元,1202,王五,13812345678,已入住
锦绣花园,A座,,1502,赵六,,已入住
锦绣花园,17幢,1,901,,,
阳光城,1号楼,1单元,101,钱七,13812345678,
"""


@pytest.fixture
def directory(sessions, write):
    import_roster(sessions, write("roster.csv", ROSTER))
    admin.add_alias(sessions, "锦绣花园", "锦绣")
    admin.add_alias(sessions, "锦绣花园", "JX")
    admin.add_estate(sessions, "锦绣江南", aliases=("江南",))
    return Directory(sessions, Freshness(sessions, ttl=0))


def estate_id(directory, name):
    return directory.named(name).id


@pytest.mark.parametrize("message, names", [
    ("锦绣花园3栋2单元1201漏水", ["锦绣花园"]),
    ("我是锦绣的业主，电梯坏了", ["锦绣花园"]),
    ("JX 3-2-1201 停水了", ["锦绣花园"]),
    ("jx3栋漏水", ["锦绣花园"]),
    ("JXY公司的快递", []),
    ("锦绣江南和阳光城都停电了", ["锦绣江南", "阳光城"]),
    ("厨房水管爆了", []),
])
def test_estates_named_in_a_message(directory, message, names):
    assert [ref.name for ref, _ in directory.estates_in(message)] == names


def test_aliases_of_one_estate_cannot_name_another(directory, sessions):
    with pytest.raises(admin.EstateError, match="已是锦绣花园的名称或别名"):
        admin.add_alias(sessions, "锦绣江南", "锦绣")
    with pytest.raises(admin.EstateError, match="已是锦绣花园"):
        admin.add_estate(sessions, "ＪＸ")  # full-width: the same word


def resolve(directory, text, estate="锦绣花园"):
    entities = {e.entity: e.value for e in EntityExtractor({}).extract(text)}
    return directory.resolve(estate_id(directory, estate), entities.get("building"), entities.get("unit"),
                             entities.get("room"))


def test_an_address_in_the_roster_is_a_house(directory):
    found = resolve(directory, "3栋二单元1201室")
    assert found.found and (found.building, found.unit, found.room, found.occupancy) == ("3", "2", "1201", "vacant")
    assert resolve(directory, "三号楼1单元1201").house_id != found.house_id
    assert resolve(directory, "A座1502").found                      # a building without units
    assert resolve(directory, "3栋1202").found                      # unit left out, only one 1202 in 3栋
    assert resolve(directory, "3栋1202").unit == "2"


@pytest.mark.parametrize("text, status, question", [
    ("5栋1单元101", "no_building", "锦绣花园没有查到5栋，麻烦您核对一下楼栋号。"),
    ("3栋5单元1201", "no_unit", "锦绣花园3栋没有查到5单元，麻烦您核对一下单元号。"),
    ("3栋2单元1701", "no_room", "锦绣花园3栋2单元没有查到1701室，麻烦您核对一下房号。"),
    ("3栋1201", "unit_needed", "请问您是锦绣花园3栋几单元？"),     # 1201 is in units 1 and 2
    ("3栋", "unit_needed", "请问您是锦绣花园3栋几单元？"),
    ("17幢1单元", "room_needed", "请问您的房号是多少（例如1201）？"),
    ("1201室", "building_needed", "请问您是锦绣花园几栋（几号楼）？"),
    ("A座1单元1502", "no_unit", "锦绣花园A栋没有查到1单元，麻烦您核对一下单元号。"),
])
def test_what_does_not_exist_is_said_precisely(directory, text, status, question):
    found = resolve(directory, text)
    assert not found.found
    assert (found.status, found.question) == (status, question)


def test_an_estate_without_roster_cannot_check(directory):
    found = resolve(directory, "3栋2单元1201", estate="锦绣江南")
    assert found.status == "unchecked" and found.question is None


def test_building_aliases_and_public_areas(directory, sessions):
    admin.building_aliases(sessions, "锦绣花园", "17", ["紫荆阁"])
    assert directory.resolve(estate_id(directory, "锦绣花园"), "紫荆阁", "1", "901").found
    admin.public_area(sessions, "锦绣花园", "3号地库", ["三号地库", "B3车库"], building="3栋")
    jx = estate_id(directory, "锦绣花园")
    assert directory.public_area(jx, "b3车库的灯坏了").target == "3号地库"
    assert directory.public_area(jx, "楼道灯不亮了").target == "楼道"
    assert directory.public_area(jx, "3栋电梯困人了").target == "电梯"
    assert directory.public_area(jx, "小区东门道闸抬不起来").target == "大门"
    assert directory.public_area(jx, "我家大门锁坏了") is None
    assert directory.public_area(jx, "厨房水管爆了") is None


def test_houses_of_an_owner_phone(directory):
    found = directory.houses_of_phone("13812345678")
    assert sorted((row.estate, row.building, row.unit, row.room) for row in found) == [
        ("锦绣花园", "3", "1", "1201"), ("锦绣花园", "3", "2", "1202"), ("阳光城", "1", "1", "101")]
    assert directory.houses_of_phone("13700000000") == []


def test_a_change_in_another_process_is_seen_after_the_ttl(sessions, write):
    now = [0.0]
    directory = Directory(sessions, Freshness(sessions, ttl=2.0, monotonic=lambda: now[0]))
    assert directory.estates_in("锦绣花园漏水") == []
    import_roster(sessions, write("roster.csv", ROSTER))            # as if by `wuye estate import` elsewhere
    assert directory.estates_in("锦绣花园漏水") == []              # cached for up to two seconds
    now[0] = 2.5
    assert [ref.name for ref, _ in directory.estates_in("锦绣花园漏水")] == ["锦绣花园"]
