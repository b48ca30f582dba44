"""A chart as data: labels, series of numbers, and for each number the filters of its tickets.

The page draws it (ECharts) and prints it as a table, and the exports write the same table, so a
chart, its table and its XLSX/CSV always hold the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Series:
    name: str
    values: list
    links: list = field(default_factory=list)   # per value: ticket-list filters, or None
    unit: str = "件"                             # 件 for counts, % for rates, 分 for ratings
    summed: bool | None = None                   # totalled in the exports (default: counts in 件)
    shown: bool = True                           # drawn when the page opens (else in the table, and on a legend tap)

    def link(self, index: int) -> dict | None:
        return self.links[index] if index < len(self.links) else None


@dataclass
class Chart:
    id: str
    title: str
    labels: list[str]
    series: list[Series]
    type: str = "bar"                            # bar | pie | funnel
    label_name: str = "项目"
    note: str = ""
    target: float | None = None                  # a target line (满意率 85%) ...
    target_series: str | None = None             # ... on the rate series of this name
    detail: dict = field(default_factory=dict)   # list filters of the tickets behind it (the period's by default)
    list_page: str = "console.ticket_list"       # the page its numbers link to, with their filters
    period_links: bool = True                    # whether those links carry the report's period
    detail_title: str = "工单明细"                 # the detail sheet of its XLSX export ...
    detail_lines: tuple[list[str], list[list]] | None = None   # ... when not the tickets: (header, rows)

    def header(self) -> list[str]:
        """The table's column names."""
        return [self.label_name] + [f"{s.name}（{s.unit}）" if s.unit != "件" else s.name for s in self.series]

    def rows(self) -> list[list]:
        """The table's rows: label, then one number per series (rates in percent, 1 decimal)."""
        return [[label] + [s.values[i] for s in self.series] for i, label in enumerate(self.labels)]

    def totals(self) -> list:
        """Sums of the count series (rates, ratings and medians are not summed)."""
        return [sum(v or 0 for v in s.values) if (s.unit == "件" if s.summed is None else s.summed) else None
                for s in self.series]

    def as_json(self) -> dict:
        """What the page's script draws."""
        return {"id": self.id, "title": self.title, "type": self.type, "labels": self.labels,
                "target": self.target, "targetSeries": self.target_series,
                "series": [{"name": s.name, "unit": s.unit, "values": s.values, "shown": s.shown} for s in self.series]}


def percent(part: int, whole: int) -> float | None:
    """A rate in percent with one decimal, None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def average(total: int, count: int) -> float | None:
    """An average with two decimals, None without data."""
    return round(total / count, 2) if count else None
