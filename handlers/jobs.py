"""THE job registry: every rq job is queued under a stable name listed here, never under an import path.

A job's function registers itself with `@job(NAME)` next to its code and takes the desk first; the
worker (handlers.worker) imports every module that holds one and runs jobs as RegistryJob, which looks
the name up here and passes the process's desk. Jobs queued under the dotted paths of earlier versions
(a timer may wait in Redis for days) run through LEGACY_NAMES, so moving a module never strands one.
"""
from __future__ import annotations

from functools import partial
from typing import Callable

from rq.job import Job

from . import runtime

DELIVER = "outbox.deliver"        # send one outbox row (job id outbox-<row id>)
FIRE_TIMER = "timers.fire"        # act on a due deadline or follow-up step (job id timer-<timer id>)
PLAN_TICKET = "tickets.plan"      # plan the timers of a ticket opened on the resident's 5-second path
SEND_DIGEST = "digest.send"       # the managers' daily digest (job id digest-<date>)
REFRESH_ROLLUPS = "console.refresh_rollups"  # the console's daily figures (job id console-rollups-<slot>)
INCIDENT_CHECK = "incidents.check"       # an incident's deadlines (job ids incident-<id>-ack / -due)
INCIDENT_RESTORE = "incidents.restore"   # write the restore messages of a resolved incident (incident-<id>-restore)
INCIDENT_FOLLOWUP = "incidents.followup"  # the 回访 surveys of a resolved incident's households (incident-<id>-followup-<time>)
PURGE_PERSONAL_DATA = "privacy.purge"  # anonymise personal data past its retention, daily (privacy-purge-<date>)
BINDING_DEADLINE = "bindings.deadline"  # a house binding request not decided in time (job id binding-<id>)
NAMES = frozenset({DELIVER, FIRE_TIMER, PLAN_TICKET, SEND_DIGEST, REFRESH_ROLLUPS, PURGE_PERSONAL_DATA,
                   BINDING_DEADLINE, INCIDENT_CHECK, INCIDENT_RESTORE, INCIDENT_FOLLOWUP})

# The import paths earlier versions queued jobs under; Redis may still hold them after an upgrade.
LEGACY_NAMES = {
    "bot.delivery.deliver": DELIVER,
    "handlers.deadlines.fire": FIRE_TIMER,
    "handlers.deadlines.ticket_moved": PLAN_TICKET,
    "handlers.digest.send": SEND_DIGEST,
}

_functions: dict[str, Callable] = {}


def job(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function `f(desk, *args)` as the job `name`."""
    if name not in NAMES:
        raise ValueError(f"unknown job name {name!r}: add it to handlers/jobs.py")

    def register(function: Callable) -> Callable:
        _functions[name] = function
        return function
    return register


def function(name: str) -> Callable:
    """The function behind a stable or legacy job name; LookupError when nothing registered it."""
    stable = LEGACY_NAMES.get(name, name)
    if stable not in _functions:
        raise LookupError(f"no function registered for job {name!r} (is its module imported by the worker?)")
    return _functions[stable]


class RegistryJob(Job):
    """An rq job whose name is looked up in this registry; the function gets the process's desk."""

    @property
    def func(self):
        return partial(function(self.func_name), runtime.desk())
