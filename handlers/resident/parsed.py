"""The NLU's answer in the form handlers use."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parsed:
    text: str
    intent: str
    confidence: float
    urgent: bool
    entities: dict[str, list[str]]
    secondary: str | None = None  # a second intent in the same message (水管爆了三天还没人修，物业管不管)
    estate_id: int | None = None  # the estate the message names (by name, code or alias)
    binding_id: int | None = None  # the bound house the resident chose for this request ("which house?")

    @classmethod
    def from_nlu(cls, result: dict, text: str | None = None, estate_id: int | None = None) -> "Parsed":
        """Group the entities of a /model/parse answer by name, in message order (`text`: the words
        as the resident wrote them, when the NLU read them with the estate's name blanked)."""
        entities: dict[str, list[str]] = {}
        for entity in result.get("entities", []):
            entities.setdefault(entity["entity"], []).append(str(entity["value"]))
        secondary = (result.get("secondary_intent") or {}).get("name")
        return cls(text or result["text"], result["intent"]["name"], float(result["intent"].get("confidence", 0.0)),
                   bool(result.get("urgent")), entities, secondary, estate_id)

    def first(self, name: str) -> str | None:
        """The first value of an entity, or None."""
        values = self.entities.get(name)
        return values[0] if values else None

    @property
    def has_address(self) -> bool:
        return bool(self.first("building") or self.first("room"))

    def is_(self, intent: str, at_least: float = 0.0) -> bool:
        """True when the intent is `intent` with at least this confidence."""
        return self.intent == intent and self.confidence >= at_least
