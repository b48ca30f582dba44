"""What each console figure counts, as one SQL condition per metric, and the counts themselves.

The same conditions build the daily rollups, the live counts of days not rolled up yet, and the
ticket list a figure links to, so a number and the tickets behind it agree by construction.
"""
from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, case, false, func, or_, select, true
from sqlalchemy.orm import Session

from .console_models import METRICS
from .models import Ticket

OPEN_STATUSES = ("new", "accepted", "on_site", "reopened")
FOLLOWED_UP = ("answered", "phone")
SATISFIED_AT = 3   # 基本满意 and better (handlers/followup.py)

_T = Ticket.__table__.c


def _finished_needing_followup() -> ColumnElement[bool]:
    return and_(_T.kind.in_(("repair", "complaint")), _T.done_at.is_not(None))


def condition(metric: str) -> ColumnElement[bool]:
    """The condition a ticket meets to be counted in `metric` (KeyError for an unknown one)."""
    return _conditions()[metric]


@functools.cache
def _conditions() -> dict[str, ColumnElement[bool]]:
    """Built once: building SQL expressions costs more CPU than running the day's query."""
    finished = _finished_needing_followup()
    return {
        "created": true(),
        "urgent": _T.urgent.is_(True),
        # "= true", not "IS true": PostgreSQL then matches the partial index on breached tickets.
        "breached": _T.breached == true(),
        "on_time": _T.breached == false(),
        "open": _T.status.in_(OPEN_STATUSES),
        "done": _T.done_at.is_not(None),
        "closed": _T.status == "closed",
        "followup_due": finished,
        "followed_up": and_(finished, or_(_T.followup_status.in_(FOLLOWED_UP), _T.rating.is_not(None))),
        "rated": _T.rating.is_not(None),
        "satisfied": _T.rating >= SATISFIED_AT,
        "dissatisfied": _T.rating < SATISFIED_AT,
        "reopened": _T.reopened_at.is_not(None),
        "reopened_fixed": and_(_T.reopened_at.is_not(None), _T.status.in_(("done", "closed"))),
        "escalated": _T.escalated.is_(True),
        "repeat": _T.repeat_count > 0,
    }


def estate_column():
    """tickets.estate_id once estates exist (None until then)."""
    return _T.get("estate_id")


def in_estates(estate_ids: frozenset[int] | None) -> ColumnElement[bool]:
    """The one place where a viewer's estates narrow what they see: None means every estate; a
    set before tickets carry an estate sees nothing rather than everything."""
    if estate_ids is None:
        return true()
    column = estate_column()
    return column.in_(sorted(estate_ids)) if column is not None else false()


# A grain is how a figure is split, beside the ticket's kind; its key is built from these columns.
GRAINS = {"kind": (), "staff": (_T.assignee_id,), "category": (_T.category,), "place": (_T.building, _T.unit)}


def grain_key(grain: str, values) -> str:
    """The rollup key of a group: '' for kind, the assignee id, the category, or 'building|unit'."""
    if grain == "place":
        return f"{values[0] or ''}|{values[1] or ''}"
    return "" if not values or values[0] is None else str(values[0])


@functools.cache
def _aggregate_statement(grain: str, estate_ids: frozenset[int] | None):
    columns = GRAINS[grain]
    estate = estate_column()
    groups = [_T.kind, *columns] + ([estate] if estate is not None else [])
    sums = [func.sum(case((condition(name), 1), else_=0)).label(name) for name in METRICS]
    return (select(*groups, *sums, func.sum(func.coalesce(_T.rating, 0)).label("rating_sum"))
            .where(_T.created_at >= bindparam("start"), _T.created_at < bindparam("end"), in_estates(estate_ids))
            .group_by(*groups))


def aggregate(session: Session, grain: str, start: datetime, end: datetime,
              estate_ids: frozenset[int] | None = None) -> list[dict]:
    """Counts of tickets created in [start, end) (naive UTC) per kind and grain key, straight from
    the tickets table: {'kind', 'key', 'estate_id', <metric>: n, ..., 'rating_sum'}."""
    columns = GRAINS[grain]
    found = []
    for row in session.execute(_aggregate_statement(grain, estate_ids), {"start": start, "end": end}):
        values = row._mapping
        counts = {name: int(values[name] or 0) for name in (*METRICS, "rating_sum")}
        found.append({"kind": values["kind"], "key": grain_key(grain, [values[c.key] for c in columns]),
                      "estate_id": values.get("estate_id"), **counts})
    return found
