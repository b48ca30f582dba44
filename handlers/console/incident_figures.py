"""Outages on the report page, apart from tickets (issue 16 item 7): per estate in the viewer's scope, the
incidents opened in the period, the households they affected, how long they lasted, what became of the
restore messages and of the households' 回访. One outage of 300 households is one line here, not 300
failures of the desk in the ticket figures."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from storage import estate_queries, incident_figures as figures_sql

from ..incidents.card import STATUS
from ..incidents.kinds import NAMES, place_name
from ..incidents.reports import minutes
from ..tickets.followup import SATISFIED_AT
from . import periods
from .charts import Chart, Series, percent

NO_ESTATE = "未分小区"
SENT, FAILED, PHONED = ("sent", "template"), ("failed", "unknown"), ("phone",)
DETAIL_HEADER = ["事件号", "小区", "地点", "类别", "状态", "影响户数", "开始时间", "恢复时间", "停电停水时长（分钟）",
                 "恢复通知已送达", "恢复通知发送失败", "恢复通知转电话", "回访已评价", "回访满意"]


@dataclass
class Tally:
    """The figures of one incident, or summed over an estate's incidents."""
    incidents: int = 0
    households: int = 0
    durations: list[int] = field(default_factory=list)   # minutes of the resolved ones
    restore: Counter = field(default_factory=Counter)     # sent | failed | phone -> households
    answered: int = 0
    satisfied: int = 0

    def add(self, other: "Tally") -> None:
        self.incidents += other.incidents
        self.households += other.households
        self.durations += other.durations
        self.restore.update(other.restore)
        self.answered += other.answered
        self.satisfied += other.satisfied


def _restore_bucket(status: str | None) -> str | None:
    for bucket, statuses in (("sent", SENT), ("failed", FAILED), ("phone", PHONED)):
        if status in statuses:
            return bucket
    return None


def _tallies(session, incidents, now) -> dict[int, Tally]:
    """Incident id -> its figures."""
    tallies = {i.id: Tally(1, i.households, [minutes(i, now)] if i.resolved_at else []) for i in incidents}
    for incident_id, restore, followup, rating, count in figures_sql.household_states(session, list(tallies)):
        tally = tallies[incident_id]
        bucket = _restore_bucket(restore)
        if bucket:
            tally.restore[bucket] += count
        if followup == "answered" and rating is not None:
            tally.answered += count
            tally.satisfied += count if rating >= SATISFIED_AT else 0
    return tallies


def _found(ctx):
    start, end = periods.bounds(ctx.desk, ctx.period.first, ctx.period.last)
    incidents = figures_sql.opened_between(ctx.session, start, end, ctx.viewer.estate_ids)
    names = {e.id: e.name for e in estate_queries.estates(ctx.session)}
    return incidents, names, _tallies(ctx.session, incidents, ctx.desk.now())


def _per_estate(incidents, tallies) -> dict[int | None, Tally]:
    estates: dict[int | None, Tally] = {}
    for incident in incidents:
        estates.setdefault(incident.estate_id, Tally()).add(tallies[incident.id])
    return estates


def _detail_line(desk, incident, estate: str, tally: Tally) -> list:
    local = lambda moment: desk.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""  # noqa: E731
    return [incident.code, estate, place_name(incident.place), NAMES.get(incident.category, incident.category),
            STATUS.get(incident.status, incident.status), tally.households, local(incident.opened_at),
            local(incident.resolved_at), tally.durations[0] if tally.durations else "", tally.restore["sent"],
            tally.restore["failed"], tally.restore["phone"], tally.answered, tally.satisfied]


def chart(ctx) -> Chart:
    """停电停水等事件（按小区）: incidents, households, outage minutes (total and median of the resolved
    ones), restore messages delivered / failed / handed to the phone, 回访 answered and satisfaction.
    Each estate's counts link to its outages on /incidents over the same period."""
    incidents, names, tallies = _found(ctx)
    per_estate = _per_estate(incidents, tallies)
    keys = sorted(per_estate, key=lambda k: (-per_estate[k].households, names.get(k, NO_ESTATE)))
    rows = [per_estate[k] for k in keys]
    links = [{"status": "all", "estate": str(k) if k is not None else "-"} for k in keys]
    count = lambda name, values, unit="件": Series(name, values, links, unit, summed=True)  # noqa: E731
    return Chart(
        "incidents", "停电停水等事件（按小区）", [names.get(k, NO_ESTATE) for k in keys],
        [count("事件数", [t.incidents for t in rows]), count("影响户数", [t.households for t in rows], "户"),
         Series("停电停水时长合计", [sum(t.durations) for t in rows], unit="分钟", summed=True, shown=False),
         Series("时长中位数", [median(t.durations) if t.durations else None for t in rows], unit="分钟", shown=False),
         Series("恢复通知已送达", [t.restore["sent"] for t in rows], unit="户", summed=True),
         Series("恢复通知发送失败", [t.restore["failed"] for t in rows], unit="户", summed=True),
         Series("恢复通知转电话", [t.restore["phone"] for t in rows], unit="户", summed=True),
         Series("回访已评价", [t.answered for t in rows], unit="户", summed=True),
         Series("回访满意率", [percent(t.satisfied, t.answered) for t in rows], unit="%")],
        label_name="小区", list_page="console.incident_list",
        note="按事件开始时间统计，与工单分开计算：一次停电停水无论多少户来报，只算一个事件。时长只计已恢复的事件；"
             "发送失败的住户已提醒员工电话告知。",
        detail_title="事件明细",
        detail_lines=(DETAIL_HEADER, [_detail_line(ctx.desk, i, names.get(i.estate_id, NO_ESTATE), tallies[i.id])
                                      for i in incidents]))
