"""回访 after an outage: one survey per household, never more, as the estate's settings say.

When its restore message is written, each household's 回访 is decided once and stored on its report:
`incident_followup_sample` (0 none … 1 all) picks which households are asked, the same ones however
often the restore job runs; `followup_policy` never asks nobody. A household whose report became a
ticket is asked through that ticket's own survey (tickets/followup.py); one that joined without a
ticket gets the incident's survey FOLLOWUP_DELAY_MINUTES after the restore; unanswered, one reminder
FOLLOWUP_REMINDER_MINUTES after it, then a phone task for the incident's group FOLLOWUP_PHONE_MINUTES
after it. An answer "still no water" opens a repair ticket for that household; an unhappy one is
shown to the incident's group.
"""
from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from storage import incident_queries as iq
from storage import queries
from storage.incident_models import Incident, IncidentReport
from storage.models import OutboxMessage

from .. import jobs, outbox
from ..desk import Desk, Turn, Work
from ..tickets.cards import masked_words
from ..tickets.followup import SATISFIED_AT, understand
from . import alerts, card, wording
from .incidents import ATTACHED

STATE = "incident_followup"   # the resident's conversation while the survey is open
BATCH = 200


def sample(work: Work, incident: Incident) -> set[int]:
    """The ids of the reports to survey: a fixed share of the incident's households, picked by a hash
    of the incident and the report (the same ones on every run; not only the first to write)."""
    fraction = float(work.desk.estate_settings(incident.estate_id)["incident_followup_sample"])
    ids = [report.id for report in iq.attached(work.session, incident.id)]
    ranked = sorted(ids, key=lambda rid: hashlib.sha256(f"{incident.id}:{rid}".encode()).digest())
    return set(ranked[:math.ceil(len(ids) * fraction - 1e-9)])


def decide(work: Work, incident: Incident, report: IncidentReport, chosen: bool) -> None:
    """Decide the household's 回访 once (before an attached ticket is closed and plans its own)."""
    if report.followup_status is not None:
        return
    settings = work.desk.estate_settings(incident.estate_id)
    wanted = chosen and settings["followup_policy"] != "never"
    ticket = queries.ticket(work.session, report.ticket_id) if report.ticket_id else None
    if ticket is not None:
        report.followup_status = "ticket" if wanted else "skipped"
        if not wanted and ticket.status == ATTACHED and ticket.followup_status is None:
            ticket.followup_status = "not_sampled"   # its ticket's survey is not planned either
        return
    if not wanted:
        report.followup_status = "skipped"
        return
    report.followup_status = "due"
    report.followup_at = work.now + timedelta(minutes=settings["followup_delay_minutes"])


def schedule(work: Work, incident: Incident) -> None:
    """Wake the survey job when the first waiting household is due."""
    at = iq.next_followup(work.session, incident.id)
    if at is not None:
        # A time already past stays past (the scheduler's next tick runs it), so a worker's start-up
        # recovery does not push a due job one second later every time it runs. The id names the time:
        # the job schedules its own next run (reminders), and rq expires a finished job's id with it.
        job_id = f"incident-{incident.id}-followup-{at:%Y%m%d%H%M%S}"
        work.later(jobs.INCIDENT_FOLLOWUP, incident.id, job_id=job_id, retries=3, at=at)


def text(incident: Incident) -> str:
    """The survey a household that joined without a ticket is asked."""
    return (f"您好，{wording.what(incident)}已经恢复。请问您家现在一切正常吗？请对我们这次的处理打个分："
            "5 非常满意，4 满意，3 基本满意，2 不满意，1 很不满意，也可以直接回复“满意”或“还是没水”等情况。谢谢您的支持！")


@jobs.job(jobs.INCIDENT_FOLLOWUP)
def send(desk: Desk, incident_id: int) -> str:
    """The 回访 steps that are due (the rq job): the survey, one reminder, then a phone task; each at most once."""
    sent = 0
    while True:
        with desk.work() as work:
            incident = iq.incident(work.session, incident_id)
            if incident is None:
                return "no incident"
            due = iq.followups_due(work.session, incident_id, work.now, BATCH)
            pace = 1 / desk.config["INCIDENT_RESTORE_PER_SECOND"]
            steps = {"due": 0, "sent": 0, "reminded": 0}
            for report, resident in due:
                steps[report.followup_status] += 1
                _step(work, incident, report, resident, at=work.now + timedelta(seconds=(sent + 1) * pace))
                sent += 1
            if due:
                iq.add_event(work.session, incident, "system", "followup", work.now,
                             {"households": steps["due"], "reminded": steps["sent"], "phoned": steps["reminded"]})
            if len(due) < BATCH:
                schedule(work, incident)   # steps due later (a batch written after this one, reminders)
                return f"{sent} follow-up steps"


