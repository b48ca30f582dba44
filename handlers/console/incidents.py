"""Outages (incidents) as the console shows them: the list, one incident with its households, events
and card; only incidents of the viewer's estates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import estate_queries, incident_figures, incident_queries as iq
from storage.db import session_scope
from storage.incident_models import Incident

from ..desk import Desk
from ..incidents.card import STATUS
from ..incidents.kinds import NAMES, place_name
from ..incidents.reports import minutes
from . import names, periods

STATUSES = {"open": ("open",), "resolved": ("resolved",), "all": ("open", "resolved", "merged", "cancelled")}
SOURCES = {"detected": "住户报修自动识别", "staff": "员工在群内声明", "console": "管理后台声明"}
ACTIONS = {"opened": "创建事件", "joined": "住户并入", "detached": "拆出为单独工单", "merged": "并入其他事件",
           "merged_in": "合并进来", "split": "按楼栋拆分", "acknowledged": "认领负责", "resolved": "标记已恢复",
           "escalated": "通知主管/经理", "phone_task": "转电话通知", "expected_changed": "修改预计恢复时间",
           "planned": "发布计划通知", "pushed": "推送给住户", "followup": "恢复回访（发送、提醒或转电话）",
           "followup_answered": "住户回访评价", "still_broken": "回访仍有问题，已另开工单"}
RESTORE = {None: "未发送", "queued": "排队发送", "sent": "已送达（客服消息）", "template": "已送达（模板消息）",
           "phone": "需电话通知", "failed": "发送失败，需电话通知", "unknown": "无法确认，需电话通知"}
FOLLOWUP = {None: "—", "skipped": "未抽中（不回访）", "ticket": "随工单回访", "due": "待回访", "sent": "已发送回访",
            "reminded": "已再次提醒", "answered": "已评价", "phone": "需电话回访"}
REASONS = {"opened": "事件创建", "unacknowledged": "超时无人认领", "overdue": "超过预计恢复时间", "unhappy": "住户回访不满意"}


@dataclass
class Row:
    """One incident in the list."""
    id: int
    code: str
    status: str
    estate: str
    place: str
    kind: str
    households: int
    opened: str
    expected: str
    duration: str


@dataclass
class Detail:
    """One incident's page."""
    row: Row
    open: bool
    facts: list[tuple[str, str]]
    households: list[dict]
    events: list[dict]
    card: list[tuple[str, str]]


def _when(desk: Desk, moment: datetime | None) -> str:
    return desk.local(moment).strftime("%m-%d %H:%M") if moment else "—"


def duration(incident: Incident, now: datetime) -> str:
    """1小时05分 (so far, when still open)."""
    total = minutes(incident, now)
    text = f"{total // 60}小时{total % 60:02d}分" if total >= 60 else f"{total}分钟"
    return text if incident.resolved_at else f"{text}（进行中）"


def row(desk: Desk, incident: Incident, estates: dict[int, str]) -> Row:
    """An incident as a list row."""
    return Row(incident.id, incident.code, STATUS.get(incident.status, incident.status),
               estates.get(incident.estate_id, "—"), place_name(incident.place),
               NAMES.get(incident.category, incident.category), incident.households, _when(desk, incident.opened_at),
               _when(desk, incident.expected_at), duration(incident, desk.now()))


def _estates(session) -> dict[int, str]:
    return {estate.id: estate.name for estate in estate_queries.estates(session)}


def visible(viewer, incident: Incident | None) -> bool:
    """Whether the incident exists and is within the viewer's estates."""
    return incident is not None and (viewer.estate_ids is None or incident.estate_id in viewer.estate_ids)


@dataclass(frozen=True)
class Within:
    """What the list is narrowed to besides the state (a report's figure links here): one estate ("-" for
    none), and outages opened in a period."""
    estate: str | None = None
    period: periods.Period | None = None

    def args(self) -> dict[str, str]:
        """These as the list's parameters."""
        return {**({"estate": self.estate} if self.estate else {}), **(self.period.args() if self.period else {})}


def within(desk: Desk, args) -> Within:
    """The list's estate and period parameters; one that cannot be read is left out."""
    estate = args.get("estate")
    estate = estate if estate and (estate == "-" or estate.isdigit() and len(estate) < 10) else None
    try:
        period = periods.parse(desk, args.get("from"), args.get("to")) if args.get("from") or args.get("to") \
            else None
    except periods.PeriodError:
        period = None
    return Within(estate, period)


