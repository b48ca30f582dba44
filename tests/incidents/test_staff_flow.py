"""Staff and incidents: declaring by command, one card edited in place, resolution reaching every
household once, planned notices, detach / merge / split, and the figures."""
from __future__ import annotations

from datetime import timedelta

from handlers.incidents import card, restore
from handlers.upkeep import reconcile
from storage import incident_queries
from storage.incident_models import IncidentEvent
from storage.models import Timer, utcnow

from ..conftest import ADMIN_TOKEN, rows
from ..staffing import STAFF_CHAT, ZHANG, push
from .conftest import Residents, command, drain, incidents, reports, tickets


def _card(fake_telegram, incident):
    return next(m for m in fake_telegram.sent_to(STAFF_CHAT) if m["text"].startswith(f"🚨【事件】{incident.code}"))


def test_a_declared_incident_answers_reports_at_once_without_tickets(build, fake_telegram):
    app, desk = build()
    command(app, fake_telegram, "/incident 停电 3栋 预计18:00恢复")
    [incident] = incidents(desk)
    assert (incident.source, incident.place, incident.acknowledged_by.endswith("张师傅")) == ("staff", "3", True)
    reply = Residents(app).report(1, "3")
    assert "3栋目前停电，工程部已在抢修，预计" in reply and "18:00前恢复" in reply
    assert tickets(desk) == [] and incidents(desk)[0].households == 1
    drain(desk)
    assert any("已创建" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))


def test_one_card_kept_current_and_one_escalation(build, fake_telegram):
    app, desk = build(TELEGRAM_MANAGER_CHAT_IDS="-1002000000002")
    people = Residents(app)
    for number in range(1, 4):
        people.report(number, "3")
    drain(desk)
    for number in range(4, 12):
        people.user(number).say("3栋停电了")
        drain(desk)
    incident = incidents(desk)[0]
    posted = [m for m in fake_telegram.calls_of("sendMessage") if m["text"].startswith("🚨【事件】")]
    edits = [m for m in fake_telegram.calls_of("editMessageText") if m["text"].startswith("🚨【事件】")]
    assert len(posted) == 1 and edits          # one card, edited in place
    assert "影响住户：11户" in _card(fake_telegram, incident)["text"]
    alerts = [m for m in fake_telegram.calls_of("sendMessage") if str(m["chat_id"]) == "-1002000000002"]
    assert len(alerts) == 1 and "新事件" in alerts[0]["text"]
    ticket_cards = [m for m in fake_telegram.calls_of("sendMessage") if m["text"].startswith("🚨【紧急】")]
    assert len(ticket_cards) == 2              # only the two reports made before the incident


def test_card_edits_are_throttled(build, fake_telegram):
    app, desk = build(INCIDENT_CARD_SECONDS=3600)
    people = Residents(app)
    for number in range(1, 10):
        people.report(number, "3")
        drain(desk, lookahead=0)
    edits = [m for m in fake_telegram.calls_of("editMessageText") if m["text"].startswith("🚨【事件】")]
    posted = [m for m in fake_telegram.calls_of("sendMessage") if m["text"].startswith("🚨【事件】")]
    assert len(posted) == 1 and edits == []    # the next edit waits for its turn (an hour here)
    assert incidents(desk)[0].card_row_id is not None          # one refresh waiting, not nine
    later = utcnow() + timedelta(minutes=5)    # the reconciler, minutes on, does not send it before its time
    desk.clock = lambda: later
    reconcile(desk)
    drain(desk, lookahead=0)
    assert [m for m in fake_telegram.calls_of("editMessageText") if m["text"].startswith("🚨【事件】")] == []


def test_outages_sharing_a_group_take_at_most_a_third_of_its_messages(build):
    app, desk = build(INCIDENT_CARD_SECONDS=15, TELEGRAM_GROUP_RATE_PER_MINUTE=18)
    people = Residents(app)
    for building in "12345":            # five outages; nothing is sent (no worker runs): only the sums matter
        for number in range(3):
            people.report(int(building) * 10 + number, building)
    with desk.work() as work:
        for incident in incident_queries.incidents(work.session):
            incident.staff_chat_id = STAFF_CHAT
        work.session.flush()
        assert card._gap(work, STAFF_CHAT) == timedelta(seconds=50)   # 5 cards, 6 of 18 a minute: one each 50 s
        assert card._gap(work, -1) == timedelta(seconds=15)           # alone in a group: INCIDENT_CARD_SECONDS


def test_resolution_reaches_every_household_once(build, fake_telegram, fake_wechat):
    app, desk = build()
    people = Residents(app)
    for number in range(1, 6):
        people.report(number, "3")
    fake_wechat.outside_window("o_household_0005")         # silent for 48 hours: a phone task
    drain(desk)
    incident = incidents(desk)[0]
    press = fake_telegram.callback_update(STAFF_CHAT, ZHANG, _card(fake_telegram, incident), f"i:{incident.id}:resolve")
    push(app, press)
    push(app, fake_telegram.callback_update(STAFF_CHAT, ZHANG, _card(fake_telegram, incident), f"i:{incident.id}:resolve"))
    drain(desk)
    restore.broadcast(desk, incident.id)                    # a second run of the job writes nothing
    drain(desk)
    for number in range(1, 5):
        got = [m for m in fake_wechat.sent_to(f"o_household_{number:04d}") if "已于" in m.get("content", "")]
        assert len(got) == 1 and "3栋停电已于" in got[0]["content"]
    assert [r.restore_status for r in reports(desk, incident.id)] == ["sent"] * 4 + ["phone"]
    assert "48小时" in fake_telegram.sent_to(STAFF_CHAT)[-1]["text"] or any(
        "48小时" in m["text"] for m in fake_telegram.sent_to(STAFF_CHAT))
    assert "✅ 已恢复" in _card(fake_telegram, incident)["text"]
    done = [t for t in tickets(desk) if t.status == "done"]
    assert len(done) == 2                                   # the attached tickets are done; their 回访 follows


