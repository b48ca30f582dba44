"""What a check says about one staff reply: allowed or not, the offending words, a polite rewrite."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """Offending words of a reply: the phrase as written, its category, offsets in the reply."""
    phrase: str
    category: str
    start: int
    end: int


@dataclass(frozen=True)
class Verdict:
    """The verdict on one reply; a blocked one carries its violations and a suggestion to send instead."""
    text: str
    allowed: bool
    violations: tuple[Violation, ...]
    suggestion: str | None

    def as_dict(self) -> dict:
        """The JSON shape of `wuye etiquette check`."""
        return {"text": self.text, "allowed": self.allowed,
                "violations": [{"phrase": v.phrase, "category": v.category, "start": v.start, "end": v.end}
                               for v in self.violations],
                "suggestion": self.suggestion}
