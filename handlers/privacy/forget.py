"""A resident's request to be forgotten (PIPL art. 47): everything that says who they are goes at once,
whatever its age; their tickets stay, anonymised, for the statistics and the maintenance record."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage import privacy

from .. import outbox
from ..desk import Desk
from . import KEPT, mask, mask_phone

FORGOTTEN = "personal_data_forgotten"
_PHONE = re.compile(r"^\+?(?:86)?[\s-]*(1[3-9]\d(?:[\s-]*\d){8})$")


class ForgetError(ValueError):
    """The identifier is neither an openid nor a phone number."""


@dataclass
class ForgetReport:
    subject: str                       # masked: the log never keeps who asked
    dry_run: bool
    residents: int = 0
    tickets: int = 0
    open_tickets: int = 0              # still being worked on: staff can no longer reach the resident
    messages: int = 0
    opinions: int = 0                  # campaign answers taken on the phone from this roster owner
    followups_stopped: int = 0
    counts: dict = field(default_factory=dict)


def parse(identifier: str) -> tuple[str | None, str | None]:
    """(openid, phone): a mobile number in any usual form, or a WeChat openid."""
    text = identifier.strip()
    found = _PHONE.match(text)
    if found:
        return None, re.sub(r"\D", "", found.group(1))
    if re.fullmatch(r"[A-Za-z0-9_\-]{6,64}", text) and not text.startswith(privacy.FORGOTTEN):
        return text, None
    raise ForgetError(f"{identifier!r} is neither a mobile number (13812345678) nor a WeChat openid")


def masked(openid: str | None, phone: str | None) -> str:
    """How the log names the person: o_ab…yz or 138****5678."""
    return mask_phone(phone) if phone else f"{openid[:4]}…{openid[-2:]}"


def forget(desk: Desk, identifier: str, actor: str, dry_run: bool = False) -> ForgetReport:
    """Anonymise one resident (by openid or phone) and their tickets and messages; log it (not in a dry run)."""
    openid, phone = parse(identifier)
    report, now = ForgetReport(masked(openid, phone), dry_run), desk.now()
    with desk.work() as work:
        session = work.session
        residents = [r.id for r in privacy.residents_named(session, openid, phone)]
        tickets = privacy.tickets_of(session, residents, phone)
        messages = privacy.messages_of(session, residents)
        report.residents, report.tickets, report.messages = len(residents), len(tickets), len(messages)
        report.open_tickets = privacy.open_among(session, tickets)
        report.followups_stopped = privacy.stop_followups(session, tickets, now)
        privacy.anonymise_messages(session, messages, mask, now)
        privacy.anonymise_tickets(session, tickets, mask, mask_phone, now, FORGOTTEN, {"by": actor})
        privacy.anonymise_residents(session, residents, mask, now, stop_pending=True)  # their bindings and answers too
        opinions = privacy.opinions_of_phone(session, phone) if phone else []
        privacy.anonymise_opinions(session, opinions, mask)
        report.opinions = len(opinions)
        report.counts = {"residents": report.residents, "tickets": report.tickets, "messages": report.messages,
                         "opinions": report.opinions,
                         "open_tickets": report.open_tickets, "followups_stopped": report.followups_stopped}
        privacy.log_event(session, actor, "forget", report.subject, report.counts, KEPT)
        if dry_run:
            session.rollback()
            return report
        for ticket_id, chat in privacy.cards_of(session, tickets):
            outbox.card(work, ticket_id, chat)  # the staff group's card is redrawn without the person
    return report
