"""Daily rollups of the console's figures: written per local day, read per period. Never commit."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import console_metrics
from .console_models import METRICS, ConsoleMark, ConsoleRollup, ConsoleRollupDay
from .models import Ticket

_R = ConsoleRollup.__table__.c
_DAYS = ConsoleRollupDay.__table__


def _lock_day(session: Session, day: date, now: datetime) -> None:
    """Create or lock the day's row, so two refreshes of one day run one after the other."""
    insert_day = (_dialect_insert(session)(_DAYS).values(day=day, refreshed_at=now, tickets=0)
                  .on_conflict_do_nothing(index_elements=["day"]))
    session.execute(insert_day)
    session.execute(select(_DAYS.c.day).where(_DAYS.c.day == day).with_for_update())


def _dialect_insert(session: Session):
    """The dialect's INSERT, which has ON CONFLICT."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def refresh_day(session: Session, day: date, start: datetime, end: datetime, now: datetime) -> int:
    """Recompute every rollup of one local day ([start, end) in naive UTC); returns its tickets."""
    _lock_day(session, day, now)
    session.execute(delete(ConsoleRollup).where(_R.day == day))
    rows, tickets = [], 0
    for grain in console_metrics.GRAINS:
        for counts in console_metrics.aggregate(session, grain, start, end):
            rows.append({"day": day, "grain": grain, **counts})
            tickets += counts["created"] if grain == "kind" else 0
    if rows:
        session.execute(insert(ConsoleRollup), rows)
    session.execute(_DAYS.update().where(_DAYS.c.day == day).values(refreshed_at=now, tickets=tickets))
    return tickets


def rolled_up_days(session: Session, first: date, last: date) -> set[date]:
    """The days of first..last whose rollups exist."""
    return set(session.scalars(select(_DAYS.c.day).where(_DAYS.c.day >= first, _DAYS.c.day <= last)))


def read(session: Session, grain: str, first: date, last: date,
         estate_ids: frozenset[int] | None = None) -> list[dict]:
    """Rollup counts of the complete days in first..last, summed per kind and key."""
    sums = [func.sum(getattr(_R, name)).label(name) for name in (*METRICS, "rating_sum")]
    query = (select(_R.kind, _R.key, *sums).join(_DAYS, _DAYS.c.day == _R.day)
             .where(_R.grain == grain, _R.day >= first, _R.day <= last))
    if estate_ids is not None:
        query = query.where(_R.estate_id.in_(sorted(estate_ids)))
    query = query.group_by(_R.kind, _R.key)
    return [{"kind": row.kind, "key": row.key, **{name: int(getattr(row, name) or 0)
                                                   for name in (*METRICS, "rating_sum")}}
            for row in session.execute(query)]


def mark(session: Session, name: str) -> datetime | None:
    """A remembered moment, or None."""
    return session.scalar(select(ConsoleMark.at).where(ConsoleMark.name == name))


def set_mark(session: Session, name: str, at: datetime) -> None:
    """Remember a moment under a name."""
    row = session.get(ConsoleMark, name)
    if row is None:
        session.add(ConsoleMark(name=name, at=at))
    else:
        row.at = at
    session.flush()


def created_times_changed_since(session: Session, since: datetime) -> list[datetime]:
    """Distinct creation times of tickets changed at or after `since` (their days need a refresh)."""
    table = Ticket.__table__.c
    return list(session.scalars(select(table.created_at).where(table.updated_at >= since).distinct()))


def first_ticket_time(session: Session) -> datetime | None:
    """When the oldest ticket was created."""
    return session.scalar(select(func.min(Ticket.__table__.c.created_at)))
