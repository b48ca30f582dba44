"""Roster values get the keys the NLU gives for the same address in a resident's message."""
from __future__ import annotations

import pytest

from handlers.estates import normalise
from nlu.entities import EntityExtractor

EXTRACTOR = EntityExtractor({})


@pytest.mark.parametrize("building, unit, room", [
    ("3栋", "2单元", "1201"), ("三号楼", "二单元", "1201室"), ("十七幢", "一单元", "901"), ("A座", "", "1502"),
    ("B2栋", "1单元", "301"), ("12幢", "3单元", "0101"), ("８栋", "２单元", "８０２"), ("3号楼", "2", "1201"),
])
def test_roster_keys_equal_what_the_nlu_extracts(building, unit, room):
    unit_text = unit if not unit or not unit.isdigit() else f"{unit}单元"
    message = f"{building}{unit_text}{room}漏水了"
    parsed = {e.entity: e.value for e in EXTRACTOR.extract(message)}
    keys = {"building": normalise.building_key(building), "room": normalise.room_key(room)}
    if unit:
        keys["unit"] = normalise.unit_key(unit)
    assert parsed == keys


@pytest.mark.parametrize("raw, key", [("3", "3"), (3, "3"), (3.0, "3"), ("a座", "A"), ("3#", "3"), ("东区", None),
                                      ("3栋2单元", None), ("", None)])
def test_building_keys(raw, key):
    assert normalise.building_key(raw) == key


@pytest.mark.parametrize("raw, phone", [("138 1234 5678", "13812345678"), ("+86-138-1234-5678", "13812345678"),
                                        (13812345678.0, "13812345678"), ("0571-88886666", "057188886666"),
                                        ("12345", None), ("无", None)])
def test_phones(raw, phone):
    assert normalise.phone(raw) == phone


@pytest.mark.parametrize("raw, state", [("已入住", "occupied"), ("出租", "occupied"), ("空置", "vacant"),
                                        ("Vacant", "vacant"), ("装修中", None)])
def test_occupancy(raw, state):
    assert normalise.occupancy(raw) == state
