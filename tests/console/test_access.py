"""Who gets into the console: every view refuses the signed out, the wrong role and an expired
sign-in; every form needs its CSRF token; links work once; passwords lock after five misses."""
from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from handlers.console import signin
from storage.models import Ticket, TicketEvent

from ..conftest import rows
from .conftest import FORMER, MANAGER, SUPERVISOR, WORKER, add_ticket, csrf_token, sign_in

PAGES = ["/", "/tickets", "/tickets/{id}", "/reports/sla", "/reports/followup", "/reports/staff", "/reports/places",
         "/summary", "/summary?period=month", "/settings", "/export/sla_kind.xlsx", "/export/staff.csv",
         "/export/followup.xlsx?tickets=1", "/reports"]


@pytest.fixture
def one_ticket(desk, people):
    from storage.db import session_scope
    from storage.models import utcnow

    with session_scope(desk.sessions) as session:
        return add_ticket(session, utcnow()).id


def _paths(ticket_id: int) -> list[str]:
    return [p.format(id=ticket_id) for p in PAGES]


def test_signed_out_pages_go_to_the_sign_in_page(client, one_ticket):
    for path in _paths(one_ticket):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next=")
    assert client.get("/overview.json").status_code == 401
    assert client.post(f"/tickets/{one_ticket}/phone").status_code == 302


def test_every_view_works_for_a_manager_and_a_supervisor(client, desk, one_ticket):
    for who in (MANAGER, SUPERVISOR):
        sign_in(client, desk, who)
        for path in _paths(one_ticket) + ["/overview.json"]:
            assert client.get(path, follow_redirects=True).status_code == 200, path


def test_staff_and_former_managers_get_no_link_and_no_password(desk, people):
    assert signin.issue_link(desk, WORKER) is None
    assert signin.issue_link(desk, FORMER) is None
    assert signin.issue_link(desk, 123) is None
    for who in (WORKER, FORMER, 123):
        with pytest.raises(signin.SignInError):
            signin.set_password(desk, who, "a-long-password")


def test_a_manager_who_is_no_longer_one_is_refused_at_once(client, desk, one_ticket):
    from sqlalchemy import select

    from storage.db import session_scope
    from storage.models import Staff

    for path in _paths(one_ticket) + ["/overview.json"]:
        sign_in(client, desk, MANAGER)
        with session_scope(desk.sessions) as session:
            session.scalars(select(Staff).where(Staff.telegram_user_id == MANAGER)).one().role = "staff"
        response = client.get(path)
        assert response.status_code == 403, path
        text = response.get_json()["message"] if response.is_json else response.get_data(as_text=True)
        assert "没有管理后台权限" in text
        assert client.get(path).status_code in (302, 401)   # the refused sign-in was cleared
        with session_scope(desk.sessions) as session:
            session.scalars(select(Staff).where(Staff.telegram_user_id == MANAGER)).one().role = "manager"


def test_an_expired_sign_in_is_sent_to_sign_in_again(manager, desk, one_ticket):
    minutes = desk.config["CONSOLE_SESSION_MINUTES"]
    assert manager.get("/").status_code == 200
    later = desk.now() + timedelta(minutes=minutes + 1)
    desk.clock = lambda: later
    for path in _paths(one_ticket):
        response = manager.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
        desk.clock = lambda: later
        sign_in(manager, desk)   # sign in again at the later time, then let it expire once more
        later = later + timedelta(minutes=minutes + 1)
        desk.clock = lambda: later
    page = manager.get("/", follow_redirects=True).get_data(as_text=True)
    assert "登录已过期" in page


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(manager, desk, one_ticket):
    assert manager.post(f"/tickets/{one_ticket}/phone").status_code == 400
    assert manager.post(f"/tickets/{one_ticket}/phone", data={"csrf_token": "forged"}).status_code == 400
    assert rows(desk, TicketEvent, action="phone_revealed") == []
    assert manager.post("/logout").status_code == 400
    assert manager.get("/").status_code == 200          # still signed in
    link = signin.issue_link(desk, MANAGER)
    assert manager.post(link).status_code == 400
    assert signin.link_state(desk, link.rsplit("/", 1)[1]) == "valid"   # not spent


