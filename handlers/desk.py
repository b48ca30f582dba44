"""The desk's services (Desk), one unit of work in one transaction (Work), and one resident's message (Turn).

`with desk.work() as work:` opens the session, commits at the end and only then queues the jobs the
work collected, so a job never runs before the rows it reads exist.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from storage.db import session_scope
from storage.models import DEFAULT_ESTATE_ID, Resident, utcnow

from .estates.addresses import Directory
from .estates.settings import EstateSettings, Freshness, SettingsStore
from .notices import Notice, Outcome

log = logging.getLogger(__name__)
W = TypeVar("W", bound="Work")


class _Reads:
    """Sessions for the estate caches' reads: inside `desk.work()` the work's own session (SQLite's
    writer lock is held by it, and on PostgreSQL it saves a connection), else a session of their own."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions, self._local = sessions, threading.local()

    def __call__(self):
        stack = getattr(self._local, "stack", None)
        return nullcontext(stack[-1]) if stack else self.sessions()

    @contextmanager
    def using(self, session: Session) -> Iterator[None]:
        stack = self._local.__dict__.setdefault("stack", [])
        stack.append(session)
        try:
            yield
        finally:
            stack.pop()


class Desk:
    """Long-lived services shared by all requests and jobs of one process."""

    def __init__(self, config: dict, sessions: sessionmaker[Session], nlu, knowledge, jobs=None, etiquette=None,
                 channels: dict[str, Callable[[Notice], Outcome]] | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.config = config
        self.sessions = sessions
        self.nlu = nlu
        self.knowledge = knowledge
        self.jobs = jobs                   # handlers.queue.Jobs
        self.etiquette = etiquette         # handlers.etiquette.EtiquetteFilter
        self.channels = channels or {}     # channel name -> send(notice) -> Outcome (bot/, given by app.py)
        self.clock = clock
        self.timezone = ZoneInfo(config["TIMEZONE"])

    @contextmanager
    def work(self, kind: type[W] | None = None) -> Iterator[W]:
        """One transaction: commit on success (roll back on error), then queue what it collected."""
        with session_scope(self.sessions) as session, self._reads.using(session):
            work = (kind or Work)(self, session, self.now())
            yield work
        work.flush_jobs()

    @cached_property
    def _reads(self) -> _Reads:
        return _Reads(self.sessions)

    def reads_through(self, session: Session):
        """While the block runs, the estate caches read through `session` (already so inside `work()`)."""
        return self._reads.using(session)

    @cached_property
    def _freshness(self) -> Freshness:
        return Freshness(self._reads)   # one version check every 2 s serves the directory and the settings

    @cached_property
    def estates(self) -> Directory:
        """The estates, their rosters and public areas (cached; changes seen within seconds)."""
        return Directory(self._reads, self._freshness)

    @cached_property
    def settings(self) -> SettingsStore:
        """Settings per estate over the company's and the environment's (changed without a restart);
        read-only here: `wuye estate set` and the API change them through a store of their own."""
        return SettingsStore(self._reads, self.config, self._freshness)

    def estate_settings(self, estate_id: int | None) -> EstateSettings:
        """The effective settings of an estate (a ticket without one: the default estate)."""
        return self.settings.for_estate(estate_id if estate_id is not None else DEFAULT_ESTATE_ID)

    def estate_name(self, estate_id: int | None) -> str:
        """An estate's name, for cards, alerts and the knowledge base's cache."""
        estate = self.estates.estate(estate_id if estate_id is not None else DEFAULT_ESTATE_ID)
        return estate.name if estate is not None else ""

    def knowledge_for(self, estate_id: int | None):
        """The knowledge base an estate's residents are answered from: the company's entries with
        the estate's own laid over them (only estates with entries of their own train a copy)."""
        entries = self.estate_settings(estate_id)["knowledge"]
        if not entries or not hasattr(self.knowledge, "for_estate"):
            return self.knowledge
        return self.knowledge.for_estate(f"estate{estate_id}", entries)

    def etiquette_for(self, estate_id: int | None):
        """The etiquette filter with the estate's extra banned phrases."""
        phrases = self.estate_settings(estate_id)["banned_phrases"]
        if not phrases:
            return self.etiquette
        try:
            return self.etiquette.with_extra(phrases)
        except Exception:  # EtiquetteRulesError: a phrase the rules' notation cannot use; the rest still applies
            log.exception("estate %s: banned_phrases not usable, checking with the company's rules", estate_id)
            return self.etiquette

    def now(self) -> datetime:
        """Current naive UTC time (tests may pass a clock)."""
        return self.clock()

    def local(self, moment: datetime) -> datetime:
        """A stored naive-UTC time in the estate's time zone."""
        return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.timezone)

    def to_utc(self, local_moment: datetime) -> datetime:
        """An estate-local time (naive or aware) as naive UTC for storage."""
        if local_moment.tzinfo is None:
            local_moment = local_moment.replace(tzinfo=self.timezone)
        return local_moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    def minutes(self, name: str) -> timedelta:
        """A duration setting such as SLA_ARRIVAL_MINUTES."""
        return timedelta(minutes=self.config[name])


@dataclass
class Work:
    """One unit of work in one transaction: its session, its time and the jobs to queue after commit."""
    desk: Desk
    session: Session
    now: datetime
    after_commit: list[tuple[Callable, tuple, dict]] = field(default_factory=list)
    jobs_after_commit: list[tuple[str, tuple, dict]] = field(default_factory=list)

    def later(self, job: str, *args: Any, **options: Any) -> None:
        """Queue a job (by its name in handlers.jobs) once the transaction has committed."""
        if self.desk.jobs is not None:
            self.jobs_after_commit.append((job, args, options))

    def later_call(self, function: Callable, *args: Any) -> None:
        """Call `function(*args)` once the transaction has committed (e.g. to schedule a timer)."""
        self.after_commit.append((function, args, {}))

    def flush_jobs(self) -> None:
        """Run what was collected during the (now committed) transaction; a failure is logged, the
        database rows stay the truth (lost jobs are re-created when a worker starts)."""
        if self.jobs_after_commit:
            try:
                self.desk.jobs.enqueue_all(self.jobs_after_commit)  # one Redis round trip for all of them
            except Exception:
                log.exception("after-commit jobs %s failed", [job for job, _, _ in self.jobs_after_commit])
            self.jobs_after_commit.clear()
        for function, args, options in self.after_commit:
            try:
                function(*args, **options)
            except Exception:
                log.exception("after-commit step %s%s failed", getattr(function, "__name__", function), args)
        self.after_commit.clear()

    def local_text(self, moment: datetime) -> str:
        """A time the way people read it: 11月22日 15:30, or 今天 15:30."""
        local, today = self.desk.local(moment), self.desk.local(self.now)
        days = (local.date() - today.date()).days
        prefix = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{local.month}月{local.day}日")
        return f"{prefix} {local:%H:%M}"


@dataclass
class Turn(Work):
    """One inbound message from a resident being handled."""
    resident: Resident | None = None
    intent: str | None = None          # what the NLU made of the message, for the inbound record

    @property
    def actor(self) -> str:
        """How ticket events name this resident."""
        return f"resident:{self.resident.openid}"
