"""回访 after an outage: one survey per household (its ticket's, or the incident's for a household that
joined without one), never more; sampled by the estate's incident_followup_sample; none when the
estate's followup_policy is never; an answer "still broken" becomes a repair ticket."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.estates.settings import SettingsStore
from handlers.incidents import followups, restore
from storage.models import DEFAULT_ESTATE_ID, OutboxMessage, Timer, utcnow

from ..conftest import ADMIN_TOKEN
from ..staffing import STAFF_CHAT
from .conftest import Residents, command, drain, incidents, reports, tickets

FAST = {"FOLLOWUP_DELAY_MINUTES": 0}


def _setting(desk, name: str, value) -> None:
    """Change an estate setting the way `wuye estate set` does."""
    SettingsStore(desk.sessions, desk.config).change(DEFAULT_ESTATE_ID, "default", name, value, "test")
    desk.settings.freshness.expire()


def _outage(app, desk, fake_telegram, households: int):
    """An outage of 3栋 reported by this many households (the first two become tickets), resolved."""
    people = Residents(app)
    for number in range(1, households + 1):
        people.report(number, "3")
    [incident] = incidents(desk)
    assert incident.households == households
    command(app, fake_telegram, f"/resolve_incident {incident.code}")
    drain(desk)
    return people, incident


def _surveys(fake_wechat, households: int) -> dict[int, int]:
    """Household number -> how many surveys (回访) it was sent."""
    return {n: sum("打个分" in m.get("content", "") for m in fake_wechat.sent_to(f"o_household_{n:04d}"))
            for n in range(1, households + 1)}


def test_every_household_is_surveyed_once_whether_it_had_a_ticket_or_not(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST)
    _people, incident = _outage(app, desk, fake_telegram, 4)
    assert _surveys(fake_wechat, 4) == {1: 1, 2: 1, 3: 1, 4: 1}
    with_ticket = {r.resident_id for r in reports(desk, incident.id) if r.ticket_id}
    assert len(with_ticket) == 2 and {r.followup_status for r in reports(desk, incident.id)} == {"ticket", "sent"}
    restore.broadcast(desk, incident.id)       # the jobs run again (a retry, a restarted worker): nothing more
    followups.send(desk, incident.id)
    drain(desk)
    assert _surveys(fake_wechat, 4) == {1: 1, 2: 1, 3: 1, 4: 1}


def test_the_estates_sample_decides_how_many_households_are_asked(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST)
    _setting(desk, "incident_followup_sample", "0.5")
    _people, incident = _outage(app, desk, fake_telegram, 6)
    asked = _surveys(fake_wechat, 6)
    assert sorted(asked.values()) == [0, 0, 0, 1, 1, 1]
    statuses = [r.followup_status for r in reports(desk, incident.id)]
    assert statuses.count("skipped") == 3
    skipped_tickets = {r.ticket_id for r in reports(desk, incident.id) if r.ticket_id and r.followup_status == "skipped"}
    assert all(t.followup_status == "not_sampled" for t in tickets(desk) if t.id in skipped_tickets)


def test_no_survey_when_the_sample_is_zero_or_the_policy_is_never(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST)
    _setting(desk, "incident_followup_sample", "0")
    _people, incident = _outage(app, desk, fake_telegram, 3)
    assert _surveys(fake_wechat, 3) == {1: 0, 2: 0, 3: 0}
    with desk.sessions() as session:
        kinds = set(session.scalars(select(Timer.kind).where(Timer.ticket_id.in_([t.id for t in tickets(desk)]))))
    assert not any(kind.startswith("followup") for kind in kinds)
    assert [t.status for t in tickets(desk)] == ["done", "done"]


def test_policy_never_asks_nobody(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST)
    _setting(desk, "followup_policy", "never")
    _outage(app, desk, fake_telegram, 3)
    assert _surveys(fake_wechat, 3) == {1: 0, 2: 0, 3: 0}


def test_answers_are_recorded_and_still_broken_becomes_a_ticket(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST)
    people, incident = _outage(app, desk, fake_telegram, 4)
    before = len(tickets(desk))
    assert "感谢您的评价" in people.user(3).say("5")
    reply = people.user(4).say("还是不行，家里没电")
    assert "BX-" in reply and len(tickets(desk)) == before + 1
    answered = {r.feedback: r.rating for r in reports(desk, incident.id) if r.followup_status == "answered"}
    assert set(answered) == {"5", "还是不行，家里没电"} and answered["5"] == 5
    assert tickets(desk)[-1].estate_id == incident.estate_id and tickets(desk)[-1].building == "3"
    figures = app.test_client().get("/api/reports", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).get_json()
    assert figures["incidents"]["followups"] == {"surveyed": 2, "answered": 2, "by_phone": 0, "through_tickets": 2,
                                                 "not_asked": 0, "satisfied_rate": 0.5}   # 5分, and 还是不行 (2)


def _written(desk, recipient: str, words: str) -> list[str]:
    """The texts written to one recipient containing these words (the outbox: a step advanced by the
    desk's clock is delivered at that later time, so the rows are what the test can see)."""
    with desk.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                               .order_by(OutboxMessage.id))
        texts = [str(row.payload.get("content") or row.payload.get("text") or "") for row in rows]
    return [t for t in texts if words in t]


