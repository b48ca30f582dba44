"""The wording of rewrites, from the rules file: a frame per category and the `rewrites` section.

    categories.<name>.rewrite   the frame of a rewrite that keeps the staff member's facts, {reply}
                                where they go (without it: the suggestion, {facts} read as {reply})
    rewrites.takeover           首问责任制: said instead of sending the resident to {party}
    rewrites.time               a bare time left of a delaying clause (周六再说 → {time}…)
    rewrites.busy               a bare time left of a clause that was full then (今天没空 → {time}…)
    rewrites.colleague          instead of sending the resident to 别人 (nobody named)
    rewrites.phone              a phone number taken out of a pushing-away phrase (你自己打96777)
    rewrites.parties            the word lists naming other parties (别的单位, 别的部门)
    rewrites.replace            regex → replacement, tried on every clause of a blocked reply
    rewrites.pushing            regexes of words that send the resident elsewhere without a banned phrase
                                (停车卡问保安队长, 打12319): in a blocked reply they are rewritten like one
    Both regexes read the folded text and may name a word list: {别的单位}.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .notation import WORD_REF, Notation, RulesProblem

_KEYS = {"takeover", "time", "busy", "colleague", "phone", "parties", "replace", "pushing", "note"}
_DEFAULTS = {"takeover": "我们马上帮您联系{party}", "time": "{time}我们为您安排处理", "busy": "{time}的安排已经满了",
             "phone": "电话{phone}"}


@dataclass(frozen=True)
class Wording:
    """How a blocked reply is turned into a polite one that keeps its facts."""
    frames: dict[str, str]                      # category -> text with {reply}
    takeover: str                               # with {party}
    time: str                                   # with {time}
    busy: str                                   # with {time}
    colleague: str                              # instead of sending the resident to 别人
    phone: str                                  # with {phone}
    parties: re.Pattern | None                  # other parties named in a reply
    replace: tuple[tuple[re.Pattern, str], ...]
    pushing: tuple[re.Pattern, ...] = ()


def read_wording(value, categories: dict[str, dict], raw_categories: dict, notation: Notation) -> Wording:
    """The wording of the rules file's `rewrites` section and categories; RulesProblem when unusable."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise RulesProblem("rewrites: must be a mapping")
    unknown = sorted(set(map(str, value)) - _KEYS)
    if unknown:
        raise RulesProblem(f"rewrites: unknown key {unknown[0]!r} (expected one of {', '.join(sorted(_KEYS))})")
    texts = {key: _template(value.get(key, default), f"rewrites.{key}", key)
             for key, default in _DEFAULTS.items()}
    colleague = value.get("colleague", "我们安排同事为您跟进")
    if not isinstance(colleague, str) or not colleague.strip() or "{" in colleague:
        raise RulesProblem("rewrites.colleague: must be a sentence (no braces)")
    frames = {name: _frame(name, (raw_categories.get(name) or {}), spec) for name, spec in categories.items()}
    return Wording(frames, texts["takeover"], texts["time"], texts["busy"], colleague.strip(), texts["phone"],
                   _parties(value.get("parties", ["别的单位", "别的部门"]), notation),
                   _replace(value.get("replace"), notation), _pushing(value.get("pushing"), notation))


def _template(text, where: str, name: str) -> str:
    placeholder = {"takeover": "party", "busy": "time"}.get(name, name)
    if not isinstance(text, str) or f"{{{placeholder}}}" not in text:
        raise RulesProblem(f"{where}: must be a sentence holding {{{placeholder}}}")
    try:
        text.format(**{placeholder: ""})
    except (KeyError, IndexError, ValueError) as exc:
        raise RulesProblem(f"{where}: only {{{placeholder}}} may be used in braces ({exc})") from None
    return text.strip()


def _frame(name: str, raw: dict, spec: dict) -> str:
    frame = raw.get("rewrite") if isinstance(raw, dict) else None
    if frame is None:
        return spec["suggestion"].replace("{facts}", "{reply}")
    if not isinstance(frame, str) or "{reply}" not in frame:
        raise RulesProblem(f"categories.{name}.rewrite: must hold {{reply}}")
    try:
        frame.format(reply="")
    except (KeyError, IndexError, ValueError) as exc:
        raise RulesProblem(f"categories.{name}.rewrite: only {{reply}} may be used in braces ({exc})") from None
    return frame.strip()


def _parties(names, notation: Notation) -> re.Pattern | None:
    if not isinstance(names, list):
        raise RulesProblem("rewrites.parties: must be a list of word-list names")
    words = []
    for name in names:
        if name not in notation.words:
            raise RulesProblem(f"rewrites.parties: unknown word list {name!r} (see words)")
        words.extend(notation.words[name])
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


_GROUP_REF = re.compile(r"\\(\d+)|\\g<(\w+)>")


def _regex(source: str, notation: Notation, where: str) -> re.Pattern:
    """A regex of the rewrites section, {name} standing for the words of a word list."""
    def words(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in notation.words:
            raise RulesProblem(f"{where}: unknown word list {{{name}}} (see words)")
        return "(?:" + "|".join(map(re.escape, sorted(notation.words[name], key=len, reverse=True))) + ")"

    try:
        pattern = re.compile(WORD_REF.sub(words, source))
    except re.error as exc:
        raise RulesProblem(f"{where}: not a valid regex ({exc})") from None
    if pattern.match(""):
        raise RulesProblem(f"{where}: a regex that matches empty text")
    return pattern


def _pushing(entries, notation: Notation) -> tuple[re.Pattern, ...]:
    if entries is None:
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise RulesProblem("rewrites.pushing: must be a list of regexes")
    return tuple(_regex(e, notation, f"rewrites.pushing entry {n}") for n, e in enumerate(entries, 1))


def _replace(entries, notation: Notation) -> tuple[tuple[re.Pattern, str], ...]:
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise RulesProblem("rewrites.replace: must be a list of {from, to}")
    result = []
    for n, entry in enumerate(entries, 1):
        where = f"rewrites.replace entry {n}"
        if not (isinstance(entry, dict) and set(entry) == {"from", "to"}
                and isinstance(entry["from"], str) and isinstance(entry["to"], str) and entry["from"]):
            raise RulesProblem(f"{where}: must be {{from: regex, to: text}}")
        pattern = _regex(entry["from"], notation, where)
        for number, name in _GROUP_REF.findall(entry["to"]):
            ref = name or number
            if not (ref.isdigit() and int(ref) <= pattern.groups or ref in pattern.groupindex):
                raise RulesProblem(f"{where}: 'to' refers to a group the regex does not have ({ref})")
        result.append((pattern, entry["to"]))
    return tuple(result)
