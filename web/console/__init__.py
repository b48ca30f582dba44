"""The managers' console: a Flask blueprint served at / (pages, templates, vendored static files).

Views read and change the desk only through handlers/console; every view checks the signed-in
viewer first (web/console/auth.py).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint

blueprint = Blueprint("console", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/console-static")


@blueprint.record_once
def _session_settings(state) -> None:
    config = state.app.config
    # Flask has defaults for these (31 days, no SameSite), so they are set, not defaulted.
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=config.get("CONSOLE_SESSION_MINUTES", 480))
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = str(config.get("CONSOLE_BASE_URL", "")).startswith("https://")
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)   # a form lives as long as the sign-in it belongs to


from . import auth, incident_pages, pages, report_pages  # noqa: E402,F401  (routes register on import)