def listing(desk: Desk, viewer, status: str, where: Within = Within()) -> list[Row]:
    """Outages of one state (open, resolved, all) in the viewer's estates, newest first."""
    start, end = periods.bounds(desk, where.period.first, where.period.last) if where.period else (None, None)
    estate_id = None if where.estate in (None, "-") else int(where.estate)
    with session_scope(desk.sessions) as session:
        estates = _estates(session)
        found = incident_figures.listed(session, viewer.estate_ids, STATUSES.get(status, STATUSES["open"]),
                                        estate_id, start, end, no_estate=where.estate == "-")
        return [row(desk, incident, estates) for incident in found]


def open_count(desk: Desk, viewer) -> int:
    """Open outages in the viewer's estates (the overview's figure)."""
    with session_scope(desk.sessions) as session:
        return iq.count_open_outages(session, viewer.estate_ids)


def estate_name(desk: Desk, viewer, estate: str | None) -> str | None:
    """The name of the estate a list is narrowed to (未分小区 for "-"); an estate outside the viewer's is not
    named (its list is empty for them anyway)."""
    if estate is None:
        return None
    if estate == "-":
        return "未分小区"
    if viewer.estate_ids is not None and int(estate) not in viewer.estate_ids:
        return "未知小区"
    with session_scope(desk.sessions) as session:
        return _estates(session).get(int(estate), "未知小区")


def estate_choices(desk: Desk, viewer) -> list[tuple[int, str]]:
    """(id, name) of the estates the viewer may declare an incident in."""
    with session_scope(desk.sessions) as session:
        return [(e.id, e.name) for e in estate_queries.estates(session)
                if viewer.estate_ids is None or e.id in viewer.estate_ids]


def detail(desk: Desk, viewer, incident_id: int) -> Detail | None:
    """The incident's page, or None when it does not exist or is outside the viewer's estates."""
    with session_scope(desk.sessions) as session:
        incident = iq.incident(session, incident_id)
        if not visible(viewer, incident) or incident.kind != "outage":
            return None
        reports = iq.attached(session, incident.id)
        codes = iq.ticket_codes(session, [r.ticket_id for r in reports if r.ticket_id])
        households = [{"address": names.address(r.building, r.unit, r.room), "reported": _when(desk, r.reported_at),
                       "ticket": codes.get(r.ticket_id), "ticket_id": r.ticket_id,
                       "restore": RESTORE.get(r.restore_status, r.restore_status),
                       "followup": FOLLOWUP.get(r.followup_status, r.followup_status)
                       + (f"（{r.rating}分）" if r.rating is not None else "")} for r in reports]
        return Detail(row(desk, incident, _estates(session)), incident.status == "open", _facts(desk, incident),
                      households, [_event(desk, e) for e in iq.events(session, incident.id)], _card(desk, incident))


def _facts(desk: Desk, incident: Incident) -> list[tuple[str, str]]:
    merged = f"并入事件 #{incident.merged_into_id}" if incident.merged_into_id else None
    return [("来源", SOURCES.get(incident.source, incident.source)), ("创建人", names.actor(incident.created_by)),
            ("负责人", names.actor(incident.acknowledged_by) if incident.acknowledged_by else "待认领"),
            ("恢复时间", _when(desk, incident.resolved_at)), ("给住户的说明", incident.notice or "（默认说明）"),
            *([("合并", merged)] if merged else [])]


def _event(desk: Desk, event) -> dict:
    detail = event.detail or {}
    notes = []
    if event.action == "escalated":
        notes.append(REASONS.get(detail.get("reason"), detail.get("reason", "")))
    if detail.get("expected_at"):
        notes.append(f"预计恢复：{detail['expected_at']}")
    if "households" in detail:
        notes.append(f"{detail['households']}户")
    if detail.get("ticket"):
        notes.append(f"工单 {detail['ticket']}")
    return {"when": _when(desk, event.at), "who": names.actor(event.actor),
            "what": ACTIONS.get(event.action, event.action), "notes": [n for n in notes if n]}


def _card(desk: Desk, incident: Incident) -> list[tuple[str, str]]:
    if incident.card_message_id is None:
        state = "等待发送" if incident.card_row_id else "尚未发出"
    elif incident.card_shown_version >= incident.card_version:
        state = "已是最新"
    else:
        state = "等待更新（群内卡片每隔一段时间更新一次）"
    return [("卡片状态", state), ("所在群", str(incident.staff_chat_id or "—")),
            ("最近更新", _when(desk, incident.card_sent_at)),
            ("版本", f"{max(incident.card_shown_version, 0)} / {incident.card_version}")]
