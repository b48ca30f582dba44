"""The overview, the ticket list, one ticket (with its phone reveal) and the settings place."""
from __future__ import annotations

from dataclasses import asdict

from flask import abort, current_app, g, jsonify, render_template, request, url_for

from handlers.console import filters, names, overview as desk_overview, tickets

from . import auth, blueprint
from .forms import Confirm, checked


def _desk():
    return current_app.extensions["wuye"]


def _figures(snapshot: dict) -> dict:
    """The snapshot with each figure's ticket-list link."""
    def linked(figures):
        return [{**asdict(f), "href": url_for("console.ticket_list", **f.filters)} for f in figures]
    return {**snapshot, "live": linked(snapshot["live"]), "buckets": linked(snapshot["buckets"]),
            "today": linked(snapshot["today"]),
            "incidents": [{**asdict(f), "href": url_for("console.incident_list")} for f in snapshot["incidents"]]}


@blueprint.get("/")
@auth.required
def overview():
    """The landing page: the desk right now."""
    return render_template("console/overview.html", data=_figures(desk_overview.snapshot(_desk(), g.viewer)),
                           active="overview")


@blueprint.get("/overview.json")
@auth.required(json=True)
def overview_json():
    """The overview's figures for the page's refresh every 60 seconds."""
    return jsonify(_figures(desk_overview.snapshot(_desk(), g.viewer)))


@blueprint.get("/tickets")
@auth.required
def ticket_list():
    """The tickets behind any figure: filters, search and paging."""
    desk = _desk()
    wanted = filters.parse(desk, request.args)
    number = filters.page_number(request.args.get("page"))
    rows, total = tickets.page(desk, g.viewer, wanted, number)
    pages = max(1, -(-total // tickets.PER_PAGE))
    return render_template("console/tickets.html", rows=rows, total=total, page=number, pages=pages,
                           values=wanted.values, problems=wanted.problems, staff=tickets.staff_choices(desk),
                           kinds=names.KINDS, statuses=names.STATUSES, buckets=desk_overview.BUCKETS,
                           active="tickets")


@blueprint.get("/tickets/<int:ticket_id>")
@auth.required
def ticket_page(ticket_id: int):
    """One ticket: facts, masked phone with a reveal button, timeline, attachments."""
    return _ticket(ticket_id, revealed=None)


def _ticket(ticket_id: int, revealed: str | None):
    found = tickets.detail(_desk(), g.viewer, ticket_id)
    if found is None:
        abort(404, "找不到这个工单，或它不在您负责的小区范围内。")
    return render_template("console/ticket.html", ticket=found, revealed=revealed, form=Confirm(),
                           active="tickets")


@blueprint.post("/tickets/<int:ticket_id>/phone")
@auth.required
def reveal_phone(ticket_id: int):
    """Show the full phone once; the reveal is a ticket event naming the viewer."""
    if not checked(Confirm()):
        abort(400, "请从工单页面上的按钮查看电话。")
    phone = tickets.reveal_phone(_desk(), g.viewer, ticket_id)
    if phone is None:
        abort(404, "找不到这个工单，或它不在您负责的小区范围内。")
    return _ticket(ticket_id, revealed=phone or "住户未留电话")


@blueprint.get("/settings")
@auth.required
def settings():
    """Where estate settings will be edited once estates exist."""
    return render_template("console/settings.html", active="settings")


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
def _error(error):
    titles = {400: "请求无效", 404: "找不到页面"}
    return render_template("console/error.html", title=titles.get(error.code, "出错了"),
                           message=error.description), error.code


@blueprint.app_template_global()
def list_url(*filters: dict) -> str:
    """The ticket list with these filters merged (later ones win)."""
    merged: dict = {}
    for part in filters:
        merged.update(part)
    return url_for("console.ticket_list", **merged)
