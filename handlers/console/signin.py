"""Signing in to the console: one-time links sent by the bot, and a password as the fallback.

A link carries a random token of which only the SHA-256 is stored; it works once, for
CONSOLE_LINK_MINUTES. Passwords are hashed by werkzeug (scrypt); five wrong ones in a row lock
the account for 15 minutes. Only active managers and supervisors get in.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from storage import console_auth
from storage.db import session_scope

from ..desk import Desk
from . import viewer as viewers

LINK_PATH = "/login/"
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8


class SignInError(Exception):
    """Why someone cannot sign in or get a password (a sentence a manager can read)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(desk: Desk, telegram_user_id: int) -> str | None:
    """A one-time sign-in link for this Telegram user, or None when they may not use the console.

    It is CONSOLE_BASE_URL + /login/<token> when CONSOLE_BASE_URL is set, else the path /login/<token>."""
    with session_scope(desk.sessions) as session:
        return issue_link_in(session, desk, telegram_user_id)


def issue_link_in(session, desk: Desk, telegram_user_id: int) -> str | None:
    """issue_link inside a transaction already open (the bot's /console runs in the update's own)."""
    member = console_auth.staff_by_telegram_id(session, telegram_user_id)
    if not viewers.may_use_console(member):
        return None
    token, now = secrets.token_urlsafe(32), desk.now()
    console_auth.add_link(session, member.id, _hash(token), now, now + desk.minutes("CONSOLE_LINK_MINUTES"))
    return desk.config.get("CONSOLE_BASE_URL", "").rstrip("/") + LINK_PATH + token


def link_state(desk: Desk, token: str) -> str:
    """'valid', 'used', 'expired' or 'unknown', to tell the person what happened."""
    with session_scope(desk.sessions) as session:
        link = console_auth.link_state(session, _hash(token))
        if link is None:
            return "unknown"
        if link.used_at is not None:
            return "used"
        return "expired" if link.expires_at <= desk.now() else "valid"


def use_link(desk: Desk, token: str) -> viewers.Viewer:
    """Spend a link and return who signed in; SignInError when it cannot be used."""
    with desk.work() as work:  # the viewer's estates are read in this transaction (SQLite: one writer)
        session = work.session
        staff_id = console_auth.use_link(session, _hash(token), desk.now())
        found = viewers.load(desk, session, staff_id) if staff_id is not None else None
    if found is None:
        raise SignInError(LINK_PROBLEMS.get(link_state(desk, token), LINK_PROBLEMS["unknown"]))
    return found


LINK_PROBLEMS = {
    "used": "这个登录链接已经用过了。请在 Telegram 里给机器人发送 /console 获取新链接。",
    "expired": "这个登录链接已过期。请在 Telegram 里给机器人发送 /console 获取新链接。",
    "unknown": "这个登录链接无效。请在 Telegram 里给机器人发送 /console 获取新链接。",
    "valid": "您的账号没有管理后台权限，请联系项目经理。",
}


def set_password(desk: Desk, telegram_user_id: int, password: str) -> str:
    """Set a manager's or supervisor's console password; returns their name."""
    if len(password) < MIN_PASSWORD:
        raise SignInError(f"password too short: use at least {MIN_PASSWORD} characters")
    with session_scope(desk.sessions) as session:
        member = console_auth.staff_by_telegram_id(session, telegram_user_id)
        if member is None:
            raise SignInError(f"no staff with Telegram id {telegram_user_id} (add them with `wuye staff add`)")
        if not viewers.may_use_console(member):
            raise SignInError(f"{member.name} is not an active manager or supervisor; only they may use the console")
        console_auth.set_password(session, member.id, generate_password_hash(password), desk.now())
        return member.name


@dataclass
class _Attempt:
    viewer: viewers.Viewer | None = None
    problem: str | None = None


def check_password(desk: Desk, account: str, password: str) -> viewers.Viewer:
    """The viewer for a correct account (Telegram user id) and password; SignInError otherwise."""
    wrong = SignInError("账号或密码不正确。")
    if not account.strip().isdigit():
        raise wrong
    now = desk.now()
    with desk.work() as work:
        session = work.session
        member = console_auth.staff_by_telegram_id(session, int(account.strip()))
        row = console_auth.password_of(session, member.id, for_update=True) if member else None
        attempt = _judge(desk, row, member, password, now) if row else _Attempt(problem=wrong.args[0])
        if attempt.viewer is None and row is not None and attempt.problem == wrong.args[0]:
            _count_failure(row, now)
    if attempt.viewer is None:
        raise SignInError(attempt.problem)
    return attempt.viewer


def _judge(desk: Desk, row, member, password: str, now: datetime) -> _Attempt:
    if row.locked_until and row.locked_until > now:
        minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
        return _Attempt(problem=f"密码连续输错次数过多，请{minutes}分钟后再试，或用 Telegram 的 /console 链接登录。")
    if not check_password_hash(row.password_hash, password):
        return _Attempt(problem="账号或密码不正确。")
    row.failed_attempts, row.locked_until = 0, None
    if not viewers.may_use_console(member):
        return _Attempt(problem=LINK_PROBLEMS["valid"])
    return _Attempt(viewer=viewers.of(desk, member))


def _count_failure(row, now: datetime) -> None:
    row.failed_attempts += 1
    if row.failed_attempts >= MAX_FAILURES:
        row.failed_attempts, row.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)


def session_current(signed_in_at: float | None, now: datetime, minutes: float) -> bool:
    """Whether a sign-in made at `signed_in_at` (UTC epoch seconds) is still within its lifetime."""
    if not isinstance(signed_in_at, (int, float)):
        return False
    age = _epoch(now) - signed_in_at
    return 0 <= age < minutes * 60


def _epoch(naive_utc: datetime) -> float:
    return (naive_utc - datetime(1970, 1, 1)).total_seconds()


def epoch_now(desk: Desk) -> float:
    """The desk's now as UTC epoch seconds (what a session remembers)."""
    return _epoch(desk.now())
