"""Who is looking at the console, and the one check of what they may see."""
from __future__ import annotations

from dataclasses import dataclass

from storage import console_auth

from ..estates import scope
from storage.models import Ticket

CONSOLE_ROLES = ("manager", "supervisor")
ROLE_NAMES = {"manager": "项目经理", "supervisor": "主管"}


@dataclass(frozen=True)
class Viewer:
    """A signed-in manager or supervisor. estate_ids is None for every estate, else the estates they
    serve (handlers/estates/scope.py: their own list and the estates whose settings name them)."""
    staff_id: int
    name: str
    role: str
    estate_ids: frozenset[int] | None = None

    @property
    def actor(self) -> str:
        """How ticket events name this person (the staff desk's form)."""
        return f"staff:{self.staff_id}:{self.name}"

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def sees(self, ticket: Ticket) -> bool:
        """Whether the ticket is within this viewer's estates."""
        if self.estate_ids is None:
            return True
        return getattr(ticket, "estate_id", None) in self.estate_ids


def may_use_console(member) -> bool:
    """Active managers and supervisors only."""
    return member is not None and member.active and member.role in CONSOLE_ROLES


def load(desk, session, staff_id: int) -> Viewer | None:
    """The viewer for a staff id, or None when that person may not (or no longer) use the console."""
    member = console_auth.staff_by_id(session, staff_id)
    if not may_use_console(member):
        return None
    return of(desk, member)


def of(desk, member) -> Viewer:
    """The viewer a member of staff is, with the estates they serve (re-read at every request, so an
    estate's changed settings count at once)."""
    return Viewer(member.id, member.name, member.role, scope.estates_of(desk, member))
