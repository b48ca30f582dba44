"""The ticket list's filters: read from the page's parameters, checked, turned into a query.

Every figure of the console links to the list with these parameters, so the names here are the
console's vocabulary: status, kind, category, building, unit, staff, urgent, breached, escalated,
overdue, sla (a deadline bucket), metric (a report's count), campaign (campaign ids, or - for none:
the tickets raised in them), from, to, q (a code or a phone's last four digits), page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from storage.console_metrics import OPEN_STATUSES
from storage.console_models import METRICS
from storage.console_tickets import NONE, TicketQuery

from ..desk import Desk
from . import overview, periods
from .viewer import Viewer

STATUSES = ("new", "accepted", "on_site", "done", "closed", "reopened", "cancelled")
KINDS = ("repair", "complaint", "inquiry")
FLAGS = ("urgent", "breached", "escalated", "overdue")
KEYS = ("status", "kind", "category", "building", "unit", "room", "staff", *FLAGS, "sla", "metric", "campaign",
        "from", "to", "q")
_CODE = re.compile(r"^[A-Z]{2}-\d{8}-\d{3,6}$")
_IDS = re.compile(r"^\d{1,9}(,\d{1,9}){0,199}$")


@dataclass
class TicketFilter:
    """The checked filters (values as given, for the form and for links) and the problems found."""
    values: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    period: periods.Period | None = None

    def query(self, desk: Desk, viewer: Viewer, session) -> TicketQuery:
        """The storage query of these filters, within the viewer's estates."""
        v, now = self.values, desk.now()
        start, end = periods.bounds(desk, self.period.first, self.period.last) if self.period else (None, None)
        q = v.get("q", "")
        return TicketQuery(
            estate_ids=viewer.estate_ids, statuses=_statuses(v.get("status", "")), kind=v.get("kind"),
            category=v.get("category"), building=v.get("building"), unit=v.get("unit"), room=v.get("room"),
            staff_id=_staff(v),
            urgent=_flag(v, "urgent"), breached=_flag(v, "breached"), escalated=_flag(v, "escalated"),
            overdue_at=now if v.get("overdue") == "1" else None, metric=v.get("metric"),
            created_from=start, created_to=end, code=q if _CODE.match(q) else None,
            phone_tail=q if q.isdigit() else None,
            ids=overview.bucket_ids(session, viewer, now, v["sla"]) if v.get("sla") else None,
            campaign_ids=_campaigns(v.get("campaign")))


def _statuses(raw: str) -> tuple[str, ...]:
    if raw == "open":
        return OPEN_STATUSES
    return tuple(s for s in raw.split(",") if s)


def _staff(values: dict) -> int | str | None:
    raw = values.get("staff")
    return None if raw is None else (NONE if raw == NONE else int(raw))


def _campaigns(raw: str | None) -> tuple[int, ...] | None:
    if raw is None:
        return None
    return () if raw == NONE else tuple(int(i) for i in raw.split(","))


def _flag(values: dict, name: str) -> bool | None:
    raw = values.get(name)
    return None if raw is None else raw == "1"


def _check(name: str, raw: str) -> str | None:
    """The problem with one value, or None."""
    if name == "status" and raw != "open" and not set(raw.split(",")) <= set(STATUSES):
        return f"状态“{raw}”无效。"
    if name == "kind" and raw not in KINDS:
        return "类型只能是报修、投诉或咨询。"
    if name in FLAGS and raw not in ("0", "1"):
        return f"{name} 只能是 1 或 0。"
    if name == "staff" and raw != NONE and not raw.isdigit():
        return "负责人参数无效。"
    if name == "sla" and raw not in overview.BUCKET_IDS:
        return "时限档位无效。"
    if name == "campaign" and raw != NONE and not _IDS.match(raw):
        return "回访活动参数无效。"
    if name == "metric" and raw not in METRICS:
        return "统计项无效。"
    if name in ("building", "unit", "room") and len(raw) > 8 or name == "category" and len(raw) > 24:
        return "楼栋、单元或类别太长。"
    if name == "q" and not (raw.isdigit() and len(raw) == 4 or _CODE.match(raw)):
        return "搜索请输入完整工单号（如 BX-20261122-0001）或电话后四位。"
    return None


def parse(desk: Desk, args: Mapping[str, str]) -> TicketFilter:
    """Read the list's parameters; a bad value is dropped and named in `problems`, never an error."""
    found = TicketFilter()
    for name in KEYS:
        raw = (args.get(name) or "").strip()
        if name == "q":
            raw = raw.upper()
        if not raw or name in ("from", "to"):
            continue
        problem = _check(name, raw)
        if problem:
            found.problems.append(problem)
        else:
            found.values[name] = raw
    if args.get("from") or args.get("to"):
        try:
            found.period = periods.parse(desk, args.get("from"), args.get("to"))
            found.values.update(found.period.args())
        except periods.PeriodError as exc:
            found.problems.append(str(exc))
    return found


def page_number(raw: str | None) -> int:
    """A page number from the parameters (1 when missing or nonsense)."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10**6 else 1
