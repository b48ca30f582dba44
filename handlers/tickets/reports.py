"""Figures for managers (seed 001: 每周汇总, 每月统计; seed 003: 满意率85%以上).

Over a period of local dates: tickets by kind, callback coverage (回访率), satisfaction rate,
deadline compliance per kind and per member of staff, open backlog, and etiquette violations.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from storage import queries

from ..desk import Desk

SATISFIED_AT = 3


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def period_bounds(desk: Desk, first: date, last: date) -> tuple[datetime, datetime]:
    """Naive-UTC start and end of local days first..last inclusive."""
    return (desk.to_utc(datetime.combine(first, time.min)),
            desk.to_utc(datetime.combine(last + timedelta(days=1), time.min)))


def summary(desk: Desk, session: Session, first: date, last: date,
            estate_ids: frozenset[int] | None = None) -> dict:
    """The managers' figures for local dates first..last, of some estates (None: the whole company)."""
    start, end = period_bounds(desk, first, last)
    created = queries.created_between(session, start, end, estate_ids)
    finished = queries.finished_between(session, start, end, estate_ids)
    followed = [t for t in finished if t.followup_status in ("answered", "phone") or t.rating is not None]
    rated = [t for t in finished if t.rating is not None]
    names = queries.staff_names(session)
    per_kind, per_staff = defaultdict(Counter), defaultdict(Counter)
    for ticket in created:
        per_kind[ticket.kind]["tickets"] += 1
        per_kind[ticket.kind]["breached"] += ticket.breached
        if ticket.assignee_id:
            per_staff[names.get(ticket.assignee_id, str(ticket.assignee_id))]["tickets"] += 1
            per_staff[names.get(ticket.assignee_id, str(ticket.assignee_id))]["breached"] += ticket.breached
    breaches = queries.breach_details(session, start, end, estate_ids)
    violations = Counter(names.get(staff_id, "?")
                         for staff_id in queries.violators_between(session, start, end, estate_ids))
    backlog = Counter(queries.open_kinds(session, estate_ids))
    return {
        "from": first.isoformat(), "to": last.isoformat(),
        "estates": None if estate_ids is None else sorted(estate_ids),
        "tickets": {kind: counts["tickets"] for kind, counts in per_kind.items()},
        "callback_coverage": _ratio(len(followed), len(finished)), "finished": len(finished),
        "followed_up": len(followed),
        "satisfaction_rate": _ratio(sum(t.rating >= SATISFIED_AT for t in rated), len(rated)), "rated": len(rated),
        "satisfaction_target": 0.85,
        "deadline_compliance": {kind: _ratio(c["tickets"] - c["breached"], c["tickets"]) for kind, c in per_kind.items()},
        "deadline_compliance_by_staff": {name: {"tickets": c["tickets"],
                                                "compliance": _ratio(c["tickets"] - c["breached"], c["tickets"])}
                                         for name, c in sorted(per_staff.items())},
        "breaches": dict(Counter((d or {}).get("step", "?") for d in breaches)),
        "open_backlog": dict(backlog),
        "etiquette_violations": dict(violations),
    }


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def digest_text(figures: dict) -> str:
    """The daily digest as managers read it."""
    kinds = {"repair": "报修", "complaint": "投诉", "inquiry": "咨询"}
    made = "，".join(f"{kinds.get(k, k)}{n}件" for k, n in sorted(figures["tickets"].items())) or "无"
    breaches = "，".join(f"{k}{n}次" for k, n in figures["breaches"].items()) or "无"
    backlog = "，".join(f"{kinds.get(k, k)}{n}件" for k, n in figures["open_backlog"].items()) or "无"
    violations = "，".join(f"{k}{n}次" for k, n in figures["etiquette_violations"].items()) or "无"
    satisfaction = _percent(figures["satisfaction_rate"])
    mark = "" if figures["satisfaction_rate"] is None or figures["satisfaction_rate"] >= 0.85 else "（低于85%目标）"
    scope = f"{figures['estate_name']} " if figures.get("estate_name") else ""
    return (f"📊 {scope}物业服务日报（{figures['from']}）\n新增工单：{made}\n超时：{breaches}\n未完成：{backlog}\n"
            f"回访率：{_percent(figures['callback_coverage'])}（{figures['followed_up']}/{figures['finished']}）\n"
            f"满意率：{satisfaction}{mark}（{figures['rated']}条评价）\n服务禁用语拦截：{violations}")
