"""Reading the rules file (handlers/etiquette/data/etiquette.yml) into compiled rule groups.

The file is edited by the property company; its header explains every section in Chinese. Any
problem is refused with one line naming the file and the entry (EtiquetteRulesError).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .matcher import Matcher
from .notation import WORD_REF, Notation, RulesProblem, clean, compile_phrase
from .skeleton import JOIN
from .wording import Wording, read_wording

DEFAULT_RULES = Path(__file__).parent / "data" / "etiquette.yml"
CATEGORIES = ("refusing", "deflecting", "not_knowing", "delaying", "dismissing", "rude", "curt")
PLACES = ("anywhere", "alone", "clause_end", "whole")

_TOP_KEYS = {"categories", "rules", "contexts", "harmless", "spellings", "words", "fillers", "rewrites"}
_CATEGORY_KEYS = {"name", "severity", "suggestion", "rewrite"}
_RULE_KEYS = {"category", "phrases", "allowed_when", "where", "note"}
_CONTEXT_KEYS = {"note", "before", "after", "anywhere", "within", "not_after_negation", "a_not_a", "bare_clause"}


class EtiquetteRulesError(Exception):
    """The rules file cannot be used; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class Context:
    """A polite context (contexts.<name>): where it must be found for a hit to be excused."""
    name: str
    before: Matcher | None
    after: Matcher | None
    anywhere: Matcher | None
    within: int | None
    not_after_negation: bool
    a_not_a: bool
    # what excuses a banned phrase that is a clause of its own (没办法，…): anywhere (True), nothing
    # (False) or only these words
    bare_clause: "Matcher | bool" = True


@dataclass(frozen=True)
class Rule:
    """One rule group: its phrases, category, polite contexts and placement."""
    number: int
    category: str
    pattern: Matcher
    contexts: tuple[Context, ...]
    where: str


@dataclass(frozen=True)
class Rules:
    """Everything the rules file says, compiled."""
    path: Path
    rules: tuple[Rule, ...]
    harmless: Matcher | None
    fillers: frozenset[str]
    categories: dict[str, dict]
    notation: Notation
    wording: Wording

    @cached_property
    def by_first_char(self) -> tuple[dict[str, tuple], tuple]:
        """(character -> the (rule, part) pairs whose matches can start with it, the pairs that may
        start anywhere): a reply is only matched against the parts its characters can start."""
        by_char: dict[str, list] = {}
        anywhere = []
        for rule in self.rules:
            for part in rule.pattern.patterns:
                if part[2] is None:
                    anywhere.append((rule, part))
                for c in part[2] or ():
                    by_char.setdefault(c, []).append((rule, part))
        return {c: tuple(pairs) for c, pairs in by_char.items()}, tuple(anywhere)


def read_rules(path: Path) -> Rules:
    """Read and compile a rules file; EtiquetteRulesError (one line) when it is not usable."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EtiquetteRulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise EtiquetteRulesError(f"{path}: not valid YAML{where}: {' '.join(str(problem).split())}") from None
    try:
        return _build(data, Path(path))
    except RulesProblem as exc:
        raise EtiquetteRulesError(f"{path}: {' '.join(str(exc).split())}") from None


def _build(data, path: Path) -> Rules:
    if not isinstance(data, dict):
        raise RulesProblem("the file must be a mapping with categories, rules and contexts")
    _known_keys(data, _TOP_KEYS, "the file")
    spellings = _spellings(data.get("spellings") or {})
    notation = Notation(spellings, _words(data.get("words"), spellings))
    categories = _categories(data.get("categories"))
    contexts = {name: _context(name, spec, notation)
                for name, spec in _mapping(data.get("contexts"), "contexts").items()}
    rules = tuple(_rule(n, spec, categories, contexts, notation)
                  for n, spec in enumerate(_list(data.get("rules"), "rules"), 1))
    if not rules:
        raise RulesProblem("rules: no rule groups")
    harmless_entries = _list(data.get("harmless"), "harmless")
    harmless = Matcher(harmless_entries, notation, "harmless", True, False) if harmless_entries else None
    fillers = data.get("fillers") or ""
    if not isinstance(fillers, str):
        raise RulesProblem("fillers: must be one line of characters")
    wording = read_wording(data.get("rewrites"), categories, data.get("categories"), notation)
    return Rules(path, rules, harmless, frozenset(clean(fillers)) | {JOIN}, categories, notation, wording)


def extra_rule(number: int, phrases: list, category: str, notation: Notation) -> Rule:
    """A rule group of extra phrases (an estate's own), banned anywhere and in any context."""
    if category not in CATEGORIES:
        raise RulesProblem(f"extra phrases: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})")
    return Rule(number, category, Matcher(phrases, notation, "extra phrases", True, True), (), "anywhere")


def _known_keys(spec: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, spec)) - allowed)
    if unknown:
        raise RulesProblem(f"{where}: unknown key {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})")


