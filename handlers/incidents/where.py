"""Which estate an /incident or /notice typed in a staff chat is about.

The estate its words name (name, code or alias); else the estate whose own settings name this group
(staff_group or group_routes, not the company's group every estate inherits); else the member's single
estate. When that still leaves more than one, the member is asked to name it: a silent fallback to the
default estate would tell the wrong residents.
"""
from __future__ import annotations

from storage.models import Staff

from ..desk import Work
from ..estates.scope import estates_of
from ..estates.settings import ESTATE
from ..tickets.routing import current_chat
from . import places


def _own_groups(work: Work, estate_id: int) -> set[int]:
    """The chats the estate's own settings name (an inherited company value names every estate's)."""
    settings, chats = work.desk.estate_settings(estate_id), set()
    if settings.sources["staff_group"] == ESTATE and settings["staff_group"]:
        chats.add(settings["staff_group"])
    if settings.sources["group_routes"] == ESTATE:
        chats |= set(settings["group_routes"].values())
    return {current_chat(work.desk.config, chat) for chat in chats}


def command_estate(work: Work, chat_id: int, member: Staff, words: str) -> tuple[int | None, str | None]:
    """(estate id, None), or (None, a polite question) when the estate is not clear."""
    named = places.named_estate(work.desk, work.session, words)
    everyone = work.desk.estates.estates()
    if named is not None or len(everyone) <= 1:
        return (named if named is not None else places.estate_of(work.desk, work.session, words)), None
    chat = current_chat(work.desk.config, chat_id)
    candidates = [e.id for e in everyone if chat in _own_groups(work, e.id)] or [e.id for e in everyone]
    mine = estates_of(work.desk, member)
    if mine is not None and mine & set(candidates):
        candidates = [estate for estate in candidates if estate in mine]
    if len(candidates) == 1:
        return candidates[0], None
    names = [e.name for e in everyone if e.id in candidates]
    return None, (f"请问是哪个小区？请在命令里写上小区名称，例如：{names[0]} 停电 3栋。"
                  f"可选的小区：{'、'.join(names)}。")
