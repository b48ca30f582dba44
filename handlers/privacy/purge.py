"""The retention purge: anonymise residents, tickets and messages whose retention has run out.

The retention is a setting (`privacy_retention_days`): the company's value (environment
PRIVACY_RETENTION_DAYS, or `wuye estate set --company`), and an estate's own where it has one (used once
tickets and residents carry their estate). Rows are changed in batches, one transaction each, so a
large first purge does not hold locks for long; a dry run does the same work and rolls it back.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from storage import estate_queries, privacy

from ..desk import Desk
from ..estates.settings import ESTATE, SettingsStore
from . import KEPT, mask, mask_phone

log = logging.getLogger(__name__)
FIELD = "privacy_retention_days"
PURGED = "personal_data_anonymised"


@dataclass(frozen=True)
class Scope:
    """Rows under one retention: one estate's, or the company's (every estate without its own)."""
    name: str
    days: int
    estate_ids: tuple[int, ...] | None = None
    excluded: tuple[int, ...] = ()


@dataclass
class PurgeReport:
    dry_run: bool
    scopes: list[Scope]
    counts: dict[str, int] = field(default_factory=lambda: {"tickets": 0, "residents": 0, "messages": 0,
                                                             "opinions": 0})


def scopes(desk: Desk) -> list[Scope]:
    """The company's retention, and each estate's own where it differs (when rows know their estate)."""
    store = SettingsStore(desk.sessions, desk.config)
    company = int(store.for_estate(None)[FIELD])
    own: dict[int, int] = {}
    if privacy.has_estates():
        with desk.sessions() as session:
            estate_ids = [estate.id for estate in estate_queries.estates(session)]
        for estate_id in estate_ids:
            settings = store.for_estate(estate_id)
            if settings.sources[FIELD] == ESTATE and int(settings[FIELD]) != company:
                own[estate_id] = int(settings[FIELD])
    return [Scope(f"estate {estate_id}", days, (estate_id,)) for estate_id, days in own.items()] + \
        [Scope("company", company, None, tuple(own))]


def purge(desk: Desk, dry_run: bool = False, actor: str = "system") -> PurgeReport:
    """Anonymise what outlived its retention; with dry_run, count it and change nothing."""
    report, now = PurgeReport(dry_run, scopes(desk)), desk.now()
    counts = report.counts
    with desk.sessions() as session:
        try:
            # Messages first, while the names of their senders are still known (our replies use them).
            company_cutoff = now - timedelta(days=report.scopes[-1].days)
            counts["messages"] = _sweep(session, dry_run, partial(privacy.stale_messages, cutoff=company_cutoff),
                                        partial(privacy.anonymise_messages, mask=mask, now=now))
            for scope in report.scopes:
                where = {"cutoff": now - timedelta(days=scope.days), "estate_ids": scope.estate_ids,
                         "excluded": scope.excluded}
                counts["tickets"] += _sweep(session, dry_run, partial(privacy.stale_tickets, **where),
                                            partial(_tickets, now=now, days=scope.days))
                counts["residents"] += _sweep(session, dry_run, partial(privacy.stale_residents, **where),
                                              partial(_residents, now=now, report=report))
                # Campaign opinions (业主意见) are masked; ratings and coverage stay for the statistics.
                counts["opinions"] += _sweep(session, dry_run, partial(privacy.stale_opinions, **where),
                                             partial(privacy.anonymise_opinions, mask=mask))
            if not dry_run:
                privacy.log_event(session, actor, "purge", None, counts, KEPT)
                session.commit()
        finally:
            session.rollback()  # a dry run's changes (a real run has committed them)
    log.info("privacy purge%s: %s", " (dry run)" if dry_run else "", counts)
    return report


def _tickets(session: Session, ids: list[int], now: datetime, days: int) -> None:
    privacy.anonymise_tickets(session, ids, mask, mask_phone, now, PURGED, {"retention_days": days})


def _residents(session: Session, ids: list[int], now: datetime, report: PurgeReport) -> None:
    # Their later messages too (under an estate's shorter retention they are younger than the company's).
    report.counts["messages"] += len(messages := privacy.messages_of(session, ids))
    privacy.anonymise_messages(session, messages, mask, now)
    privacy.anonymise_residents(session, ids, mask, now)


def _sweep(session: Session, dry_run: bool, find, change) -> int:
    """Find a batch, change it, commit (unless a dry run), until nothing is left; how many rows."""
    total, after = 0, 0
    while ids := find(session, after=after):
        change(session, ids)
        session.flush()
        total, after = total + len(ids), ids[-1]
        if not dry_run:
            session.commit()
    return total
