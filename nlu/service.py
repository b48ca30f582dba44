"""One entry point for understanding a message, whatever the backend.

Both backends return Rasa's /model/parse shape; the same post-processing then adds the normalised
entities and the `urgent` flag, so the rest of the service never knows which backend answered.
"""
from __future__ import annotations

import functools
import logging
import pickle
import re
import threading
from pathlib import Path
from typing import Callable

from .embedded import EmbeddedModel, load_or_train
from .entities import Entity, EntityExtractor, address_value
from .rasa_client import BackendUnavailable, RasaClient
from .training_data import TRAIN_FILE, category_terms, load
from . import rules, secondary
from .text import READ_CHARS
from .urgency import is_urgent

log = logging.getLogger(__name__)

FALLBACK_INTENT = "other"
# Answers of the embedded model kept per process: in a burst hundreds write the same words (还是没电),
# and the model is deterministic. Rasa's answers are not kept (a fallback must not stick). Only short
# texts: a burst's repeated words are short, and 4,096 letters of 63 KB each would fill the memory.
CACHE_SIZE = 4096
CACHED_CHARS = 200
OWN_ENTITIES = frozenset({"building", "unit", "room", "phone", "category"})


class NLU:
    """Parses resident messages with the configured backend; thread-safe once loaded."""

    def __init__(self, *, var_dir: str | Path = "var", backend: str = "embedded", rasa_url: str = "",
                 rasa_token: str = "", rasa_timeout: float = 2.0, fallback_embedded: bool = True,
                 threshold: float = 0.25, train_file: Path = TRAIN_FILE,
                 progress: Callable[[str], None] = lambda _m: None):
        self.var_dir = Path(var_dir)
        self.backend = backend
        self.threshold = threshold
        self.fallback_embedded = fallback_embedded
        self.train_file = train_file
        self.progress = progress
        self._rasa = RasaClient(rasa_url, rasa_token, rasa_timeout) if rasa_url else None
        self._embedded: EmbeddedModel | None = None
        self._lock = threading.Lock()
        # kept pickled: each caller gets its own copy from pickle.loads, about 15 times cheaper than
        # copy.deepcopy of the answer (measured: 6 against 96 us), which was 2% of a message's CPU
        self._cached = functools.lru_cache(maxsize=CACHE_SIZE)(
            lambda text: pickle.dumps(self._parse_whole(text), pickle.HIGHEST_PROTOCOL))
        data = load(train_file)
        self.extractor = EntityExtractor(category_terms(data))
        self._synonyms = data.synonyms

    @classmethod
    def from_config(cls, config: dict, **kwargs) -> "NLU":
        """Build from the service configuration (config.py names)."""
        return cls(var_dir=config["VAR_DIR"], backend=config["NLU_BACKEND"], rasa_url=config["RASA_URL"],
                   rasa_token=config["RASA_TOKEN"], rasa_timeout=config["RASA_TIMEOUT_SECONDS"],
                   fallback_embedded=config["NLU_FALLBACK_EMBEDDED"],
                   threshold=config["NLU_CONFIDENCE_THRESHOLD"], **kwargs)

    @property
    def embedded(self) -> EmbeddedModel:
        """The embedded model, trained or loaded from the cache on first use."""
        if self._embedded is None:
            with self._lock:
                if self._embedded is None:
                    self._embedded = load_or_train(self.var_dir, self.train_file, self.progress)
        return self._embedded

    def parse(self, text: str, backend: str | None = None) -> dict:
        """Rasa's parse shape plus normalised entities and `urgent`."""
        backend = backend or self.backend
        if backend == "rasa":
            if self._rasa is None:
                raise BackendUnavailable("RASA_URL is not set")
            analysis = self.extractor.analyse(text)
            try:
                result = self._rasa.parse(text)
            except BackendUnavailable as exc:
                if not self.fallback_embedded:
                    raise
                log.warning("NLU: %s; the embedded model answers instead", exc)
                result = self._parse_embedded(text, analysis)
                result["fallback"] = True
        else:
            return self._embedded_cached(text)
        return self._postprocess(text, result, analysis, "embedded" if result.get("fallback") else "rasa")

    def _embedded_cached(self, text: str) -> dict:
        """The embedded backend's answer, from the cache when these short words were read before (a
        copy: callers own what they get)."""
        if len(text) > CACHED_CHARS:
            return self._parse_whole(text)
        return pickle.loads(self._cached(text))

    def _parse_whole(self, text: str) -> dict:
        analysis = self.extractor.analyse(text)
        return self._postprocess(text, self._parse_embedded(text, analysis), analysis)

    def _parse_embedded(self, text: str, analysis) -> dict:
        ranking = self.embedded.predict(text[:READ_CHARS], self.extractor.signals(analysis))
        return {"text": text,
                "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
                "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                "entities": []}

    def _postprocess(self, text: str, result: dict, analysis, scored_by: str = "embedded") -> dict:
        ranked = {r["name"]: r["confidence"] for r in result.get("intent_ranking") or []}
        intent = result.get("intent") or {"name": FALLBACK_INTENT, "confidence": 0.0}
        folded = analysis.folded[:READ_CHARS]
        categories = self.extractor.mentioned_categories(analysis)
        name = rules.primary(intent.get("name", FALLBACK_INTENT), folded, categories, ranked)
        emergency = is_urgent(text[:READ_CHARS])
        if emergency:
            name = rules.emergency_intent(name, folded)
        if name != intent.get("name"):
            intent = {"name": name, "confidence": max(ranked.get(name, 0.0), self.threshold)}
        if intent.get("confidence", 0.0) < self.threshold:
            intent = {"name": FALLBACK_INTENT, "confidence": intent.get("confidence", 0.0)}
        second = secondary.secondary(intent["name"], folded, categories, ranked, scored_by)
        entities = self.extractor.finish(analysis, intent["name"])
        entities += self._foreign_entities(result.get("entities") or [], entities)
        return {"text": text, "intent": intent,
                "intent_ranking": result.get("intent_ranking") or [intent],
                "entities": [e.as_dict() for e in sorted(entities, key=lambda e: e.start)],
                "urgent": intent["name"] == "repair" and emergency,
                "secondary_intent": {"name": second, "confidence": round(max(ranked.get(second, 0.0), 0.5), 3)}
                if second else None,
                **({"fallback": True} if result.get("fallback") else {})}

    def _foreign_entities(self, raw: list[dict], own: list[Entity]) -> list[Entity]:
        """Entities another backend found that ours did not, with values normalised the same way.

        For the entities our rules cover (address, phone, category) the rules decide: Rasa's lookup
        tables match every vocabulary word, where the rules pick the one the message is about.
        """
        extra = []
        for item in raw:
            start, end, name = item.get("start"), item.get("end"), item.get("entity")
            if start is None or end is None or name is None or name in OWN_ENTITIES:
                continue
            if any(not (end <= e.start or start >= e.end) for e in own + extra):
                continue
            value = self._normalise(name, str(item.get("value", "")))
            if value:
                extra.append(Entity(name, value, start, end, item.get("extractor", "rasa")))
        return extra

    def _normalise(self, name: str, value: str) -> str | None:
        if name == "phone":
            digits = re.sub(r"\D", "", value)
            return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits or None
        if name in ("building", "unit", "room"):
            core = re.sub(r"(号楼|号栋|栋|幢|座|#|单元|室|号|房)$", "", value.strip())
            return address_value(core)
        if name == "category":
            return self._synonyms.get(value, value)
        return value
