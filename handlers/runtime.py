"""The Desk a worker process uses for its jobs (built once per process, or installed by the caller)."""
from __future__ import annotations

from .context import Desk

_desk: Desk | None = None


def install(desk: Desk) -> None:
    """Use this desk for jobs run in this process (the app and tests call it)."""
    global _desk
    _desk = desk


def desk() -> Desk:
    """The process's desk, built from the environment on first use."""
    global _desk
    if _desk is None:
        from app import create_app

        create_app()  # installs its desk
    return _desk