def test_password_form_without_csrf_is_refused(client, desk, people):
    signin.set_password(desk, MANAGER, "correct-horse")
    response = client.post("/login", data={"account": str(MANAGER), "password": "correct-horse"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_a_link_works_once_and_not_after_it_expires(client, desk, people):
    link = signin.issue_link(desk, MANAGER)
    assert client.get(link).status_code == 200 and client.get(link).status_code == 200   # previews spend nothing
    token = csrf_token(client.get(link).get_data(as_text=True))
    assert client.post(link, data={"csrf_token": token}).status_code == 302
    assert client.post(link, data={"csrf_token": token}).status_code == 400   # signing in renewed the session
    again = client.post(link, data={"csrf_token": csrf_token(client.get("/login").get_data(as_text=True))})
    assert again.status_code == 410 and "已经用过" in again.get_data(as_text=True)
    late = signin.issue_link(desk, MANAGER)
    later = desk.now() + timedelta(minutes=desk.config["CONSOLE_LINK_MINUTES"] + 1)
    desk.clock = lambda: later
    response = client.get(late)
    assert response.status_code == 410 and "已过期" in response.get_data(as_text=True)
    assert client.get("/login/nonsense").status_code == 410


def _password_attempt(client, account: str, password: str, next_path: str = ""):
    page = client.get("/login" + next_path)
    return client.post("/login" + next_path, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                                    "account": account, "password": password})


def test_password_sign_in_and_the_lock_after_five_misses(client, desk, people):
    signin.set_password(desk, MANAGER, "correct-horse")
    assert _password_attempt(client, str(MANAGER), "wrong").status_code == 401
    assert _password_attempt(client, "not a number", "x").status_code == 401
    ok = _password_attempt(client, str(MANAGER), "correct-horse", "?next=/reports/sla")
    assert ok.status_code == 302 and ok.headers["Location"] == "/reports/sla"
    client.get("/")
    for _ in range(5):
        _password_attempt(client, str(MANAGER), "wrong")
    locked = _password_attempt(client, str(MANAGER), "correct-horse")
    assert locked.status_code == 401 and "分钟后再试" in locked.get_data(as_text=True)
    later = desk.now() + timedelta(minutes=16)
    desk.clock = lambda: later
    assert _password_attempt(client, str(MANAGER), "correct-horse").status_code == 302


def test_sign_in_never_redirects_off_site(client, desk, people):
    signin.set_password(desk, MANAGER, "correct-horse")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = _password_attempt(client, str(MANAGER), "correct-horse", f"?next={target}")
        assert response.headers["Location"] == "/"


def test_sign_out(manager):
    page = manager.get("/").get_data(as_text=True)
    response = manager.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert manager.get("/").status_code == 302


def test_password_command(app, desk, people):
    from app import cli

    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["staff", "password", str(MANAGER)], input="correct-horse\ncorrect-horse\n")
    assert result.exit_code == 0, result.output
    assert "王经理" in result.output
    assert signin.check_password(desk, str(MANAGER), "correct-horse").name == "王经理"
    refused = runner.invoke(cli, ["staff", "password", str(WORKER)], input="correct-horse\ncorrect-horse\n")
    assert refused.exit_code != 0 and "not an active manager" in refused.output
    short = runner.invoke(cli, ["staff", "password", str(MANAGER)], input="short\nshort\n")
    assert short.exit_code != 0 and "too short" in short.output


def test_link_command(app, people):
    from app import cli

    result = app.test_cli_runner().invoke(cli, ["console", "link", str(SUPERVISOR)])
    assert result.exit_code == 0 and "/login/" in result.output
    assert app.test_cli_runner().invoke(cli, ["console", "link", str(WORKER)]).exit_code != 0


def test_links_use_the_public_address_when_set(make_app, people):
    app = make_app(CONSOLE_BASE_URL="https://wuye.example.com/")
    link = signin.issue_link(app.extensions["wuye"], MANAGER)
    assert link.startswith("https://wuye.example.com/login/") and len(link) > 60


def test_unknown_ticket_is_a_polite_404(manager):
    response = manager.get("/tickets/987654")
    assert response.status_code == 404 and "找不到这个工单" in response.get_data(as_text=True)


def test_nothing_is_stored_in_the_clear(desk, people):
    link = signin.issue_link(desk, MANAGER)
    signin.set_password(desk, MANAGER, "correct-horse")
    from storage.console_models import ConsolePassword, ConsoleSignInLink

    assert link.rsplit("/", 1)[1] not in str([r.token_hash for r in rows(desk, ConsoleSignInLink)])
    assert "correct-horse" not in rows(desk, ConsolePassword)[0].password_hash
    assert rows(desk, Ticket) == []
