"""Outages (事件) in the console: the list with a form to declare one, and one incident's page with
its expected time and 已恢复 forms. Every form carries a CSRF token; every step names the viewer."""
from __future__ import annotations

import re

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from handlers.console import incident_actions, incidents
from handlers.incidents.kinds import NAMES

from . import auth, blueprint
from .forms import Confirm, DeclareIncident, ExpectedTime, checked

_PLACE = re.compile(r"^\s*([0-9A-Za-z]{1,4})\s*(?:栋|号楼|幢|座)?\s*$")
_WHOLE = ("", "全小区", "整个小区")
NOT_FOUND = "找不到这个事件，或它不在您负责的小区范围内。"


def _desk():
    return current_app.extensions["wuye"]


def _declare_form() -> DeclareIncident:
    form = DeclareIncident()
    form.estate.choices = incidents.estate_choices(_desk(), g.viewer)
    form.category.choices = list(NAMES.items())
    return form


def _place(text: str | None) -> str | None:
    """3 / 3栋 / 3号楼 -> "3"; empty or 全小区 -> "" (the whole estate); else None."""
    text = (text or "").strip()
    if text in _WHOLE:
        return ""
    found = _PLACE.match(text)
    return found.group(1).upper() if found else None


@blueprint.get("/incidents")
@auth.required
def incident_list():
    """Open or resolved outages of the viewer's estates, and the form to declare one."""
    status = request.args.get("status", "open")
    return _list_page(status, _declare_form())


def _list_page(status: str, form: DeclareIncident, code: int = 200):
    status = status if status in incidents.STATUSES else "open"
    where = incidents.within(_desk(), request.args)
    rows = incidents.listing(_desk(), g.viewer, status, where)
    return render_template("console/incidents.html", rows=rows, status=status, form=form, where=where,
                           estate_name=incidents.estate_name(_desk(), g.viewer, where.estate), active="incidents"), code


@blueprint.post("/incidents")
@auth.required
def declare_incident():
    """Declare an outage from the console."""
    form = _declare_form()
    if not checked(form):
        return _list_page("open", form, 400)
    place = _place(form.place.data)
    if place is None:
        form.place.errors.append("楼栋请写成 3 或 3栋，全小区请留空。")
        return _list_page("open", form, 400)
    expected = _desk().to_utc(form.expected.data) if form.expected.data else None
    try:
        incident_id, new = incident_actions.declare(_desk(), g.viewer, form.estate.data, form.category.data,
                                                     place, expected)
    except incident_actions.Refused as exc:
        form.category.errors.append(str(exc))
        return _list_page("open", form, 400)
    flash("已创建事件，住户来报会直接收到说明并计入影响户数。" if new else "该楼栋已有进行中的同类事件，已为您打开。")
    return redirect(url_for("console.incident_page", incident_id=incident_id))


@blueprint.get("/incidents/<int:incident_id>")
@auth.required
def incident_page(incident_id: int):
    """One outage: households and their restore notices, events, the staff group's card."""
    return _incident(incident_id, ExpectedTime())


def _incident(incident_id: int, expected_form: ExpectedTime, code: int = 200):
    found = incidents.detail(_desk(), g.viewer, incident_id)
    if found is None:
        abort(404, NOT_FOUND)
    return render_template("console/incident.html", incident=found, expected_form=expected_form,
                           resolve_form=Confirm(), active="incidents"), code


@blueprint.post("/incidents/<int:incident_id>/expected")
@auth.required
def incident_expected(incident_id: int):
    """Change the expected restore time."""
    form = ExpectedTime()
    if not checked(form):
        return _incident(incident_id, form, 400)
    try:
        incident_actions.set_expected(_desk(), g.viewer, incident_id, _desk().to_utc(form.expected.data))
    except LookupError:
        abort(404, NOT_FOUND)
    except incident_actions.Refused as exc:
        form.expected.errors = [*form.expected.errors, str(exc)]
        return _incident(incident_id, form, 400)
    flash("已更新预计恢复时间，之后来报的住户会收到新的时间。")
    return redirect(url_for("console.incident_page", incident_id=incident_id))


@blueprint.post("/incidents/<int:incident_id>/resolve")
@auth.required
def incident_resolve(incident_id: int):
    """Mark the outage resolved: every household is told once."""
    if not checked(Confirm()):
        abort(400, "请从事件页面上的按钮操作。")
    try:
        told = incident_actions.resolve(_desk(), g.viewer, incident_id)
    except LookupError:
        abort(404, NOT_FOUND)
    except incident_actions.Refused as exc:
        flash(str(exc))
    else:
        flash(f"已标记恢复，系统将逐户通知{told}户住户。")
    return redirect(url_for("console.incident_page", incident_id=incident_id))
