"""Signing in and out, and the check every console view makes first.

A sign-in keeps the staff id and its time in Flask's signed session cookie; every request
reloads the person (still active, still a manager or supervisor) and refuses an expired sign-in.
"""
from __future__ import annotations

import functools

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for

from handlers.console import signin, viewer as viewers

from . import blueprint
from .forms import Confirm, PasswordSignIn, checked

STAFF, SINCE = "console_staff", "console_since"


def _desk():
    return current_app.extensions["wuye"]


def _start(viewer: viewers.Viewer) -> None:
    session.clear()                       # a new sign-in never inherits an old session
    session.permanent = True
    session[STAFF], session[SINCE] = viewer.staff_id, signin.epoch_now(_desk())


def _signed_in() -> tuple[viewers.Viewer | None, str | None]:
    """(viewer, None), or (None, why): 'none', 'expired' or 'refused'."""
    staff_id = session.get(STAFF)
    if not isinstance(staff_id, int):
        return None, "none"
    desk = _desk()
    if not signin.session_current(session.get(SINCE), desk.now(), desk.config["CONSOLE_SESSION_MINUTES"]):
        return None, "expired"
    with desk.work() as work:  # the estate caches read in this session (SQLite: one writer)
        found = viewers.load(desk, work.session, staff_id)
    return (found, None) if found else (None, "refused")


def required(view=None, *, json: bool = False):
    """Let only a signed-in manager or supervisor through; g.viewer is who it is."""
    def wrap(function):
        @functools.wraps(function)
        def checked_view(*args, **kwargs):
            found, why = _signed_in()
            if found is None:
                return _refuse(why, json)
            g.viewer = found
            return function(*args, **kwargs)
        return checked_view
    return wrap(view) if view else wrap


def _refuse(why: str, json: bool):
    if why == "refused":
        session.clear()
        if json:
            return jsonify(error="forbidden", message="您的账号没有管理后台权限。"), 403
        return render_template("console/error.html", title="无权限",
                               message="您的账号没有管理后台权限（只有在职的项目经理和主管可以使用）。"), 403
    if why == "expired":
        session.clear()
    if json:
        return jsonify(error="unauthorized", message="请先登录管理后台。"), 401
    if why == "expired":
        flash("登录已过期，请重新登录。")
    return redirect(url_for("console.login", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a full URL) is followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console.overview")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """The password sign-in (the fallback to the link the bot sends)."""
    form = PasswordSignIn()
    problem = None
    if checked(form):
        try:
            _start(signin.check_password(_desk(), form.account.data, form.password.data))
            return redirect(_safe_next(request.args.get("next")))
        except signin.SignInError as exc:
            problem = str(exc)
    status = 401 if problem else 200
    return render_template("console/login.html", form=form, problem=problem), status


@blueprint.route("/login/<token>", methods=["GET", "POST"])
def login_link(token: str):
    """A one-time link: GET shows a button (link previews must not spend it), POST signs in."""
    form = Confirm()
    if checked(form):
        try:
            _start(signin.use_link(_desk(), token[:100]))
            return redirect(url_for("console.overview"))
        except signin.SignInError as exc:
            return render_template("console/link.html", form=None, problem=str(exc)), 410
    state = signin.link_state(_desk(), token[:100])
    problem = None if state == "valid" else signin.LINK_PROBLEMS[state]
    return render_template("console/link.html", form=form if not problem else None, problem=problem), \
        200 if not problem else 410


@blueprint.post("/logout")
def logout():
    """Sign out (a form with its CSRF token, so another site cannot sign anyone out)."""
    if not checked(Confirm()):
        abort(400, "请从页面上的按钮退出。")
    session.clear()
    flash("已退出登录。")
    return redirect(url_for("console.login"))


@blueprint.app_context_processor
def _forms():
    return {"logout_form": Confirm(), "viewer": g.get("viewer")}
