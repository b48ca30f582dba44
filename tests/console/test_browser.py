"""The console in a real browser (Debian's chromium through selenium and /usr/bin/chromedriver),
against the app served on a local port. Each test saves a screenshot of each page it visits under
var/screenshots/ so a person can look at what a manager sees."""
from __future__ import annotations

import io
import os
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from handlers.console import periods, rollups, signin
from storage.db import session_scope
from storage.models import Ticket, TicketEvent, utcnow

from ..conftest import rows
from .conftest import MANAGER, add_history, add_ticket

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", "/usr/bin/chromedriver"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)",
                allow_module_level=True)

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as when  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def server(app):
    """The app on a free local port, in a thread."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def browser(tmp_path, request):
    """Headless chromium with nothing fetched from outside; downloads go to tmp_path/downloads."""
    os.environ.setdefault("SE_OFFLINE", "true")   # selenium never looks for a driver or browser online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--no-first-run", "--lang=zh-CN", "--window-size=1280,1000"):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    driver.downloads = downloads
    driver.shot_prefix = f"{request.node.name.replace('[', '-').rstrip(']')}"
    yield driver
    driver.quit()


def shot(browser, name: str) -> None:
    """Save what the browser shows (full page height) under var/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    width = browser.get_window_size()["width"]
    browser.set_window_size(width, min(max(height + 120, 600), 6000))
    browser.save_screenshot(str(SHOTS / f"{browser.shot_prefix}-{name}.png"))


def wait_for(browser, css: str, seconds: float = 10):
    return WebDriverWait(browser, seconds).until(when.presence_of_element_located((By.CSS_SELECTOR, css)))


def charts_drawn(browser) -> None:
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(
        "return window.echarts && [...document.querySelectorAll('[data-chart],[data-overview-chart]')]"
        ".every(el => echarts.getInstanceByDom(el))"))
    time.sleep(1.2)   # let the opening animation finish before a screenshot or a click


def link_sign_in(browser, server, desk) -> None:
    browser.get(server + signin.issue_link(desk, MANAGER))
    shot(browser, "link")
    browser.find_element(By.ID, "enter").click()
    wait_for(browser, "#live")


def test_sign_in_by_link_and_the_overview_equals_the_database(browser, server, desk, mixed_tickets):
    link_sign_in(browser, server, desk)
    charts_drawn(browser)
    shot(browser, "overview")
    tickets, now = rows(desk, Ticket), desk.now()
    open_ = [t for t in tickets if t.status in ("new", "accepted", "on_site", "reopened")]
    shown = lambda key: int(browser.find_element(By.CSS_SELECTOR, f'[data-figure="live.{key}"] .value').text)  # noqa
    assert shown("open") == len(open_)
    assert shown("urgent") == sum(t.urgent for t in open_)
    assert shown("overdue") == sum(t.breached or t.due_at < now for t in open_)
    browser.set_window_size(390, 844)   # a phone, as in WeChat's browser
    browser.refresh()
    wait_for(browser, "#live")
    charts_drawn(browser)
    shot(browser, "overview-phone")
    browser.set_window_size(1280, 1000)
    browser.find_element(By.CSS_SELECTOR, '[data-figure="live.open"]').click()
    wait_for(browser, "#ticket-table")
    assert int(browser.find_element(By.ID, "total").text) == len(open_)
    shot(browser, "tickets-open")


def test_sign_in_by_password(browser, server, desk, people):
    signin.set_password(desk, MANAGER, "correct-horse")
    browser.get(server + "/reports/staff")
    wait_for(browser, "#account").send_keys(str(MANAGER))
    browser.find_element(By.ID, "password").send_keys("correct-horse")
    shot(browser, "login")
    browser.find_element(By.ID, "sign-in").click()
    wait_for(browser, "#panel-staff")
    assert browser.current_url.endswith("/reports/staff")
    assert "王经理" in browser.find_element(By.CSS_SELECTOR, ".who").text


