"""Read Rasa 3.x NLU YAML (nlu/data/nlu.yml, nlu/data/test.yml) without needing Rasa installed."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
TRAIN_FILE = DATA_DIR / "nlu.yml"
TEST_FILE = DATA_DIR / "test.yml"
DEV_LONG_FILE = DATA_DIR / "dev_long.yml"      # our own long messages, for tuning
TEST_LONG_FILE = DATA_DIR / "test_long.yml"    # written by someone who never saw nlu.yml; its secondary labels tune
TEST_LONG2_FILE = DATA_DIR / "test_long2.yml"  # a second independent writer: never opened, measured once, totals only

CORE_INTENTS = ("repair", "complaint", "inquiry")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\{(?P<json>[^}]*)\}|\((?P<paren>[^)]+)\))")


@dataclass(frozen=True)
class GoldEntity:
    entity: str
    value: str
    start: int
    end: int


@dataclass
class Example:
    text: str
    intent: str
    entities: list[GoldEntity] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)

    @property
    def urgent(self) -> bool | None:
        """The labelled urgency of a repair example, None when not labelled."""
        value = self.metadata.get("urgent")
        return None if value is None else bool(value)


@dataclass
class TrainingData:
    examples: list[Example]
    synonyms: dict[str, str]          # surface word -> normalised value
    regexes: dict[str, list[str]]
    lookups: dict[str, list[str]]

    def intents(self) -> list[str]:
        """Intent names in first-seen order."""
        return list(dict.fromkeys(e.intent for e in self.examples))


def parse_annotated(line: str) -> tuple[str, list[GoldEntity]]:
    """'[3栋]{"entity": "building", "value": "3"}漏水' -> ('3栋漏水', [GoldEntity(...)])."""
    text, entities, pos = [], [], 0
    offset = 0
    for m in _ANNOTATION.finditer(line):
        text.append(line[pos:m.start()])
        offset += m.start() - pos
        surface = m.group("text")
        if m.group("json") is not None:
            spec = json.loads("{" + m.group("json") + "}")
            name, value = spec["entity"], str(spec.get("value", surface))
        else:
            name, _, value = m.group("paren").partition(":")
            value = value or surface
        entities.append(GoldEntity(name, value, offset, offset + len(surface)))
        text.append(surface)
        offset += len(surface)
        pos = m.end()
    text.append(line[pos:])
    return "".join(text), entities


def _example_lines(block) -> list[tuple[str, dict]]:
    if isinstance(block, str):
        lines = []
        for raw in block.splitlines():
            raw = raw.strip()
            if raw.startswith("- "):
                lines.append((raw[2:].strip(), {}))
        return lines
    return [(item["text"].strip(), item.get("metadata") or {}) for item in block or []]


def load(path: str | Path = TRAIN_FILE) -> TrainingData:
    """Parse one Rasa NLU YAML file."""
    document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}
    examples: list[Example] = []
    synonyms: dict[str, str] = {}
    regexes: dict[str, list[str]] = {}
    lookups: dict[str, list[str]] = {}
    for item in document.get("nlu", []):
        if "intent" in item:
            block_meta = item.get("metadata") or {}
            for line, meta in _example_lines(item.get("examples")):
                text, entities = parse_annotated(line)
                examples.append(Example(text, item["intent"], entities, {**block_meta, **meta}))
        elif "synonym" in item:
            for word, _ in _example_lines(item.get("examples")):
                synonyms[word] = str(item["synonym"])
        elif "regex" in item:
            regexes.setdefault(item["regex"], []).extend(w for w, _ in _example_lines(item.get("examples")))
        elif "lookup" in item:
            lookups.setdefault(item["lookup"], []).extend(w for w, _ in _example_lines(item.get("examples")))
    return TrainingData(examples, synonyms, regexes, lookups)


def category_terms(data: TrainingData) -> dict[str, str]:
    """The fault-category vocabulary: every synonym whose value is a category name."""
    return {word: value for word, value in data.synonyms.items() if value in CATEGORY_NAMES}


CATEGORY_NAMES = frozenset({
    "water", "drain", "electricity", "lift", "door_access", "gas", "heating", "doors_windows",
    "public_facility", "network", "structure", "appliance",
    "noise", "sanitation", "parking", "security", "fees", "service", "pets", "neighbour", "greening",
})


@dataclass(frozen=True)
class Message:
    """A long labelled message of a long split: a one-line title and the body."""
    title: str
    text: str
    intent: str
    secondary: str | None
    urgent: bool


def load_messages(path: str | Path) -> list[Message]:
    """Read a long split: `messages:` of {title, text, intent, secondary, urgent}."""
    document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}
    return [Message(str(m.get("title") or "").strip(), str(m["text"]).strip(), m["intent"], m.get("secondary") or None,
                    bool(m.get("urgent"))) for m in document.get("messages", [])]


def fingerprint(*parts: str | bytes | Path) -> str:
    """A short hash of files and strings, used to key cached models."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            part = part.read_bytes()
        digest.update(part if isinstance(part, bytes) else part.encode())
    return digest.hexdigest()[:16]
