"""Deadlines (SLA timers) and follow-up steps of tickets, kept in the database, woken by rq.

plan() derives the timers a ticket should have from its state (DOMAIN.md limits, all settings):
  accept        urgent 5 min, others 30 min              (new or reopened tickets)
  arrive        urgent 30 min; others 2 h or the agreed time (repairs not yet on site)
  respond       complaints 24 h, unanswered inquiries 4 h (until staff first reply)
  resolve       SLA_RESOLVE_MINUTES                      (until done)
each with a reminder at SLA_REMINDER_FRACTION of the time, plus the follow-up survey steps after
work is done and the second escalation level. Urgent work counts every minute (24小时值班); other
work counts the estate's service time only (handlers/estates/clock.py: its hours, weekdays, public
holidays and 调休 make-up days); every limit is the estate's setting (desk.estate_settings).

The rows are the truth: plan() cancels timers the ticket no longer needs and adds missing ones in
the same transaction as the change; rq jobs (id timer-<id>) are created after commit with
schedule_job(unique=True); a worker starting up re-creates every job Redis lost (restore()).
handlers.tickets.timers.fire() re-reads the row and the ticket, so a timer that is late, duplicated or
obsolete does nothing; a partial unique index allows one pending timer per ticket and kind.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from rq.exceptions import DuplicateJobError
from rq.job import Job

from storage import queries
from storage.models import OPEN_STATUSES, Ticket, Timer

from .. import jobs
from ..desk import Desk, Work

log = logging.getLogger(__name__)

STEPS = {  # step: the ticket statuses it applies to
    "accept": ("new", "reopened"),
    "arrive": ("new", "reopened", "accepted"),
    "respond": OPEN_STATUSES,
    "resolve": OPEN_STATUSES,
}


def job_id(timer_id: int) -> str:
    """The rq job id of a timer row."""
    return f"timer-{timer_id}"


def after(desk: Desk, start: datetime, minutes: float, urgent: bool, estate_id: int | None = None) -> datetime:
    """`minutes` after start: every minute for urgent work, the estate's service time for the rest
    (its hours, weekdays, public holidays and 调休 make-up days)."""
    if urgent:
        return start + timedelta(minutes=minutes)
    try:
        return desk.estate_settings(estate_id).clock.add(start, minutes)
    except ValueError:  # service time too thin to reach it within years: a deadline in clock time beats none
        log.warning("estate %s: %s service minutes are beyond its service hours; counted as clock minutes",
                    estate_id, minutes)
        return start + timedelta(minutes=minutes)


def promised(desk: Desk, kind: str, urgent: bool, start: datetime, agreed_at: datetime | None = None,
             estate_id: int | None = None) -> datetime:
    """The time promised to the resident (a ticket's due_at): arrival for repairs, a reply otherwise,
    by the estate's time limits."""
    sla = desk.estate_settings(estate_id)
    if kind == "repair":
        if urgent:
            return after(desk, start, sla["sla_urgent_arrival_minutes"], True)
        if agreed_at is not None:
            return max(agreed_at, start + timedelta(minutes=30))  # the agreed time, if it can be kept
        return after(desk, start, sla["sla_arrival_minutes"], False, estate_id)
    if kind == "complaint":
        return start + timedelta(minutes=sla["sla_complaint_response_minutes"])  # a calendar day
    return after(desk, start, sla["sla_inquiry_response_minutes"], urgent, estate_id)


def deadline(desk: Desk, ticket: Ticket, step: str, start: datetime) -> datetime | None:
    """When a step of the ticket is due (naive UTC), or None when the step does not apply."""
    sla = desk.estate_settings(ticket.estate_id)
    if step == "accept":
        return after(desk, start, sla["sla_urgent_accept_minutes" if ticket.urgent else "sla_accept_minutes"],
                     ticket.urgent, ticket.estate_id)
    if step == "arrive":
        return ticket.due_at if ticket.kind == "repair" else None
    if step == "respond":
        return ticket.due_at if ticket.kind in ("complaint", "inquiry") else None
    if step == "resolve":
        return after(desk, start, sla["sla_resolve_minutes"], ticket.urgent, ticket.estate_id)
    raise ValueError(step)


def _wants_followup(estate: dict, ticket: Ticket) -> bool:
    """The estate's 回访 policy: never, skip_if_rated (the resident already rated), always."""
    policy = estate["followup_policy"]
    return policy == "always" or (policy == "skip_if_rated" and ticket.rating is None)


def wanted(desk: Desk, ticket: Ticket) -> dict[str, tuple[datetime, datetime | None]]:
    """kind -> (fire_at, due_at) of every timer the ticket should have now."""
    config, estate = desk.config, desk.estate_settings(ticket.estate_id)
    timers: dict[str, tuple[datetime, datetime | None]] = {}
    fraction = estate["sla_reminder_fraction"]
    for step, statuses in STEPS.items():
        if ticket.status not in statuses or (step == "respond" and ticket.responded_at):
            continue
        start = ticket.reopened_at if ticket.status == "reopened" and ticket.reopened_at else ticket.created_at
        due = deadline(desk, ticket, step, start)
        if due is None:
            continue
        timers[f"{step}_due"] = (due, due)
        remind = start + (due - start) * fraction
        timers[f"{step}_remind"] = (remind, due)
    if ticket.status == "done" and ticket.kind in ("repair", "complaint"):
        done = ticket.done_at or ticket.updated_at
        if ticket.followup_status is None and _wants_followup(estate, ticket):
            timers["followup"] = (done + timedelta(minutes=estate["followup_delay_minutes"]), None)
        elif ticket.followup_status == "sent":
            sent = ticket.followup_sent_at or done
            timers["followup_remind"] = (sent + timedelta(minutes=config["FOLLOWUP_REMINDER_MINUTES"]), None)
            timers["followup_phone"] = (sent + timedelta(minutes=config["FOLLOWUP_PHONE_MINUTES"]), None)
        elif ticket.followup_status == "reminded":
            sent = ticket.followup_sent_at or done
            timers["followup_phone"] = (sent + timedelta(minutes=config["FOLLOWUP_PHONE_MINUTES"]), None)
    if ticket.escalated and ticket.escalated_at and ticket.status in OPEN_STATUSES:
        timers["escalate_level2"] = (ticket.escalated_at + timedelta(minutes=config["ESCALATION_LEVEL2_MINUTES"]),
                                     None)
    return timers


def plan(work: Work, ticket: Ticket, new: bool = False) -> None:
    """Make the ticket's pending timers match its state: cancel the obsolete, add the missing.
    `new`: the ticket was created in this transaction and has no timers yet."""
    session = work.session
    session.flush()
    goal = wanted(work.desk, ticket)
    timers = [] if new else queries.timers_of(session, ticket.id)
    for timer in timers:  # a step that already fired for this very deadline is not planned again
        if timer.status == "fired" and goal.get(timer.kind, (None,))[0] == timer.fire_at:
            del goal[timer.kind]
    for timer in (t for t in timers if t.status == "pending"):
        if goal.get(timer.kind, (None,))[0] == timer.fire_at:
            del goal[timer.kind]
        else:
            timer.status = "cancelled"
            work.later_call(_unschedule, work.desk, timer.id)
    session.flush()
    if not goal:
        return
    # One statement for all new timers; the partial unique index drops any a concurrent plan added.
    added = queries.add_timers(session, ticket.id, goal, work.now)
    if added:
        work.later_call(schedule_new, work.desk, added)


def schedule_new(desk: Desk, timers: list[tuple[int, datetime]]) -> None:
    """Create the rq jobs of freshly inserted timers in one Redis round trip. Their ids are new, so
    no job can exist yet; schedule() with unique=True serves re-creation on start-up."""
    queue = desk.jobs.queue
    with desk.jobs.connection.pipeline() as pipe:
        for timer_id, fire_at in timers:
            job = queue.create_job(jobs.FIRE_TIMER, args=(timer_id,), job_id=job_id(timer_id), result_ttl=3600,
                                   failure_ttl=7 * 24 * 3600)
            queue.schedule_job(job, fire_at.replace(tzinfo=timezone.utc), pipeline=pipe)
        pipe.execute()


def schedule(desk: Desk, timer_id: int, fire_at: datetime) -> None:
    """Create the rq job that wakes the worker for a timer; an existing job is left alone."""
    queue = desk.jobs.queue
    job = queue.create_job(jobs.FIRE_TIMER, args=(timer_id,), job_id=job_id(timer_id), result_ttl=3600,
                           failure_ttl=7 * 24 * 3600)
    try:
        queue.schedule_job(job, fire_at.replace(tzinfo=timezone.utc), unique=True)
    except DuplicateJobError:
        pass


def _unschedule(desk: Desk, timer_id: int) -> None:
    registry = desk.jobs.queue.scheduled_job_registry
    try:
        registry.remove(job_id(timer_id), delete_job=True)
    except Exception:  # already run or gone: fire() would ignore it anyway
        pass


def restore(desk: Desk) -> int:
    """Re-create the rq job of every pending timer that lost it (Redis flushed or restarted), and
    plan the timers of unfinished tickets that have none (their planning job was lost)."""
    connection = desk.jobs.connection
    restored = 0
    with desk.work() as work:
        for ticket in queries.unplanned(work.session):
            plan(work, ticket, new=True)
            restored += 1
    with desk.work() as work:
        for timer_id, fire_at in queries.pending_timers(work.session):
            if not Job.exists(job_id(timer_id), connection=connection):
                schedule(desk, timer_id, fire_at)
                restored += 1
    if restored:
        log.warning("re-created %s lost timer jobs", restored)
    return restored


@jobs.job(jobs.PLAN_TICKET)
def plan_ticket(desk: Desk, ticket_id: int) -> None:
    """Plan one ticket's timers in a transaction of their own (the job queued when a ticket opens, off
    the resident's 5-second path)."""
    with desk.work() as work:
        ticket = queries.ticket(work.session, ticket_id)
        if ticket is not None:
            plan(work, ticket)
