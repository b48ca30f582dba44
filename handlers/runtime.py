"""The desk of a worker process: installed once by the worker bootstrap (`wuye worker`, or a test), read by jobs."""
from __future__ import annotations

from .desk import Desk

_desk: Desk | None = None


def install(desk: Desk) -> None:
    """Run this process's jobs with this desk."""
    global _desk
    _desk = desk


def desk() -> Desk:
    """The desk installed for this process's jobs."""
    if _desk is None:
        raise RuntimeError("no desk installed for jobs: run them with `wuye worker`")
    return _desk
