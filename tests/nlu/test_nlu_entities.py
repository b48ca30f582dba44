"""Addresses, phones and categories come out normalised, wherever and however residents write them."""
import pytest


def _values(result, name):
    return [e["value"] for e in result["entities"] if e["entity"] == name]


ADDRESSES = [
    ("3栋2单元1201漏水了", "3", "2", "1201"),
    ("3号楼二单元1201室 马桶堵了", "3", "2", "1201"),
    ("十七栋一单元901厕所堵了", "17", "1", "901"),
    ("我住7-3-1803 电梯不动了", "7", "3", "1803"),
    ("B座1502的门锁坏了", "B", None, "1502"),
    ("12幢楼道灯不亮", "12", None, None),
    ("3#楼2单元502 水管漏水", "3", "2", "502"),
    ("7栋3-1803 暖气不热", "7", "3", "1803"),
    ("十栋一单元三零一 灯坏了", "10", "1", "301"),
    ("叁号楼 二单元 十二零一 渗水", "3", "2", "1201"),
    ("我家在8幢2门401", "8", "2", "401"),
    ("5楼2单元的电梯坏了", "5", "2", None),
    ("a座 1502 没水了", "A", None, "1502"),
    ("三幢二单元 一零二 没电", "3", "2", "102"),
    ("1201室卫生间漏水", None, None, "1201"),
]


@pytest.mark.parametrize("text,building,unit,room", ADDRESSES)
def test_address_forms_are_normalised(nlu, text, building, unit, room):
    result = nlu.parse(text)
    assert _values(result, "building") == ([building] if building else [])
    assert _values(result, "unit") == ([unit] if unit else [])
    assert _values(result, "room") == ([room] if room else [])


@pytest.mark.parametrize("text", ["B2车库的灯不亮", "我家在5楼 灯坏了", "交了2000元物业费", "C区花园的路灯坏了"])
def test_floors_garages_and_money_are_not_addresses(nlu, text):
    result = nlu.parse(text)
    assert [e for e in result["entities"] if e["entity"] in ("building", "unit", "room")] == []


PHONES = [
    ("电话13812345678", "13812345678"),
    ("手机 138 1234 5678 谢谢", "13812345678"),
    ("联系138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("座机0571-88886666", "057188886666"),
    ("打0571 8888 6666找我", "057188886666"),
    ("电话88886666", "88886666"),
]


@pytest.mark.parametrize("text,phone", PHONES)
def test_phones_become_digits(nlu, text, phone):
    assert _values(nlu.parse(text), "phone") == [phone]


def test_a_phone_is_not_read_as_a_room(nlu):
    result = nlu.parse("3栋2单元 电话13812345678")
    assert _values(result, "room") == []
    assert _values(result, "phone") == ["13812345678"]


CATEGORIES = [
    ("厨房水龙头一直滴水", "water"),
    ("马桶堵了冲不下去", "drain"),
    ("电梯又坏了", "lift"),
    ("门禁卡刷不开单元门", "door_access"),
    ("家里有很浓的煤气味", "gas"),
    ("暖气片一点都不热", "heating"),
    ("卧室窗户玻璃裂了", "doors_windows"),
    ("楼道灯不亮好几天了", "public_facility"),
    ("宽带连不上", "network"),
    ("家里跳闸了推不上去", "electricity"),
    ("卫生间天花板在渗水", "structure"),
    ("空调外机响得厉害 麻烦来修", "appliance"),
    ("楼道里的电线露出来了", "electricity"),
]


@pytest.mark.parametrize("text,category", CATEGORIES)
def test_fault_category(nlu, text, category):
    assert _values(nlu.parse(text), "category") == [category]


def test_offsets_point_into_the_original_text(nlu):
    text = "電梯壞了 ３棟２單元１２０１ 電話１３８１２３４５６７８"
    result = nlu.parse(text)
    spans = {e["entity"]: text[e["start"]:e["end"]] for e in result["entities"]}
    assert spans["building"] == "３棟"
    assert spans["room"] == "１２０１"
    assert spans["phone"] == "１３８１２３４５６７８"
    assert _values(result, "phone") == ["13812345678"]