def _later(desk, incident_id: int, minutes: int) -> None:
    """The survey job runs this many minutes from now (twice: a retry changes nothing)."""
    desk.clock = lambda: utcnow() + timedelta(minutes=minutes)
    followups.send(desk, incident_id)
    followups.send(desk, incident_id)


def test_no_answer_gets_one_reminder_then_one_phone_task(build, fake_telegram, fake_wechat):
    app, desk = build(**FAST, FOLLOWUP_REMINDER_MINUTES=60, FOLLOWUP_PHONE_MINUTES=120)
    people, incident = _outage(app, desk, fake_telegram, 4)
    assert "感谢您的评价" in people.user(3).say("5")
    _later(desk, incident.id, 30)                     # before the reminder: nothing
    assert _written(desk, "o_household_0004", "打扰了") == []
    _later(desk, incident.id, 61)
    assert len(_written(desk, "o_household_0004", "您好，打扰了")) == 1
    assert _written(desk, "o_household_0003", "打扰了") == []    # answered: no reminder
    assert {r.followup_status for r in reports(desk, incident.id) if not r.ticket_id} == {"answered", "reminded"}
    _later(desk, incident.id, 121)
    _later(desk, incident.id, 500)
    phoned = _written(desk, str(STAFF_CHAT), "请电话回访")
    assert len(phoned) == 1 and "1004" in phoned[0] and "未回复回访" in phoned[0]
    assert len(_written(desk, "o_household_0004", "打个分")) == 2
    assert {r.followup_status for r in reports(desk, incident.id) if not r.ticket_id} == {"answered", "phone"}


def test_an_unhappy_answer_alerts_the_estates_managers_once_per_incident(build, fake_telegram, fake_wechat):
    managers = -1002000000002
    app, desk = build(**FAST, TELEGRAM_MANAGER_CHAT_IDS=str(managers))
    people, incident = _outage(app, desk, fake_telegram, 5)
    people.user(3).say("5")
    assert _written(desk, str(managers), "回访") == []       # a happy answer: no alert
    assert "非常抱歉" in people.user(4).say("2")
    people.user(5).say("还是不行，家里没电")
    [alert] = _written(desk, str(managers), "回访")
    assert incident.code in alert and "2分" in alert
    assert any("不满意（2分）" in text for text in _written(desk, str(STAFF_CHAT), "回访"))   # the group still hears


def test_a_still_broken_answer_alerts_the_managers_too(build, fake_telegram, fake_wechat):
    managers = -1002000000002
    app, desk = build(**FAST, TELEGRAM_MANAGER_CHAT_IDS=str(managers))
    people, incident = _outage(app, desk, fake_telegram, 3)
    people.user(3).say("还是没电")
    [alert] = _written(desk, str(managers), "回访")
    assert incident.code in alert and "仍有问题" in alert


def test_the_next_steps_job_outlives_the_run_that_scheduled_it(build, fake_telegram, fake_wechat):
    """The survey job schedules the reminders itself; rq expires a finished job's id, so the next run
    must not share it (else the reminder would vanish minutes later)."""
    app, desk = build(**FAST, FOLLOWUP_REMINDER_MINUTES=60, FOLLOWUP_PHONE_MINUTES=120)
    _people, incident = _outage(app, desk, fake_telegram, 3)
    redis = desk.jobs.connection
    waiting = [key for key in redis.keys(f"rq:job:incident-{incident.id}-followup*")
               if redis.hget(key, "status") == b"scheduled"]
    assert waiting and all(redis.ttl(k) == -1 for k in waiting)