def test_a_restore_message_refused_for_good_becomes_a_phone_call(build, fake_telegram, fake_wechat):
    app, desk = build(DELIVERY_RETRY_SECONDS="0")          # one retry, then the message has failed for good
    people = Residents(app)
    for number in range(1, 4):
        people.report(number, "3")
    drain(desk)
    incident = incidents(desk)[0]
    fake_wechat.fail_next("message/custom/send", -1, "system error", times=100)
    command(app, fake_telegram, f"/resolve_incident {incident.code}")
    drain(desk)
    statuses = sorted(r.restore_status for r in reports(desk, incident.id))
    assert statuses == ["failed"] * 3                      # settled, not left "queued" forever
    asked = [m["text"] for m in fake_telegram.sent_to(STAFF_CHAT) if "多次发送失败" in m["text"]]
    assert len(asked) == 3 and all(incident.code in a and "请电话告知住户" in a for a in asked)
    assert not [m for m in fake_telegram.sent_to(STAFF_CHAT) if "的回复多次发送失败" in m["text"]]  # said once


def test_planned_notice_answers_and_suppresses_tickets(build, fake_telegram, fake_wechat):
    app, desk = build()
    people = Residents(app)
    people.user(7).say("3栋2单元701 电话13800000007")        # a resident of 3栋 on file
    now = desk.local(desk.now())
    start, end = now - timedelta(hours=1), now + timedelta(hours=3)
    command(app, fake_telegram, f"/notice 停水 3栋 {start:%m-%d %H:%M} {end:%m-%d %H:%M} 管道维修 推送")
    drain(desk)
    [notice] = incidents(desk)
    assert (notice.kind, notice.category, notice.notice) == ("planned", "water", "管道维修")
    assert any("管道维修" in m.get("content", "") for m in fake_wechat.sent_to("o_household_0007"))
    reply = people.report(1, "3", "没水了")
    assert "计划内安排（管道维修）" in reply and tickets(desk) == []
    assert "计划内" not in people.report(2, "4", "没水了")    # another building is not covered: the usual intake


def test_detach_merge_and_split_are_events(build, fake_telegram):
    app, desk = build()
    people = Residents(app)
    for number in range(1, 4):
        people.report(number, "3")
    incident = incidents(desk)[0]
    first = tickets(desk)[0]
    command(app, fake_telegram, f"/detach {first.code}")
    detached = tickets(desk)[0]
    assert detached.status == "new" and detached.due_at == first.created_at + timedelta(minutes=30)
    due = {t.kind: t.due_at for t in rows(desk, Timer, ticket_id=first.id, status="pending")}
    assert due["arrive_due"] == first.created_at + timedelta(minutes=30)  # counted from when it was reported
    command(app, fake_telegram, f"/detach {incident.code} 1003")          # joined without a ticket: one now
    third = [t for t in tickets(desk) if t.room == "1003"]
    assert len(third) == 1 and third[0].status == "new"
    assert incidents(desk)[0].households == 1
    command(app, fake_telegram, "/incident 停电 全小区")
    whole = incidents(desk)[1]
    command(app, fake_telegram, f"/merge {incident.code} {whole.code}")
    merged, target = incidents(desk)
    assert (merged.status, merged.merged_into_id, target.households) == ("merged", whole.id, 1)
    people.report(9, "5", "停电了")                                        # joins the estate-wide one
    command(app, fake_telegram, f"/split {whole.code} 5栋")
    split = incidents(desk)[2]
    assert (split.place, split.households) == ("5", 1) and incidents(desk)[1].households == 1
    actions = {e.action for e in rows(desk, IncidentEvent)}
    assert {"detached", "merged_into", "merged_from", "split", "opened", "joined"} <= actions


def test_reports_count_households_and_duration_apart_from_tickets(build, fake_telegram):
    app, desk = build()
    people = Residents(app)
    for number in range(1, 8):
        people.report(number, "3")
    incident = incidents(desk)[0]
    command(app, fake_telegram, f"/resolve_incident {incident.code}")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    figures = api.get("/api/reports", headers=auth).get_json()
    assert figures["incidents"]["incidents"] == 1 and figures["incidents"]["households_affected"] == 7
    assert figures["incidents"]["outage_minutes"]["longest"] == 0
    assert figures["tickets"]["repair"] == 2                               # not 7
    one = api.get(f"/api/incidents/{incident.id}", headers=auth).get_json()
    assert one["households"] == 7 and len(one["reports"]) == 7 and one["events"][0]["action"] == "opened"
    assert api.get("/api/incidents?status=bogus", headers=auth).status_code == 400
    assert api.get("/api/incidents/999", headers=auth).status_code == 404
