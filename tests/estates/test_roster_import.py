"""Roster import: a good file, bad rows with their reasons, re-imports that lose nothing, XLSX and GB18030."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.estates.roster_file import RosterFileError
from handlers.estates.roster_import import import_roster
from storage.estate_models import Building, Estate, House, Unit

GOOD = """小区,楼栋,单元,房号,业主姓名,业主电话,入住状态,面积
锦绣花园,3栋,二单元,1201,张三,138 1234 5678,已入住,89.5
锦绣花园,3栋,二单元,1202,,,空置,
锦绣花园,十七幢,1,901室,李四,0571-88886666,出租,
锦绣花园,A座,,1502,王五,+86 139-0000-1111,,
阳光城,1号楼,1单元,101,,,,
"""


def houses(sessions) -> dict:
    """Every house as {(estate, building, unit, room): (owner, phone, occupancy)}."""
    with sessions() as session:
        query = (select(Estate.name, Building.key, Unit.key, House.room, House.owner_name, House.owner_phone,
                        House.occupancy).join(Unit, House.unit_id == Unit.id)
                 .join(Building, Unit.building_id == Building.id).join(Estate, House.estate_id == Estate.id))
        return {tuple(row[:4]): tuple(row[4:]) for row in session.execute(query)}


def test_a_good_roster_is_imported_with_normalised_keys(sessions, write):
    report = import_roster(sessions, write("roster.csv", GOOD))
    assert report.refused == [] and report.warnings == []
    assert report.rows_read == report.rows_imported == 5
    assert sorted(report.estates_created) == ["锦绣花园", "阳光城"]
    assert report.ignored_columns == ("面积",)
    assert houses(sessions) == {
        ("锦绣花园", "3", "2", "1201"): ("张三", "13812345678", "occupied"),
        ("锦绣花园", "3", "2", "1202"): (None, None, "vacant"),
        ("锦绣花园", "17", "1", "901"): ("李四", "057188886666", "occupied"),
        ("锦绣花园", "A", "", "1502"): ("王五", "13900001111", None),
        ("阳光城", "1", "1", "101"): (None, None, None),
    }
    assert (report.counts.buildings_added, report.counts.units_added, report.counts.houses_added) == (4, 4, 5)


def test_bad_rows_are_refused_with_row_number_and_reason(sessions, write):
    content = ("小区,楼栋,单元,房号,业主电话,入住状态\n"
               "锦绣花园,3栋,2,1201,13812345678,已入住\n"
               ",3栋,2,1203,,\n"                   # row 3: no estate
               "锦绣花园,,2,1204,,\n"               # row 4: no building
               "锦绣花园,东边那栋,2,1205,,\n"        # row 5: unreadable building
               "锦绣花园,3栋,第二,1206,,\n"         # row 6: unreadable unit
               "锦绣花园,3栋,2,顶楼,,\n"            # row 7: unreadable room
               "锦绣花园,三幢,二单元,1201室,,\n"      # row 8: the house of row 2 again
               "锦绣花园,3栋,2,1207,12345,住着\n")   # row 9: imported, without phone and occupancy
    report = import_roster(sessions, write("bad.csv", content))
    assert [(p.row, p.code) for p in report.refused] == [
        (3, "missing_estate"), (4, "missing_building"), (5, "bad_building"), (6, "bad_unit"), (7, "bad_room"),
        (8, "duplicate_house")]
    assert report.refused[2].reason.startswith("楼栋“东边那栋”无法识别")
    assert report.refused[5].reason == "与第2行是同一套房屋，以第2行为准"
    assert [(p.row, p.code) for p in report.warnings] == [(9, "bad_phone"), (9, "bad_occupancy")]
    assert report.rows_imported == 2
    assert set(houses(sessions)) == {("锦绣花园", "3", "2", "1201"), ("锦绣花园", "3", "2", "1207")}
    assert houses(sessions)[("锦绣花园", "3", "2", "1201")] == (None, "13812345678", "occupied")


def test_reimport_keeps_everything_and_updates_what_changed(sessions, write):
    import_roster(sessions, write("first.csv", GOOD))
    second = ("小区,楼栋,单元,房号,业主姓名,业主电话,入住状态\n"
              "锦绣花园,3栋,2,1201,,13999998888,\n"
              "锦绣花园,3栋,2,1202,赵六,,已入住\n"
              "锦绣花园,5栋,1,501,,,\n")
    report = import_roster(sessions, write("second.csv", second))
    assert report.counts.houses_added == 1 and report.counts.houses_updated == 2
    assert report.counts.houses_unchanged == 0 and report.estates_created == []
    after = houses(sessions)
    assert len(after) == 6  # nothing deleted
    assert after[("锦绣花园", "3", "2", "1201")] == ("张三", "13999998888", "occupied")  # phone changed, rest kept
    assert after[("锦绣花园", "3", "2", "1202")] == ("赵六", None, "occupied")
    again = import_roster(sessions, write("second.csv", second))
    assert (again.counts.houses_added, again.counts.houses_updated, again.counts.houses_unchanged) == (0, 0, 3)


def test_estate_option_and_rows_of_another_estate(sessions, write):
    import_roster(sessions, write("first.csv", GOOD))
    content = "小区,楼栋,单元,房号\n,9栋,1,101\n锦绣花园,9栋,1,102\n阳光城,9栋,1,103\n"
    report = import_roster(sessions, write("one.csv", content), estate="锦绣花园")
    assert [(p.row, p.code) for p in report.refused] == [(4, "other_estate")]
    assert {key for key in houses(sessions) if key[1] == "9"} == {("锦绣花园", "9", "1", "101"),
                                                                 ("锦绣花园", "9", "1", "102")}


def test_buildings_and_units_without_rooms_and_a_file_without_estate_column(sessions, write):
    report = import_roster(sessions, write("b.csv", "楼栋,单元\n1栋,1\n1栋,2\n2栋,\n"), estate="默认小区")
    assert report.refused == [] and report.counts.houses_added == 0
    assert (report.counts.buildings_added, report.counts.units_added) == (2, 3)
    with sessions() as session:
        estate = session.scalar(select(Estate).where(Estate.name == "默认小区"))
        assert estate is not None
        assert session.scalars(select(Building.key).where(Building.estate_id == estate.id)).all() == ["1", "2"]


def test_xlsx_with_numeric_cells_and_english_headers(sessions, write):
    path = write("roster.xlsx", [["estate", "building", "unit", "room", "owner", "phone", "occupancy"],
                                 ["锦绣花园", 3, 2, 1201, "张三", 13812345678, "occupied"],
                                 [None, None, None, None, None, None, None],
                                 ["锦绣花园", "B2栋", None, 301.0, None, None, "vacant"]])
    report = import_roster(sessions, path)
    assert report.refused == [] and report.rows_read == 2
    assert houses(sessions) == {("锦绣花园", "3", "2", "1201"): ("张三", "13812345678", "occupied"),
                                ("锦绣花园", "B2", "", "301"): (None, None, "vacant")}


def test_a_title_row_above_the_header(sessions, write):
    path = write("titled.xlsx", [["锦绣花园业主花名册（2026年11月）"], [], ["楼栋", "单元", "房号"], ["3栋", "2单元", "1201"]])
    report = import_roster(sessions, path, estate="锦绣花园")
    assert report.refused == [] and report.counts.houses_added == 1


def test_gb18030_csv_as_excel_writes_it(sessions, write):
    report = import_roster(sessions, write("gbk.csv", GOOD, encoding="gb18030"))
    assert report.rows_imported == 5 and "锦绣花园" in report.estates_created


@pytest.mark.parametrize("content, message", [
    ("小区,单元,房号\n锦绣花园,1,101\n", "表头缺少列：楼栋"),
    ("", "文件是空的"),
    ("小区,楼栋,栋号\n", "duplicate column"),
])
def test_files_that_are_not_rosters_are_refused_whole(sessions, write, content, message):
    with pytest.raises(RosterFileError, match=message):
        import_roster(sessions, write("x.csv", content))
    assert houses(sessions) == {}


def test_a_damaged_xlsx_is_refused_with_one_line(sessions, write, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(RosterFileError, match="cannot read the XLSX file"):
        import_roster(sessions, path)
