"""Staff and incidents: the card's buttons and the commands of the group.

/incident 停电 3栋 预计18:00恢复   declare an outage (the place: 3栋, or 全小区; the estate: named, or the group's)
/incidents                        the open incidents and notices
/resolve_incident SG-…            the outage is over: every household is told once
/detach BX-… | /detach SG-… 3栋1201   a wrongly attached report becomes its own ticket again
/merge SG-a SG-b                  SG-a joins SG-b;  /split SG-… 5栋: that building's households get their own
/notice 停水 3栋 12-02 09:00 12-02 17:00 管道维修 [推送]   a planned outage (answered, no tickets; 推送: tell residents now)
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from storage import incident_queries as iq
from storage import queries
from storage.incident_models import ESTATE_WIDE, Incident
from storage.models import Staff

from .. import outbox
from ..desk import Work
from ..messages import StaffAction
from ..notices import INCIDENT_ACK
from ..staff.access import actor
from . import incidents, kinds, planned, restore, where, wording

COMMANDS = ("incident", "incidents", "resolve_incident", "detach", "merge", "split", "notice")
HELP = ("事件：/incident 停电 3栋 预计18:00恢复 · /incidents · /resolve_incident 事件号 · /detach 工单号 · "
        "/merge 事件号 并入事件号 · /split 事件号 5栋 · /notice 停水 3栋 12-02 09:00 12-02 17:00 原因 [推送]")
_PLACE = re.compile(r"全小区|整个小区|([0-9A-Za-z]{1,4})\s*(?:栋|号楼|幢|座)")
_CLOCK = re.compile(r"(?:(\d{1,2})[-/月](\d{1,2})日?\s*)?(\d{1,2})[:：点](\d{2})?")
_CODE = re.compile(r"SG-\d{8}-\d{4}", re.I)


def press(work: Work, action: StaffAction, member: Staff) -> None:
    """我来处理 / 已恢复 on an incident card (the data names the incident; the rest comes from the database)."""
    incident = iq.incident(work.session, action.button.target, lock=True)
    if incident is None or incident.status != "open":
        outbox.answer(work, action, "该事件已处理完毕。")
        return
    if action.button.action == INCIDENT_ACK:
        done = incidents.acknowledge(work, incident, actor(member))
        outbox.answer(work, action, "已由您负责该事件。" if done else "该事件已有同事负责。", alert=not done)
        return
    restore.resolve(work, incident, actor(member))
    outbox.answer(work, action, f"已标记恢复，系统将通知{iq.count_households(work.session, incident.id)}户住户。")


def run(work: Work, action: StaffAction, member: Staff) -> str:
    """The answer to an incident command."""
    args, who = action.args.strip(), actor(member)
    if action.command in ("incident", "notice"):   # these create one: the estate must be clear
        estate_id, question = where.command_estate(work, action.chat_id, member, args)
        return question or (_declare if action.command == "incident" else planned.declare)(work, args, who, estate_id)
    handler = {"incidents": _listing, "resolve_incident": _resolve, "detach": _detach,
               "merge": _merge, "split": _split}[action.command]
    return handler(work, args, who)


def _declare(work: Work, args: str, who: str, estate_id: int | None) -> str:
    category = next((kinds.category_of(word) for word in args.split() if kinds.category_of(word)), None)
    place = place_in(work, args)
    if category is None or place is None:
        return "用法：/incident 停电 3栋 预计18:00恢复（地点可写“全小区”）"
    expected = moment_in(work, args.split("预计", 1)[1]) if "预计" in args else None
    incident, new = incidents.open_incident(work, estate_id=estate_id, category=category, place=place, source="staff",
                                            actor=who, expected_at=expected)
    if not new and expected:
        incident.expected_at = expected
        incidents.card.refresh(work, incident)
    incidents.acknowledge(work, incident, who)
    return f"{'已创建' if new else '已有同一事件'} {incident.code}：{wording.what(incident)}。住户来报会直接收到通知并计入影响户数。"


def _listing(work: Work, args: str, who: str) -> str:
    found = iq.incidents(work.session, ("open",), limit=30)
    if not found:
        return "目前没有进行中的事件或计划通知。"
    lines = [f"{'📅' if i.kind == 'planned' else '🚨'} {i.code} {wording.what(i)} {i.households}户" for i in found]
    return "进行中的事件：\n" + "\n".join(lines)


def _resolve(work: Work, args: str, who: str) -> str:
    incident = _incident(work, args)
    if incident is None:
        return "用法：/resolve_incident 事件号"
    if not restore.resolve(work, incident, who):
        return f"{incident.code} 已不在处理中。"
    return f"{incident.code} 已标记恢复，将通知{iq.count_households(work.session, incident.id)}户住户。"


def _detach(work: Work, args: str, who: str) -> str:
    report = None
    code = args.split()[0].upper() if args.split() else ""
    ticket = queries.ticket_by_code(work.session, code) if code.startswith(("BX", "TS", "ZX")) else None
    if ticket is not None:
        report = iq.report_by_ticket(work.session, ticket.id)
    elif (incident := _incident(work, args)) is not None:
        room = re.search(r"(\d{3,4})(?!\d)", args.replace(incident.code, ""))
        report = next((r for r in iq.attached(work.session, incident.id) if room and r.room == room.group(1)), None)
    if report is None or report.incident_id is None:
        return "用法：/detach 工单号，或 /detach 事件号 房号（该报修需已并入事件）"
    ticket = incidents.detach(work, report, who)
    return f"已拆出为单独工单 {ticket.code}，时限从住户反映时起算。"


def _merge(work: Work, args: str, who: str) -> str:
    codes = [c.upper() for c in _CODE.findall(args)]
    pair = [iq.incident_by_code(work.session, c) for c in codes[:2]]
    if len(pair) < 2 or None in pair or pair[0].id == pair[1].id or any(i.status != "open" for i in pair):
        return "用法：/merge 事件号 并入的事件号（两个都需在处理中）"
    moved = incidents.merge(work, pair[0], pair[1], who)
    return f"{pair[0].code} 已并入 {pair[1].code}，转入{moved}户。"


def _split(work: Work, args: str, who: str) -> str:
    incident, place = _incident(work, args), place_in(work, args)
    if incident is None or incident.status != "open" or place in (None, ESTATE_WIDE) or place == incident.place:
        return "用法：/split 事件号 5栋（把该楼的住户拆成单独事件）"
    target, moved = incidents.split(work, incident, place, who)
    return f"已拆出 {target.code}：{wording.what(target)}，转入{moved}户。"


def _incident(work: Work, args: str) -> Incident | None:
    found = _CODE.search(args)
    return iq.incident_by_code(work.session, found.group().upper()) if found else None


def place_in(work: Work, text: str) -> str | None:
    """3栋 -> "3", 全小区 -> ESTATE_WIDE, else None."""
    found = _PLACE.search(text)
    if found is None:
        return None
    return ESTATE_WIDE if found.group(1) is None else found.group(1).upper()


def moment_in(work: Work, text: str, after: datetime | None = None) -> datetime | None:
    """The first 18:00 / 12-02 09:00 in the text, as naive UTC (a time of day already past means tomorrow)."""
    found = _CLOCK.search(text)
    if found is None:
        return None
    month, day, hour, minute = found.groups()
    local = work.desk.local(after or work.now)
    try:
        moment = local.replace(hour=int(hour), minute=int(minute or 0), second=0, microsecond=0)
        if month:
            moment = moment.replace(month=int(month), day=int(day))
    except ValueError:
        return None
    if not month and moment < local:
        moment += timedelta(days=1)
    return work.desk.to_utc(moment)
