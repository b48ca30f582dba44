"""Reading a roster file (CSV or XLSX) as the property company keeps it.

The header is the first row (of the first ten) that names the columns needed, so a title row above it
is fine. Columns are found by their Chinese names, as a company's
roster has them, or English ones; other columns are ignored (and listed in the report):

| field | header names accepted |
|---|---|
| estate (小区) | 小区, 小区名称, 项目, 项目名称, 楼盘, estate |
| building (楼栋) | 楼栋, 楼号, 栋, 栋号, 幢, 楼宇, 楼座, building |
| unit (单元) | 单元, 单元号, unit |
| room (房号) | 房号, 房间号, 室号, 门牌号, room, house |
| owner_name (业主姓名) | 业主姓名, 业主, 姓名, owner, owner_name |
| owner_phone (业主电话) | 业主电话, 电话, 手机, 手机号, 联系电话, 联系方式, phone, owner_phone |
| occupancy (入住状态) | 入住状态, 入住情况, 状态, occupancy |

Rows are numbered as a spreadsheet shows them (the header is row 1 when it is the first line).
CSV files may be UTF-8 (with or without BOM) or GB18030 (what Excel writes on a Chinese Windows).
"""
from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterator

from .normalise import alias_key, cell_text

FIELDS = ("estate", "building", "unit", "room", "owner_name", "owner_phone", "occupancy")
HEADERS = {
    "estate": ("小区", "小区名称", "项目", "项目名称", "楼盘", "estate"),
    "building": ("楼栋", "楼号", "栋", "栋号", "幢", "楼宇", "楼座", "building"),
    "unit": ("单元", "单元号", "unit"),
    "room": ("房号", "房间号", "室号", "门牌号", "room", "house"),
    "owner_name": ("业主姓名", "业主", "姓名", "owner", "owner_name"),
    "owner_phone": ("业主电话", "电话", "手机", "手机号", "联系电话", "联系方式", "phone", "owner_phone"),
    "occupancy": ("入住状态", "入住情况", "状态", "occupancy"),
}
_HEADER_SEARCH = 10  # rows searched for the header, below titles and notes
_FIELD_OF = {alias_key(name): field for field, names in HEADERS.items() for name in names}


class RosterFileError(ValueError):
    """The file cannot be read as a roster; the message says why, in Chinese and English."""


@dataclass(frozen=True)
class Layout:
    """Where each field is in a row, and the columns that were not understood."""
    header_row: int
    columns: dict[str, int]
    ignored: tuple[str, ...]


def _layout(header: list, row_number: int, need_estate: bool) -> Layout:
    columns: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        label = cell_text(name)
        field = _FIELD_OF.get(alias_key(label))
        if field is None:
            if label:
                ignored.append(label)
            continue
        if field in columns:
            raise RosterFileError(f"第{row_number}行表头：“{label}”与另一列同为{HEADERS[field][0]} "
                                  f"(duplicate column for {field})")
        columns[field] = index
    required = ["building"] + (["estate"] if need_estate else [])
    missing = [HEADERS[f][0] for f in required if f not in columns]
    if missing:
        raise RosterFileError(f"表头缺少列：{'、'.join(missing)} (missing column: "
                              f"{', '.join(f for f in required if f not in columns)}; header row {row_number})")
    return Layout(row_number, columns, tuple(ignored))


def _encoding(path: Path) -> str:
    """UTF-8 when the start of the file decodes as UTF-8, else GB18030 (Excel on Chinese Windows)."""
    with path.open("rb") as stream:
        start = stream.read(1 << 16)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _csv_rows(path: Path) -> Iterator[list]:
    with path.open(encoding=_encoding(path), newline="") as stream:
        sample = stream.read(4096)
        stream.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        try:
            yield from csv.reader(stream, delimiter=delimiter)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise RosterFileError(f"文件内容无法读取 (unreadable CSV: {exc})") from None


def _xlsx_rows(path: Path) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise RosterFileError(f"无法读取Excel文件 (cannot read the XLSX file: {exc.__class__.__name__})") from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read_rows(path: str | Path, need_estate: bool = True) -> tuple[Layout, Iterator[tuple[int, dict]]]:
    """The file's layout and an iterator of (row number, {field: text}) for every non-empty row."""
    path = Path(path)
    if not path.is_file():
        raise RosterFileError(f"找不到文件 {path} (no such file)")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise RosterFileError(f"只支持CSV和XLSX文件 (expected .csv or .xlsx, got {suffix or 'no extension'})")
    rows = enumerate(_xlsx_rows(path) if suffix.startswith(".xls") else _csv_rows(path), 1)
    first_error = None
    for number, header in islice(rows, _HEADER_SEARCH):
        if not any(cell_text(cell) for cell in header):
            continue
        try:
            layout = _layout(header, number, need_estate)
        except RosterFileError as exc:  # a title row ("锦绣花园业主花名册") may come before the header
            first_error = first_error or exc
            continue
        return layout, _records(rows, layout)
    raise first_error or RosterFileError("文件是空的 (the file has no header row)")


def _records(rows, layout: Layout) -> Iterator[tuple[int, dict]]:
    columns = list(layout.columns.items())
    for number, row in rows:
        width = len(row)
        values = {field: cell_text(row[index]) if index < width else "" for field, index in columns}
        if any(values.values()):
            yield number, values