def _click_bar(browser, element, series: int, index: int) -> None:
    """Click the middle of one bar of an ECharts chart, where a person would."""
    box = browser.execute_script(
        "const c = echarts.getInstanceByDom(arguments[0]);"
        "const l = c.getModel().getSeriesByIndex(arguments[1]).getData().getItemLayout(arguments[2]);"
        "return {x: l.x + l.width / 2, y: l.y + l.height / 2, w: arguments[0].clientWidth, h: arguments[0].clientHeight};",
        element, series, index)
    ActionChains(browser).move_to_element_with_offset(element, int(box["x"] - box["w"] / 2),
                                                      int(box["y"] - box["h"] / 2)).click().perform()


def test_drill_from_a_chart_and_export_it(browser, server, desk, mixed_tickets):
    rollups.refresh(desk)
    link_sign_in(browser, server, desk)
    first = (periods.today(desk) - timedelta(days=20)).isoformat()
    browser.get(f"{server}/reports/sla?from={first}")
    chart = wait_for(browser, "#chart-sla_kind")
    charts_drawn(browser)
    shot(browser, "report-sla")
    data = browser.execute_script("return JSON.parse(arguments[0].getAttribute('data-chart'))", chart)
    breached = data["series"][2]
    assert breached["name"] == "超时"
    _click_bar(browser, chart, 2, 0)                     # 报修 · 超时
    WebDriverWait(browser, 10).until(lambda b: "/tickets?" in b.current_url)
    assert "metric=breached" in browser.current_url and "kind=repair" in browser.current_url
    assert int(wait_for(browser, "#total").text) == breached["values"][0]
    shot(browser, "drilled-tickets")
    browser.back()
    wait_for(browser, "#chart-sla_kind")
    browser.find_element(By.CSS_SELECTOR, "#panel-sla_kind .export-xlsx").click()
    WebDriverWait(browser, 15).until(lambda _b: list(browser.downloads.glob("sla_kind_*.xlsx")))
    path = next(browser.downloads.glob("sla_kind_*.xlsx"))
    table = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert table[-1][0] == "合计"
    for position, series in enumerate(data["series"][:3], start=1):   # the count series
        assert table[-1][position] == sum(series["values"])
        assert [line[position] for line in table[2:-1]] == series["values"]
    for section in ("followup", "staff", "places"):
        browser.get(f"{server}/reports/{section}?from={first}")
        wait_for(browser, ".chart-panel")
        charts_drawn(browser)
        shot(browser, f"report-{section}")
    browser.get(f"{server}/summary?period=week&date={periods.today(desk)}")
    charts_drawn(browser)
    shot(browser, "summary-week")


def test_reveal_a_phone(browser, server, desk, people):
    now = utcnow()
    with session_scope(desk.sessions) as session:
        ticket = add_ticket(session, now - timedelta(minutes=20), urgent=True, building="3", unit="2", room="1201",
                            status="accepted", assignee_id=people["张师傅"], category="water",
                            description="厨房水管爆了，水流到客厅")
        add_history(session, ticket, people["张师傅"], now - timedelta(minutes=20))
        ticket_id = ticket.id
    link_sign_in(browser, server, desk)
    browser.get(f"{server}/tickets/{ticket_id}")
    phone = wait_for(browser, "#phone")
    assert "138****5678" in phone.text and "13812345678" not in browser.page_source
    shot(browser, "ticket")
    browser.find_element(By.ID, "reveal").click()
    assert wait_for(browser, "#full-phone").text == "13812345678"
    shot(browser, "ticket-revealed")
    logged = rows(desk, TicketEvent, action="phone_revealed")
    assert [(e.ticket_id, e.actor) for e in logged] == [(ticket_id, f"staff:{people['王经理']}:王经理")]
    browser.get(f"{server}/settings")
    shot(browser, "settings")