def _step(work: Work, incident: Incident, report: IncidentReport, resident, at) -> None:
    """The household's next 回访 step; the status moves first, so no step is taken twice."""
    status = report.followup_status
    if status == "reminded":
        _phone(work, incident, report, "未回复回访")
        return
    if not resident.active:
        _phone(work, incident, report, "已取消关注公众号")
        return
    reminder = status == "sent"
    # followup_at becomes the next step's time: the reminder after the survey, the phone task after both
    sent_at = report.followup_at - work.desk.minutes("FOLLOWUP_REMINDER_MINUTES") if reminder else work.now
    report.followup_status = "reminded" if reminder else "sent"
    after = "FOLLOWUP_PHONE_MINUTES" if reminder else "FOLLOWUP_REMINDER_MINUTES"
    report.followup_at = sent_at + work.desk.minutes(after)
    row = outbox.to_resident(work, resident.openid, ("您好，打扰了。" if reminder else "") + text(incident),
                             ticket_id=None, actor="system", purpose="survey", hold=True)
    row.payload = {**row.payload, "incident": incident.id, "incident_followup": report.id}
    row.status = "pending"
    work.later(jobs.DELIVER, row.id, job_id=outbox.job_id(row.id), retries=0, at=at)
    open_dialogue = queries.conversation(work.session, resident.id, work.now)
    if open_dialogue is None or open_dialogue.state == STATE:   # never interrupt another dialogue
        queries.save_conversation(work.session, resident.id, STATE, {"report_id": report.id},
                                  sent_at + work.desk.minutes("FOLLOWUP_PHONE_MINUTES"))


def settled(work: Work, row: OutboxMessage) -> None:
    """A survey WeChat cannot deliver (48-hour window closed, no template): the group phones instead."""
    found = iq.report(work.session, row.payload["incident_followup"])
    incident = iq.incident(work.session, found.incident_id) if found and found.incident_id else None
    if incident is not None and found.followup_status in ("sent", "reminded"):
        _phone(work, incident, found, "超过48小时未在公众号留言，微信无法送达")


def _phone(work: Work, incident: Incident, report: IncidentReport, why: str) -> None:
    report.followup_status, report.followup_at = "phone", None
    iq.add_event(work.session, incident, "system", "phone_task", work.now, {"report": report.id, "followup": True})
    chat = card.staff_chat(work.desk.config, incident)
    if chat:
        place = f"{report.building or ''}栋{report.unit or ''}{'单元' if report.unit else ''}{report.room or ''}"
        outbox.to_staff(work, chat, f"📞 事件 {incident.code} 恢复后回访：住户（{place}）{why}，请电话回访。")


def answered(turn: Turn, slots: dict, words: str) -> str | None:
    """The household's answer while its survey is open; None when the message is not one."""
    answer = understand(words)
    if answer is None:
        return None
    queries.clear_conversation(turn.session, turn.resident.id)
    report = iq.report(turn.session, slots.get("report_id"), lock=True)
    incident = iq.incident(turn.session, report.incident_id) if report and report.incident_id else None
    if incident is None or report.followup_status not in ("sent", "reminded", "phone"):
        return "谢谢您的反馈！请问还有其他需要帮助的吗？"
    report.rating, report.feedback, report.followup_status = answer.rating, words[:2000], "answered"
    iq.add_event(turn.session, incident, turn.actor, "followup_answered", turn.now,
                 {"report": report.id, "rating": answer.rating, "fixed": answer.fixed})
    if answer.fixed is False:
        alerts.unhappy(turn, incident, "回访说仍有问题（已为其登记报修）")
        return _still_broken(turn, incident, report, words)
    if answer.rating < SATISFIED_AT:
        alerts.unhappy(turn, incident, f"回访不满意（{answer.rating}分）")
        chat = card.staff_chat(turn.desk.config, incident)
        if chat:
            outbox.to_staff(turn, chat, f"🔁 事件 {incident.code} 恢复后回访：住户不满意（{answer.rating}分）。"
                                        f"\n住户说：{masked_words(words)[:200]}")
        return "非常抱歉这次给您带来不便！您的意见已转给负责的同事，我们会认真改进。"
    return "感谢您的评价和支持！如果之后还有问题，随时给我们留言。"


def _still_broken(turn: Turn, incident: Incident, report: IncidentReport, words: str) -> str:
    """Still broken at this household after the restore: a repair ticket of its own."""
    from ..tickets.tickets import Draft, open_ticket  # the one way a ticket is opened

    draft = Draft(kind="repair", description=words, words=[words], estate_id=incident.estate_id,
                  building=report.building, unit=report.unit, room=report.room, phone=turn.resident.phone)
    ticket = open_ticket(turn, draft)
    queries.add_event(turn.session, ticket, "system", "incident_followup", turn.now, {"incident": incident.code})
    iq.add_event(turn.session, incident, "system", "still_broken", turn.now, {"report": report.id, "ticket": ticket.code})
    return (f"非常抱歉，给您添麻烦了！{wording.what(incident)}虽已恢复，您家仍有问题，我们已为您登记报修（{ticket.code}），"
            f"会在{turn.local_text(ticket.due_at)}前安排师傅处理。")
