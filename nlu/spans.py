"""An entity found in a message, and the bookkeeping of which characters are already taken."""
from __future__ import annotations

from dataclasses import dataclass

EXTRACTOR = "wuye"
# A resident gives one address and a phone or two; a message repeating thousands of them gets the
# first few of each kind back, so the answer stays small whatever is sent.
MAX_PER_KIND = 16


@dataclass(frozen=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int
    extractor: str = EXTRACTOR

    def as_dict(self) -> dict:
        """The entity in the shape of Rasa's /model/parse answer."""
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end,
                "extractor": self.extractor}


class Spans:
    """Which characters of a text already belong to an entity: one byte per character, so checking
    or taking a span costs its own length, never the number of entities found so far."""

    def __init__(self, length: int):
        self._used = bytearray(length)

    def free(self, start: int, end: int) -> bool:
        """True when no character in [start, end) is taken."""
        return self._used.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        """Mark [start, end) as taken."""
        self._used[start:end] = b"\x01" * (end - start)

    def copy(self) -> "Spans":
        """An independent copy."""
        other = Spans(0)
        other._used = bytearray(self._used)
        return other
