"""The one incident card in the staff group: households, latest words, buttons; edited in place.

However many households join, at most one refresh of a card is waiting in the outbox (card_row_id), and
a card is edited at most every INCIDENT_CARD_SECONDS: Telegram lets a bot send about 20 messages a
minute into one group, edits included, and ticket cards share that budget. A refresh renders the
incident as it is when it is sent; a change made while it was on its way queues one more refresh.
"""
from __future__ import annotations

from datetime import timedelta

from storage import incident_queries
from storage.incident_models import Incident
from storage.models import OutboxMessage

from .. import jobs, outbox
from ..desk import Desk, Work
from ..notices import INCIDENT_ACK, INCIDENT_RESOLVE, Button, Notice, Outcome, Sent
from ..tickets.cards import masked_words
from . import wording

KIND = "incident_card"  # the outbox row kind of a card refresh
STATUS = {"open": "🔧 处理中", "resolved": "✅ 已恢复", "merged": "🔗 已合并", "cancelled": "✖️ 已撤销"}
# Categories of incidents as the staff-group routes (TELEGRAM_GROUP_ROUTES) name them.
ROUTE_KEYS = {"power": "electricity", "water": "water", "gas": "gas", "lift": "lift", "network": "network",
              "drainage": "drain", "gate": "door_access", "heating": "heating"}


def staff_chat(config: dict, incident: Incident) -> int | None:
    """The group that sees the card: where it is, else the group of its category, else the staff group."""
    routes = dict(config["TELEGRAM_GROUP_ROUTES"])
    return (incident.staff_chat_id or routes.get(ROUTE_KEYS.get(incident.category, incident.category))
            or routes.get("repair") or config["TELEGRAM_STAFF_CHAT_ID"] or None)


def render(desk: Desk, work: Work, incident: Incident) -> tuple[str, tuple]:
    """The card's text and buttons, from the incident as it is now."""
    lines = [f"🚨【事件】{incident.code} {wording.what(incident)}",
             f"状态：{STATUS.get(incident.status, incident.status)}",
             f"影响住户：{incident_queries.count_households(work.session, incident.id)}户",
             f"开始：{desk.local(incident.opened_at):%m-%d %H:%M}"]
    if incident.expected_at and incident.status == "open":
        lines.append(f"预计恢复：{desk.local(incident.expected_at):%m-%d %H:%M}")
    if incident.resolved_at:
        minutes = int((incident.resolved_at - incident.opened_at).total_seconds() // 60)
        lines.append(f"恢复：{desk.local(incident.resolved_at):%m-%d %H:%M}（历时{minutes}分钟）")
    if incident.status == "open":
        lines.append(f"负责：{incident.acknowledged_by.split(':')[-1]}" if incident.acknowledged_by else "负责：待认领")
    if incident.latest_words:
        lines.append(f"最新住户原话：{masked_words(incident.latest_words)[:200]}")
    if incident.status == "open":
        lines.append("恢复后点“已恢复”，系统会通知每一户；误并入的报修可用 /detach 工单号 拆出。")
    buttons = ()
    if incident.status == "open":
        buttons = ((Button("我来处理", INCIDENT_ACK, incident.id), Button("已恢复", INCIDENT_RESOLVE, incident.id)),)
    return "\n".join(lines), buttons


def refresh(work: Work, incident: Incident) -> None:
    """The card must show the incident's current state: queue one refresh unless one is waiting."""
    incident.card_version = (incident.card_version or 0) + 1
    queue_refresh(work, incident)


def queue_refresh(work: Work, incident: Incident) -> None:
    """Queue one refresh of the card unless one is waiting (its version already counts the change)."""
    if incident.card_row_id is not None:
        return  # the waiting refresh renders the newest state when it is sent
    chat = staff_chat(work.desk.config, incident)
    if not chat:
        return
    row = outbox.post(work, channel=outbox.STAFF, kind=KIND, recipient=chat, payload={"incident": incident.id},
                      hold=True)
    row.status = "pending"
    incident.card_row_id = row.id
    gap = timedelta(seconds=work.desk.config["INCIDENT_CARD_SECONDS"])
    at = incident.card_sent_at + gap if incident.card_sent_at and incident.card_message_id else None
    options = {"job_id": outbox.job_id(row.id), "retries": 0}
    if at is not None and at > work.now:
        options["at"] = at
    work.later(jobs.DELIVER, row.id, **options)


def notice(work: Work, row: OutboxMessage) -> tuple[Notice | None, int | None]:
    """What a card refresh sends (built when the delivery claims its row), with the version it shows;
    (None, None) when the incident is gone."""
    incident = incident_queries.incident(work.session, row.payload["incident"])
    if incident is None:
        return None, None
    text, buttons = render(work.desk, work, incident)
    shown_here = incident.card_message_id and incident.staff_chat_id == int(row.recipient)
    return Notice(to=row.recipient, text=text, buttons=buttons,
                  replaces=incident.card_message_id if shown_here else None), incident.card_version


def shown(work: Work, row: OutboxMessage, outcome: Outcome, version: int | None) -> None:
    """After the card was posted or edited (the delivery's settling transaction): remember where, and
    refresh again when the incident changed while this refresh was on its way."""
    if not isinstance(outcome, Sent) or version is None:
        return
    incident = incident_queries.incident(work.session, row.payload["incident"], lock=True)
    if incident is None:
        return
    incident.staff_chat_id, incident.card_message_id = int(row.recipient), outcome.ref
    incident.card_sent_at, incident.card_shown_version, incident.card_row_id = work.now, version, None
    if incident.card_version != version:
        incident.card_version -= 1
        refresh(work, incident)


def given_up(work: Work, row: OutboxMessage) -> None:
    """A refresh settled for good without reaching the group (failed): the next change queues a new one,
    instead of waiting for ever behind this row."""
    incident = incident_queries.incident(work.session, row.payload["incident"], lock=True)
    if incident is not None and incident.card_row_id == row.id:
        incident.card_row_id = None
