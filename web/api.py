"""The desk's JSON API for consoles and reports: tickets and their history, behind ADMIN_TOKEN."""
from __future__ import annotations

import hmac
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, current_app, jsonify, request

from handlers.bindings import admin as binding_admin
from handlers.campaigns import results as campaign_results
from handlers.incidents import reports as incident_reports
from handlers.tickets import reports
from storage import incident_queries
from handlers.tickets.cards import mask_phone, masked_words
from storage import queries
from storage.db import session_scope
from storage.models import TICKET_STATUSES, Ticket

blueprint = Blueprint("api", __name__, url_prefix="/api")

MAX_PER_PAGE = 200
INT4 = (1 << 31) - 1  # ticket ids are 32-bit: a larger one names no ticket
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)  # dates the desk can turn into stored times
DATE_RANGE = f"dates must lie between {FIRST_DAY} and {LAST_DAY}"


@blueprint.before_request
def _require_token():
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), current_app.config["ADMIN_TOKEN"].encode()):
        response = jsonify(error="unauthorized", message="send Authorization: Bearer <ADMIN_TOKEN>")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    return None


def _iso(moment: datetime | None) -> str | None:
    return current_app.extensions["wuye"].local(moment).isoformat(timespec="seconds") if moment else None


def _masked(value):
    """Every string inside an event's or attachment's detail with phones and names masked (the API is a
    console too: the full number only through an explicit, logged reveal)."""
    if isinstance(value, str):
        return masked_words(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


def ticket_json(ticket: Ticket, with_events: bool = False) -> dict:
    """The API shape of a ticket (ARCHITECTURE.md contract, plus a few more fields)."""
    data = {
        "id": ticket.id, "code": ticket.code, "kind": ticket.kind, "status": ticket.status, "urgent": ticket.urgent,
        "category": ticket.category, "building": ticket.building, "unit": ticket.unit, "room": ticket.room,
        "description": masked_words(ticket.description), "created_at": _iso(ticket.created_at), "due_at": _iso(ticket.due_at),
        "preferred_time": ticket.preferred_time, "escalated": ticket.escalated,
        "escalation_reason": ticket.escalation_reason, "for_manager": ticket.for_manager,
        "contact_phone": mask_phone(ticket.contact_phone) if ticket.contact_phone else None, "closed_at": _iso(ticket.closed_at),
        "location": ticket.location,
    }
    if with_events:
        data["resident_words"] = masked_words(ticket.resident_words)
        data["attachments"] = [{"kind": a.kind, "media_id": a.media_id, "url": a.url, "detail": _masked(a.detail),
                                "created_at": _iso(a.created_at)} for a in ticket.attachments]
        data["events"] = [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "detail": _masked(e.detail)}
                          for e in ticket.events]
    return data


