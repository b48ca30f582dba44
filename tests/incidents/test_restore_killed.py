"""The restore broadcast with a real `wuye worker` process killed halfway: every household still gets the
restore message exactly once, from the outbox rows (nothing is lost, nothing is sent twice)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from storage.models import OutboxMessage

from ..conftest import ADMIN_TOKEN, WECHAT_TOKEN, rows
from ..staffing import settings
from .conftest import Residents, command, incidents, reports

HOUSEHOLDS = 12
WUYE = str(Path(sys.executable).with_name("wuye"))


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([WUYE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _restored(fake_wechat) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in fake_wechat.sent:
        if "已于" in message.get("content", ""):
            counts[message["touser"]] = counts.get(message["touser"], 0) + 1
    return counts


def _waiting(desk) -> int:
    """Restore messages not yet sent or claimed."""
    return sum(1 for row in rows(desk, OutboxMessage, status="pending") if row.payload.get("incident"))


def _wait(condition, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_restore_is_exactly_once_with_the_worker_killed_halfway(build, fake_telegram, fake_wechat, database_url,
                                                                redis_url, nlu_var_dir):
    extra = {"INCIDENT_CARD_SECONDS": 0, "INCIDENT_RESTORE_PER_SECOND": 4, "DELIVERY_LEASE_SECONDS": 5,
             "RECONCILE_SECONDS": 2}
    app, desk = build(**extra)
    people = Residents(app)
    for number in range(1, HOUSEHOLDS + 1):
        people.report(number, "3")
    incident = incidents(desk)[0]
    assert incident.households == HOUSEHOLDS
    command(app, fake_telegram, f"/resolve_incident {incident.code}")
    env = {**os.environ, **{k: str(v) for k, v in settings(fake_telegram, fake_wechat, **extra).items()},
           "DATABASE_URL": database_url, "REDIS_URL": redis_url, "VAR_DIR": str(nlu_var_dir),
           "WECHAT_TOKEN": WECHAT_TOKEN, "ADMIN_TOKEN": ADMIN_TOKEN}
    first = _worker(env)
    try:
        # generous: a worker loads the NLU model first, which takes minutes on a loaded 2-core machine
        assert _wait(lambda: len(_restored(fake_wechat)) >= 4, 400), "the worker never started sending"
    finally:
        os.killpg(first.pid, signal.SIGKILL)   # halfway: no chance to finish or clean up
        first.wait()
    sent_before = len(_restored(fake_wechat))
    assert sent_before < HOUSEHOLDS            # really halfway
    second = _worker(env)
    try:
        deadline = time.time() + 400  # generous: the second worker loads the NLU model first
        while time.time() < deadline and _waiting(desk):
            # A job the dead worker had taken is lost with it; the new worker's reconciler queues its row
            # again, and the row it was sending (its lease run out) is settled as "unknown", not resent.
            time.sleep(2)
        time.sleep(1.5)                         # anything sent twice would arrive now
    finally:
        second.terminate()
        second.wait(30)
    # The row the first worker was sending when it died is not sent again: it is "unknown" and the staff
    # group is asked to phone.
    counts = _restored(fake_wechat)
    assert set(counts.values()) == {1}                       # nobody twice
    statuses = [r.restore_status for r in reports(desk, incident.id)]
    assert set(statuses) <= {"sent", "unknown"} and statuses.count("unknown") <= 1
    assert len(counts) == HOUSEHOLDS or statuses.count("unknown") == 1   # nobody forgotten either