def _mapping(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RulesProblem(f"{where}: must be a mapping")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RulesProblem(f"{where}: must be a list")
    return value


def _spellings(value) -> list[tuple[str, list[str]]]:
    result = []
    for canonical, variants in _mapping(value, "spellings").items():
        variants = variants if isinstance(variants, list) else [variants]
        cleaned = [clean(str(v)) for v in variants]
        if not clean(str(canonical)) or not all(cleaned):
            raise RulesProblem(f"spellings.{canonical}: empty spelling")
        result.append((clean(str(canonical)), cleaned))
    return sorted(result, key=lambda item: len(item[0]), reverse=True)


def _words(value, spellings) -> dict[str, list[str]]:
    result = {}
    for name, words in _mapping(value, "words").items():
        name = str(name).strip()
        if not WORD_REF.fullmatch("{" + name + "}"):
            raise RulesProblem(f"words.{name}: a list name cannot be empty, start with a digit or hold , {{ }}")
        words = words if isinstance(words, list) else [words]
        cleaned = [str(w).strip() for w in words if not isinstance(w, (dict, list))]
        if not cleaned or len(cleaned) != len(words) or not all(clean(w) for w in cleaned):
            raise RulesProblem(f"words.{name}: must be a list of words, none empty")
        if any("{" in w or "}" in w for w in cleaned):
            raise RulesProblem(f"words.{name}: a word list cannot refer to another list")
        for word in cleaned:
            try:
                compile_phrase(word, spellings, False)
            except RulesProblem as exc:
                raise RulesProblem(f"words.{name}: {word!r} {exc}") from None
        result[name] = cleaned
    return result


def _categories(value) -> dict[str, dict]:
    result = {}
    for name, spec in _mapping(value, "categories").items():
        where = f"categories.{name}"
        if name not in CATEGORIES:
            raise RulesProblem(f"{where}: unknown category (expected one of {', '.join(CATEGORIES)})")
        spec = _mapping(spec, where)
        _known_keys(spec, _CATEGORY_KEYS, where)
        suggestion = spec.get("suggestion")
        if not isinstance(suggestion, str) or not suggestion.strip():
            raise RulesProblem(f"{where}: missing suggestion")
        try:
            suggestion.format(facts="")
        except (KeyError, IndexError, ValueError) as exc:
            raise RulesProblem(f"{where}.suggestion: only {{facts}} may be used in braces ({exc})") from None
        severity = spec.get("severity", 0)
        if not isinstance(severity, int):
            raise RulesProblem(f"{where}.severity: must be a whole number")
        result[name] = {"suggestion": suggestion.strip(), "severity": severity}
    missing = [c for c in CATEGORIES if c not in result]
    if missing:
        raise RulesProblem(f"categories.{missing[0]}: missing (every category needs a suggestion)")
    return result


def _context(name: str, spec, notation: Notation) -> Context:
    where = f"contexts.{name}"
    spec = _mapping(spec, where)
    _known_keys(spec, _CONTEXT_KEYS, where)
    parts = {}
    for key in ("before", "after", "anywhere"):
        entries = _list(spec.get(key), f"{where}.{key}")
        parts[key] = Matcher(entries, notation, f"{where}.{key}", False, False) if entries else None
    a_not_a = bool(spec.get("a_not_a", False))
    if not any(parts.values()) and not a_not_a:
        raise RulesProblem(f"{where}: needs before, after, anywhere or a_not_a")
    within = spec.get("within")
    if within is not None and (not isinstance(within, int) or within < 0):
        raise RulesProblem(f"{where}.within: must be a whole number")
    return Context(name, parts["before"], parts["after"], parts["anywhere"], within,
                   bool(spec.get("not_after_negation", False)), a_not_a, _bare_clause(spec, notation, where))


def _bare_clause(spec: dict, notation: Notation, where: str) -> "Matcher | bool":
    value = spec.get("bare_clause", True)
    if isinstance(value, bool):
        return value
    entries = _list(value, f"{where}.bare_clause")
    return Matcher(entries, notation, f"{where}.bare_clause", False, False) if entries else False


def _rule(number: int, spec, categories, contexts, notation: Notation) -> Rule:
    where = f"rules[{number}]"
    spec = _mapping(spec, where)
    _known_keys(spec, _RULE_KEYS, where)
    category = spec.get("category")
    if category not in categories:
        raise RulesProblem(f"{where}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})")
    where = f"{where} ({category})"
    phrases = _list(spec.get("phrases"), f"{where}.phrases")
    if not phrases:
        raise RulesProblem(f"{where}: no phrases")
    names = _list(spec.get("allowed_when"), f"{where}.allowed_when")
    for name in names:
        if name not in contexts:
            raise RulesProblem(f"{where}.allowed_when: unknown context {name!r}")
    place = spec.get("where", "anywhere")
    if place not in PLACES:
        raise RulesProblem(f"{where}.where: {place!r} (expected one of {', '.join(PLACES)})")
    pattern = Matcher(phrases, notation, f"{where}.phrases", True, True)
    return Rule(number, category, pattern, tuple(contexts[n] for n in names), place)
