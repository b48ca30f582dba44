"""Binding a resident to a house: at once when the roster's owner phone matches (the resident has
confirmed the house), otherwise a request the estate's desk approves or refuses, with its own deadline.

Every step keeps who did it and when on the row (decided_by / ended_by), and the resident hears the
outcome either way. Only one pending or active binding per resident and house exists (a unique index).
"""
from __future__ import annotations

import logging
from datetime import date

from storage import bindings
from storage.binding_models import ResidentHouse
from storage.models import Resident

from .. import jobs, outbox
from ..desk import Work
from ..notices import BIND_APPROVE, BIND_REFUSE, Button
from ..tickets.cards import mask_phone
from ..tickets.wording import address_text
from . import context, words

log = logging.getLogger(__name__)


def job_id(binding_id: int) -> str:
    """The rq job id of a request's deadline."""
    return f"binding-{binding_id}"


def address(row) -> str:
    """锦绣花园3栋2单元1201 from a row carrying estate, building, building_label, unit and room."""
    label = row.building_label if row.building_label and row.building_label != row.building else None
    building = label or address_text(row.building, None, None)
    return f"{row.estate}{building}{address_text(None, row.unit or None, row.room)}"


def mask_name(name: str | None) -> str:
    """张* (a resident's name is not shown in full in a group chat)."""
    return f"{name[0]}{'*' * max(1, len(name) - 1)}" if name else "未登记"


def bind(work: Work, resident: Resident, house, *, role: str, phone: str | None, via: str = "roster",
         actor: str = "system") -> ResidentHouse | None:
    """Bind now (a roster match the resident confirmed); None when already bound or requested."""
    return bindings.add_binding(work.session, resident_id=resident.id, house_id=house.house_id,
                                estate_id=house.estate_id, role=role, state="active", via=via, phone=phone,
                                requested_at=work.now, decided_at=work.now, decided_by=actor, overdue=False)


def request(work: Work, resident: Resident, house, *, role: str, phone: str | None,
            tenant_until: date | None = None) -> ResidentHouse | None:
    """Ask the estate's desk to approve: a request in its staff group with 通过 / 不通过 buttons and a
    deadline in the estate's service time; None when the resident already holds or asked for it."""
    with context.lent(work) as estates:
        estate = estates.settings(house.estate_id)
    deadline = estate.clock.add(work.now, work.desk.config["BINDING_REVIEW_MINUTES"])
    chat = estate["staff_group"] or None
    row = bindings.add_binding(work.session, resident_id=resident.id, house_id=house.house_id,
                               estate_id=house.estate_id, role=role, tenant_until=tenant_until, state="pending",
                               via="approval", phone=phone, requested_at=work.now, deadline_at=deadline,
                               request_chat_id=chat, overdue=False)
    if row is None:
        return None
    if chat:
        text = words.request_card(row.id, address(house), role, mask_phone(phone), mask_name(house.owner_name),
                                  mask_phone(house.owner_phone) if house.owner_phone else "（花名册无电话）",
                                  tenant_until.isoformat() if tenant_until else None, work.local_text(deadline))
        outbox.to_staff(work, chat, text, actor=f"resident:{resident.openid}",
                        buttons=((Button("通过", BIND_APPROVE, row.id), Button("不通过", BIND_REFUSE, row.id)),))
    else:
        log.warning("estate %s has no staff group: binding request %s waits for `wuye estate bindings`",
                    house.estate_id, row.id)
    work.later(jobs.BINDING_DEADLINE, row.id, job_id=job_id(row.id), at=deadline, retries=0)
    return row


def decide(work: Work, binding_id: int, approve: bool, actor: str, note: str | None = None) -> ResidentHouse | None:
    """Approve or refuse a pending request and tell the resident; None when it is no longer pending
    (of two presses at once exactly one decides: the row is locked)."""
    row = bindings.binding(work.session, binding_id, lock=True)
    if row is None or row.state != "pending":
        return None
    row.state = "active" if approve else "refused"
    row.decided_at, row.decided_by, row.note = work.now, actor, note
    detail = bindings.binding_detail(work.session, row.id)
    text = words.approved(address(detail), row.role) if approve else words.refused(address(detail))
    outbox.to_resident(work, detail.openid, text, ticket_id=None, actor=actor)
    return row


def end(work: Work, row: ResidentHouse, actor: str, reason: str) -> None:
    """End a binding (unbound by the resident, moved out, or by staff); the row stays for the record."""
    row.state, row.ended_at, row.ended_by, row.end_reason = "ended", work.now, actor, reason


def current(work: Work, resident: Resident) -> list:
    """The resident's bound houses today (rows with their address)."""
    return bindings.bound_houses(work.session, resident.id, work.desk.local(work.now).date())