def _arg_bool(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    abort(400, f"{name} must be true or false")


def _arg_since() -> datetime | None:
    raw = request.args.get("since")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        abort(400, "since must be an ISO date or date-time, e.g. 2026-11-22 or 2026-11-22T08:00:00+08:00")
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        abort(400, f"since: {DATE_RANGE}")
    return current_app.extensions["wuye"].to_utc(moment)


def _arg_statuses() -> str | None:
    raw = request.args.get("status")
    if not raw:
        return None
    if not set(raw.split(",")) <= set(TICKET_STATUSES):
        abort(400, "status must be one or more of " + ", ".join(TICKET_STATUSES) + " (comma-separated)")
    return raw


def _arg_int(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        abort(400, f"{name} must be a whole number")
    if not low <= value <= high:
        abort(400, f"{name} must be between {low} and {high}")
    return value


@blueprint.get("/tickets")
def list_tickets():
    """Tickets, newest first. Filters: status (comma list), kind, urgent, building, since; page, per_page."""
    kind = request.args.get("kind")
    if kind and kind not in ("repair", "complaint", "inquiry"):
        abort(400, "kind must be repair, complaint or inquiry")
    page, per_page = _arg_int("page", 1, 1, 10**6), _arg_int("per_page", 50, 1, MAX_PER_PAGE)
    desk = current_app.extensions["wuye"]
    with session_scope(desk.sessions) as session:
        rows, total = queries.list_tickets(session, status=_arg_statuses(), kind=kind,
                                           urgent=_arg_bool("urgent"), building=request.args.get("building"),
                                           since=_arg_since(), page=page, per_page=per_page)
        return jsonify(tickets=[ticket_json(t) for t in rows], page=page, per_page=per_page, total=total)


@blueprint.get("/tickets/<int:ticket_id>")
def get_ticket(ticket_id: int):
    """One ticket with its events (who, when, what) and attachments."""
    desk = current_app.extensions["wuye"]
    with session_scope(desk.sessions) as session:
        ticket = queries.ticket(session, ticket_id) if ticket_id <= INT4 else None
        if ticket is None:
            abort(404, f"no ticket {ticket_id}")
        return jsonify(ticket_json(ticket, with_events=True))


@blueprint.get("/bindings")
def list_bindings():
    """Residents' houses and binding requests, newest first. Filters: estate (name, code or alias), state."""
    try:
        found = binding_admin.listing(current_app.extensions["wuye"], request.args.get("estate"),
                                      request.args.get("state"), _arg_int("limit", 200, 1, 1000))
    except binding_admin.BindingError as exc:
        abort(400, str(exc))
    return jsonify(bindings=found)


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
def _json_error(error):
    response = jsonify(error=error.name.lower().replace(" ", "_"), message=error.description)
    response.status_code = error.code
    return response


@blueprint.get("/reports")
def report():
    """Managers' figures over local dates ?from=YYYY-MM-DD&to=YYYY-MM-DD (default: the last 30 days), of the
    whole company or of one estate (?estate=name, code or alias)."""
    desk = current_app.extensions["wuye"]
    today = desk.local(desk.now()).date()
    try:
        last = date.fromisoformat(request.args.get("to") or today.isoformat())
        first = date.fromisoformat(request.args.get("from") or (last - timedelta(days=29)).isoformat())
    except (ValueError, OverflowError):  # OverflowError: to=0001-01-01 without from
        abort(400, "from and to must be dates such as 2026-11-01")
    if not (FIRST_DAY <= first and last <= LAST_DAY):
        abort(400, f"from and to: {DATE_RANGE}")
    if first > last or (last - first).days > 366:
        abort(400, "from must not be after to, and the period at most a year")
    estate_ids = None
    if request.args.get("estate"):
        estate = desk.estates.named(request.args["estate"])
        if estate is None:
            abort(404, f"no estate named {request.args['estate']!r}")
        estate_ids = frozenset({estate.id})
    with session_scope(desk.sessions) as session:
        figures = reports.summary(desk, session, first, last, estate_ids)
        figures["campaigns"] = [c for c in campaign_results.for_report(session, *reports.period_bounds(desk, first, last))
                                if estate_ids is None or c["estate_id"] in estate_ids]
        figures["incidents"] = incident_reports.summary(desk, session, first, last)  # apart from tickets
        return jsonify(figures)


@blueprint.get("/incidents")
def list_incidents():
    """Incidents and planned notices, newest first; ?status=open,resolved."""
    desk = current_app.extensions["wuye"]
    statuses = tuple(s for s in (request.args.get("status") or "").split(",") if s) or None
    if statuses and not set(statuses) <= {"open", "resolved", "merged", "cancelled"}:
        abort(400, "status must be open, resolved, merged or cancelled (comma-separated)")
    with session_scope(desk.sessions) as session:
        found = incident_queries.incidents(session, statuses, limit=_arg_int("limit", 100, 1, 500))
        return jsonify(incidents=[incident_reports.incident_json(desk, i) for i in found])


@blueprint.get("/incidents/<int:incident_id>")
def get_incident(incident_id: int):
    """One incident with its households (reports) and events."""
    desk = current_app.extensions["wuye"]
    with session_scope(desk.sessions) as session:
        incident = incident_queries.incident(session, incident_id)
        if incident is None:
            abort(404, f"no incident {incident_id}")
        return jsonify(incident_reports.incident_json(desk, incident, session))
