"""Importing a roster: every row checked and normalised, the good ones upserted in bulk, the others
reported with their row number and the reason (Chinese for the desk, an English code for tools).

Re-importing is safe: nothing is deleted, a known house keeps what a row leaves blank and takes what
it changes. Estates named in the file (by name, code or alias) are found; unknown names create an
estate, listed in the report so that a typo is seen at once. The whole file is one transaction:
either all its good rows are in, or (on a database error) none.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from storage import estate_queries, roster
from storage.db import session_scope
from storage.estate_models import NO_UNIT

from . import normalise
from .roster_file import Layout, read_rows

REASONS = {  # code: what the desk reads; {value} is the cell as written
    "missing_estate": "缺少小区名称",
    "other_estate": "小区“{value}”与指定的小区不同，未导入",
    "missing_building": "缺少楼栋",
    "bad_building": "楼栋“{value}”无法识别（应为 3、3栋、三号楼、A座 这样的写法）",
    "bad_unit": "单元“{value}”无法识别（应为 2、2单元、二单元 这样的写法）",
    "bad_room": "房号“{value}”无法识别（应为 1201、1201室 这样的写法）",
    "too_long": "“{value}”太长，未导入",
    "duplicate_house": "与第{value}行是同一套房屋，以第{value}行为准",
    "bad_phone": "业主电话“{value}”无法识别：房屋已导入，电话未导入",
    "bad_occupancy": "入住状态“{value}”无法识别（应为 已入住 或 空置）：房屋已导入，状态未导入",
}


@dataclass(frozen=True)
class Problem:
    """A refused row, or a row imported without one of its values."""
    row: int
    code: str
    value: str = ""

    @property
    def reason(self) -> str:
        """The reason in Chinese, for the people who fix the file."""
        return REASONS[self.code].format(value=self.value)


@dataclass
class ImportReport:
    """What an import did, and every row it refused or trimmed."""
    file: str
    rows_read: int = 0
    rows_imported: int = 0
    refused: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    estates_created: list[str] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    counts: roster.UpsertCounts = field(default_factory=roster.UpsertCounts)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The report as JSON-ready data."""
        data = asdict(self)
        for kind in ("refused", "warnings"):
            data[kind] = [{"row": p.row, "code": p.code, "reason": p.reason} for p in getattr(self, kind)]
        return data


class _Estates:
    """Estate ids by name, code or alias; unknown names create an estate (or are refused with --estate)."""

    def __init__(self, session: Session, report: ImportReport, only: str | None):
        self.session, self.report = session, report
        self.ids: dict[str, int] = {}
        for estate in estate_queries.estates(session):
            self.ids[normalise.alias_key(estate.name)] = estate.id
            if estate.code:
                self.ids[normalise.alias_key(estate.code)] = estate.id
        self.ids.update({a.key: a.estate_id for a in estate_queries.aliases(session)})
        self.only = self.id_of(only) if only else None

    def id_of(self, name: str) -> int:
        key = normalise.alias_key(name)
        if key not in self.ids:
            self.ids[key] = estate_queries.add_estate(self.session, name.strip()).id
            self.report.estates_created.append(name.strip())
        return self.ids[key]


def _estate(values: dict, estates: _Estates) -> int | str:
    """The row's estate id, or the code of why it has none."""
    name = values.get("estate", "")
    if len(name) > 64:
        return "too_long"
    if estates.only is not None:
        same = not name or estates.ids.get(normalise.alias_key(name)) == estates.only
        return estates.only if same else "other_estate"
    return estates.id_of(name) if name else "missing_estate"


def _address(values: dict) -> tuple | Problem:
    """(building key, label, unit key, room key or None), or the problem with the row's address."""
    raw_building, raw_unit, raw_room = values["building"], values.get("unit", ""), values.get("room", "")
    if not raw_building:
        return Problem(0, "missing_building")
    building = normalise.building_key(raw_building)
    if building is None:
        return Problem(0, "too_long" if len(raw_building) > 32 else "bad_building", raw_building)
    unit = normalise.unit_key(raw_unit) if raw_unit else NO_UNIT
    if unit is None:
        return Problem(0, "bad_unit", raw_unit)
    room = normalise.room_key(raw_room) if raw_room else None
    if raw_room and room is None:
        return Problem(0, "bad_room", raw_room)
    return building, raw_building, unit, room


def _owner(number: int, values: dict, report: ImportReport) -> tuple:
    """(name, phone, occupancy) of the row; a value that cannot be read is dropped with a warning."""
    name = values.get("owner_name") or None
    if name and len(name) > 32:
        report.warnings.append(Problem(number, "too_long", name))
        name = None
    phone = normalise.phone(values["owner_phone"]) if values.get("owner_phone") else None
    if values.get("owner_phone") and phone is None:
        report.warnings.append(Problem(number, "bad_phone", values["owner_phone"]))
    occupancy = normalise.occupancy(values["occupancy"]) if values.get("occupancy") else None
    if values.get("occupancy") and occupancy is None:
        report.warnings.append(Problem(number, "bad_occupancy", values["occupancy"]))
    return name, phone, occupancy


def _staged_rows(records, estates: _Estates, report: ImportReport):
    """The staging tuples of the good rows; refusals and warnings go into the report."""
    for number, values in records:
        report.rows_read += 1
        estate_id = _estate(values, estates)
        if isinstance(estate_id, str):
            report.refused.append(Problem(number, estate_id, values.get("estate", "")))
            continue
        address = _address(values)
        if isinstance(address, Problem):
            report.refused.append(Problem(number, address.code, address.value))
            continue
        yield (number, estate_id, *address[:3], address[3], *_owner(number, values, report))


def import_roster(sessions: sessionmaker[Session], path: str | Path, estate: str | None = None,
                  now: datetime | None = None) -> ImportReport:
    """Import a CSV or XLSX roster (RosterFileError when the file cannot be read as one)."""
    from storage.models import utcnow

    started = time.perf_counter()
    layout, records = read_rows(path, need_estate=estate is None)
    report = ImportReport(file=str(path), ignored_columns=layout.ignored)
    with session_scope(sessions) as session:
        connection = session.connection()
        roster.begin_staging(connection)
        staged = roster.stage(connection, _staged_rows(records, _Estates(session, report, estate), report))
        duplicates = roster.take_duplicates(connection)
        report.refused += [Problem(row, "duplicate_house", str(first)) for row, first in duplicates]
        report.counts = roster.upsert(connection, now or utcnow())
        roster.end_staging(connection)
        estate_queries.bump_version(session)
    with session_scope(sessions) as session:  # after commit, so that the new rows are counted
        roster.refresh_statistics(session.connection())
    report.rows_imported = staged - len(duplicates)
    report.refused.sort(key=lambda problem: problem.row)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


__all__ = ["ImportReport", "Layout", "Problem", "REASONS", "import_roster"]
