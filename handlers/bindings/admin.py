"""Bindings as the command line and the API see them: a listing with masked phones, and decisions or
endings made by a named person (the same steps as the staff group's buttons, the resident told)."""
from __future__ import annotations

from storage import bindings

from ..desk import Desk
from ..tickets.cards import mask_phone
from . import context, service

STATES = ("pending", "active", "refused", "ended")


class BindingError(Exception):
    """A request the command line or the API refuses; the message says why, in English and Chinese."""


def listing(desk: Desk, estate: str | None = None, state: str | None = None, limit: int = 500) -> list[dict]:
    """Bindings newest first, optionally of one estate (name, code or alias) and state."""
    if state is not None and state not in STATES:
        raise BindingError(f"state must be one of {', '.join(STATES)} (状态只能是待审核/已绑定/未通过/已解除)")
    with desk.work() as work:
        estate_id = None
        if estate is not None:
            with context.lent(work) as estates:
                found = estates.directory.named(estate)
            if found is None:
                raise BindingError(f"no estate named {estate!r} (没有名为“{estate}”的小区)")
            estate_id = found.id
        return [as_json(desk, row) for row in bindings.listing(work.session, estate_id, state, limit)]


def as_json(desk: Desk, row) -> dict:
    """One binding: who (openid), which house, role, state and every step with who and when."""
    b = row.ResidentHouse

    def at(moment):
        return desk.local(moment).isoformat(timespec="seconds") if moment else None
    return {"id": b.id, "resident": row.openid, "estate": row.estate, "address": service.address(row),
            "building": row.building, "unit": row.unit or None, "room": row.room, "role": b.role,
            "tenant_until": b.tenant_until.isoformat() if b.tenant_until else None, "state": b.state, "via": b.via,
            "phone": mask_phone(b.phone) if b.phone else None, "requested_at": at(b.requested_at),
            "deadline_at": at(b.deadline_at), "overdue": b.overdue, "decided_at": at(b.decided_at),
            "decided_by": b.decided_by, "note": b.note, "ended_at": at(b.ended_at), "ended_by": b.ended_by,
            "end_reason": b.end_reason}


def decide(desk: Desk, binding_id: int, approve: bool, actor: str, note: str | None = None) -> dict:
    """Approve or refuse a pending request (the resident is told)."""
    with desk.work() as work:
        if service.decide(work, binding_id, approve, actor, note) is None:
            raise BindingError(_not_pending(work, binding_id))
        return as_json(desk, bindings.binding_detail(work.session, binding_id))


def end(desk: Desk, binding_id: int, actor: str, note: str | None = None) -> dict:
    """End an active binding or withdraw a pending request (e.g. the office learnt the tenant left)."""
    with desk.work() as work:
        row = bindings.binding(work.session, binding_id, lock=True)
        if row is None or row.state not in ("pending", "active"):
            raise BindingError(_not_pending(work, binding_id, "active or pending"))
        service.end(work, row, actor, "staff")
        row.note = note or row.note
        return as_json(desk, bindings.binding_detail(work.session, binding_id))


def _not_pending(work, binding_id: int, wanted: str = "pending") -> str:
    row = bindings.binding(work.session, binding_id)
    if row is None:
        return f"no binding {binding_id} (没有编号为{binding_id}的绑定)"
    return f"binding {binding_id} is {row.state}, not {wanted} (该绑定当前状态不可操作)"
