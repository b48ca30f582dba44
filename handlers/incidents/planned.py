"""Planned outages (停水 / 停电 / 电梯维保): a notice for a place and a time. Residents who ask during it
get the notice and no ticket; with 推送 the residents of the place are told in advance, paced."""
from __future__ import annotations

import re
from datetime import timedelta

from storage import incident_queries as iq
from storage.incident_models import ESTATE_WIDE

from .. import jobs, outbox
from ..desk import Work
from . import kinds, wording
from .kinds import scope


def declare(work: Work, args: str, who: str, estate_id: int | None) -> str:
    """/notice 停水 3栋 12-02 09:00 12-02 17:00 管道维修 [推送] for this estate (staff.run settles which)."""
    from .staff import _CLOCK, moment_in, place_in  # the group's ways of writing places and times

    category = next((kinds.category_of(word) for word in args.split() if kinds.category_of(word)), None)
    place = place_in(work, args)
    clocks = list(_CLOCK.finditer(args))
    starts = moment_in(work, clocks[0].group()) if clocks else None
    ends = moment_in(work, clocks[1].group(), after=starts) if len(clocks) > 1 and starts else None
    if category is None or place is None or starts is None or ends is None or ends <= starts:
        return "用法：/notice 停水 3栋 12-02 09:00 12-02 17:00 管道维修 [推送]（结束须晚于开始）"
    reason = _reason(args, clocks)
    day = work.desk.local(work.now).strftime("%Y%m%d")
    notice = iq.insert_incident(work.session, code=iq.next_code(work.session, day), kind="planned", status="open",
                                source="staff", estate_id=estate_id, category=category, place=place,
                                scope=scope(estate_id, category, place), notice=reason or None, starts_at=starts,
                                ends_at=ends, households=0, card_version=0, card_shown_version=-1, created_by=who,
                                opened_at=work.now, updated_at=work.now)
    iq.add_event(work.session, notice, who, "planned", work.now, {"starts_at": starts.isoformat(),
                                                                  "ends_at": ends.isoformat(), "reason": reason})
    pushed = push(work, notice) if "推送" in args else 0
    told = f"，已推送给{pushed}位住户" if pushed else ""
    return f"已发布计划通知 {notice.code}：{wording.planned(work, notice).removeprefix('您好，')}{told}"


def push(work: Work, notice) -> int:
    """Tell the residents of the place now (paced like restore messages); returns how many."""
    residents = iq.residents_of(work.session, None if notice.place == ESTATE_WIDE else notice.place)
    pace = 1 / work.desk.config["INCIDENT_RESTORE_PER_SECOND"]
    text = wording.planned_advance(work, notice)
    for number, resident in enumerate(residents, 1):
        row = outbox.to_resident(work, resident.openid, text, ticket_id=None, actor="system", hold=True)
        row.status = "pending"
        work.later(jobs.DELIVER, row.id, job_id=outbox.job_id(row.id), retries=0,
                   at=work.now + timedelta(seconds=number * pace))
    iq.add_event(work.session, notice, "system", "pushed", work.now, {"residents": len(residents)})
    return len(residents)


def _reason(args: str, clocks) -> str:
    rest = args
    for m in reversed(clocks):
        rest = rest[:m.start()] + " " + rest[m.end():]
    words = [w for w in rest.split() if not kinds.category_of(w) and not re.search(r"栋|号楼|幢|座|小区|推送|^至$|^到$|^-$", w)]
    return " ".join(words)[:100]