def test_declare_update_and_resolve_an_incident(browser, server, desk, people):
    from handlers.incidents.incidents import join
    from storage.incident_models import Incident, IncidentEvent
    from storage.models import Resident

    link_sign_in(browser, server, desk)
    assert browser.find_element(By.CSS_SELECTOR, "#open-incidents .value").text == "0"
    browser.find_element(By.ID, "nav-incidents").click()
    wait_for(browser, "#declare-form")
    browser.find_element(By.CSS_SELECTOR, "#incident-category option[value='power']").click()
    browser.find_element(By.ID, "incident-place").send_keys("3栋")
    later = lambda hours: (desk.local(desk.now()) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")  # noqa
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "incident-expected"),
                           later(2))
    shot(browser, "incidents")
    browser.find_element(By.ID, "declare-button").click()
    wait_for(browser, "#resolve-form")
    (incident,) = rows(desk, Incident)
    with desk.work() as work:   # a resident reports while it is open
        resident = Resident(openid="o_browser_incident", building="3", room="1201")
        work.session.add(resident)
        work.session.flush()
        join(work, work.session.get(Incident, incident.id), resident, "停电了", "system", place=("3", "1", "1201"))
    browser.refresh()
    assert browser.find_element(By.ID, "households").text == "1"
    assert "3栋1单元1201" in browser.find_element(By.ID, "household-table").text
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "new-expected"), later(4))
    browser.find_element(By.ID, "expected-button").click()
    wait_for(browser, ".flash")
    assert browser.find_element(By.ID, "expected").text == desk.local(desk.now() + timedelta(hours=4)).strftime(
        "%m-%d %H:%M")
    shot(browser, "incident-open")
    browser.find_element(By.ID, "resolve-button").click()
    WebDriverWait(browser, 10).until(when.alert_is_present()).accept()   # 确认已恢复？
    WebDriverWait(browser, 10).until(lambda b: "已恢复" in b.find_element(By.ID, "incident-status").text)
    shot(browser, "incident-resolved")
    assert "标记已恢复" in browser.find_element(By.ID, "events").text
    me = f"staff:{people['王经理']}:王经理"
    assert [e.action for e in rows(desk, IncidentEvent) if e.actor == me] == ["opened", "expected_changed", "resolved"]
    browser.get(server + "/")
    assert wait_for(browser, "#open-incidents .value").text == "0"


def test_outages_on_the_report_page_open_their_incidents(browser, server, desk, people):
    """停电停水等事件 (issue 16 item 7): per estate, apart from the ticket figures; a bar opens that estate's
    outages of the period on /incidents, and the chart exports."""
    from storage.models import DEFAULT_ESTATE_ID

    from .test_incident_report import two_estates

    sun, _lake = two_estates(desk)
    link_sign_in(browser, server, desk)
    browser.get(f"{server}/reports/sla")
    browser.find_element(By.LINK_TEXT, "停电停水等事件").click()
    chart = wait_for(browser, "#chart-incidents")
    charts_drawn(browser)
    shot(browser, "report-incidents")
    data = browser.execute_script("return JSON.parse(arguments[0].getAttribute('data-chart'))", chart)
    assert [s["name"] for s in data["series"][:2]] == ["事件数", "影响户数"]
    assert data["labels"][1] == "阳光城" and data["series"][0]["values"][1] == 1
    _click_bar(browser, chart, 0, 1)                     # 阳光城 · 事件数
    WebDriverWait(browser, 10).until(lambda b: "/incidents?" in b.current_url)
    assert f"estate={sun}" in browser.current_url and "status=all" in browser.current_url
    table = wait_for(browser, "#incident-table")
    assert "1栋" in table.text and "2栋" not in table.text   # the one outside the period is not listed
    assert "阳光城" in browser.find_element(By.ID, "incident-within").text
    shot(browser, "incidents-of-an-estate")
    browser.back()
    wait_for(browser, "#chart-incidents")
    browser.find_element(By.CSS_SELECTOR, "#panel-incidents .export-csv").click()
    WebDriverWait(browser, 15).until(lambda _b: list(browser.downloads.glob("incidents_*.csv")))
    lines = next(browser.downloads.glob("incidents_*.csv")).read_text(encoding="utf-8-sig").splitlines()
    assert lines[-1].startswith("合计,4,8,")
    assert desk.estates.estate(DEFAULT_ESTATE_ID).name in lines[2]
