"""The banned-phrase filter (服务禁用语): every staff reply is checked before a resident sees it.

How a reply is checked:

1. The reply becomes a *skeleton*: folded (full-width → half-width, traditional → simplified),
   lower-cased, with spaces, symbols and emoji dropped, so 不 知 道 / 不-清-楚 / 不😂知😂道 /
   ｂｕ ｚｈｉ ｄａｏ read as plain words. Clause punctuation (，。！？…) becomes one SEP mark, so
   context never leaks from one clause into the next. Every skeleton character remembers its
   offset in the original text, and violations point at the original characters.
2. Each rule group of handlers/data/etiquette.yml is one precompiled regular expression; a
   phrase matches in any spelling (repeated characters, a mark between characters, spelling
   variants such as 沒/木有/偶们). Phrases are mostly general shapes rather than sentences: what
   the words do and at whom they are aimed — a service verb that cannot be done ({办事}不了),
   the resident sent to any other party ((找|问){别的单位}), a pejorative aimed at 你/您
   ({贬义}). {name} is a word list of the rules file (``words``), usable in phrases and regexes,
   so one added word counts in every phrase that uses the list. A group may also be placed:
   ``alone`` (the clause is only these words and fillers, or the words said twice),
   ``clause_end``, or ``whole`` (the whole reply: 嗯？ but not 嗯嗯，好的). A phrase is tried only
   where it can start (its possible first characters are worked out from the regex), which keeps a
   check in the low hundreds of microseconds with a large rules file.
3. A hit that runs into a harmless word (滚筒, 喂食, 病人) is dropped; a hit whose group lists
   ``allowed_when`` contexts is dropped when one of them holds: the same characters asking
   politely (不知道您…是否方便), conceding (不管多晚都…), supposing (如果…不行的话), describing the
   resident (您要是没空) or followed by a concrete promise (半小时内回复您). Banned words are
   blanked out while contexts are looked for, except words that their own context excused
   (我们已经联系楼上): those may serve as the promise for another hit.
4. A blocked reply gets the suggestion of its most serious category, with the ticket code and
   times of the original kept when present; the suggestion is itself checked.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

try:                                   # the regex parser, to find the first characters of a pattern
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:                    # pragma: no cover - Python before 3.11
    import sre_constants as _sre
    import sre_parse as _sre_parse

from nlu.text import fold, is_symbol

from . import etiquette_model

DEFAULT_RULES = Path(__file__).parent / "data" / "etiquette.yml"
CATEGORIES = ("refusing", "deflecting", "not_knowing", "delaying", "dismissing", "rude", "curt")
PLACES = ("anywhere", "alone", "clause_end", "whole")

SEP = "\x1f"    # clause punctuation in the skeleton
JOIN = "\x1e"   # a dropped space or mark between two Latin letters or digits (keeps "ok sb" two words)
MASK = "\x1d"   # banned words blanked out while looking for a polite context
_EDGE = frozenset((SEP, JOIN))
GAP = 6         # how many characters "…" may stand for
_STRONG = frozenset("，,。！!？?；;：:、~～…\n\r\t")
_NEGATIVE_PROMISE = re.compile("不会|不能|不给|不帮|不可能|没法|没办法|无法|不想|不愿|不打算|不准备|别想|拒绝|不用")
_NEGATION = re.compile("[不没别无]")
_NOT_A_VERB = frozenset("这那我你您他她它")
_TICKET = re.compile(r"[a-z]{2,4}-\d{6,8}-\d{2,6}", re.IGNORECASE)
_NUM = "[0-9一二两三四五六七八九十]"
_DAY = "(?:今天|明天|后天|今晚|明早|周[一二三四五六日天]|星期[一二三四五六日天])"
_PART = "(?:上午|下午|中午|晚上|早上|傍晚)"
_CLOCK = rf"(?:{_NUM}{{1,3}}(?:点|:\d\d)(?:半|{_NUM}{{1,2}}分)?)"
_TIME = re.compile(rf"{_DAY}?{_PART}{_CLOCK}?|{_DAY}{_CLOCK}|\d{{1,2}}:\d\d"
                   rf"|[0-9一二两三四五六七八九十半]+(?:分钟|个?小时)(?:内|以内|之内|后|左右)?")


class EtiquetteRulesError(Exception):
    """The rules file cannot be used; the message is one line naming the file and the entry."""


@dataclass(frozen=True)
class Violation:
    phrase: str
    category: str
    start: int
    end: int


@dataclass(frozen=True)
class Verdict:
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


# ---------------------------------------------------------------- skeleton

_CLAUSE, _DROP = "\x00", "\x01"
_KIND: dict[str, str] = {}   # char + folded char -> _CLAUSE, _DROP, or the character to keep


def _kind(ch: str, folded: str) -> str:
    key = ch + folded
    kind = _KIND.get(key)
    if kind is None:
        # NFKC turns styled letters (𝐬𝐛, ⓢⓑ) into plain ones; keep one character per character.
        plain = unicodedata.normalize("NFKC", folded)
        plain = plain if len(plain) == 1 else folded
        if ch in _STRONG or plain in _STRONG:
            kind = _CLAUSE
        elif is_symbol(plain):
            kind = _DROP
        else:
            lower = plain.lower()
            kind = lower if len(lower) == 1 else plain
        _KIND[key] = kind
    return kind


def skeleton(text: str) -> tuple[str, list[int]]:
    """The normalised skeleton of a text and, for each of its characters, the offset in the text."""
    chars: list[str] = []
    offsets: list[int] = []
    dropped = False
    for i, (ch, folded) in enumerate(zip(text, fold(text))):
        kind = _kind(ch, folded)
        if kind == _CLAUSE:
            if chars and chars[-1] != SEP:
                chars.append(SEP)
                offsets.append(i)
            dropped = False
        elif kind == _DROP:
            dropped = True
        else:
            if dropped and chars and chars[-1].isascii() and chars[-1].isalnum() and kind.isascii() \
                    and kind.isalnum():
                chars.append(JOIN)
                offsets.append(i - 1)
            chars.append(kind)
            offsets.append(i)
            dropped = False
    while chars and chars[-1] == SEP:
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def _skeleton_text(text: str) -> str:
    return skeleton(text)[0]


# ---------------------------------------------------------------- phrase compiler

class _RulesProblem(ValueError):
    """A problem in the rules file; load() turns it into a one-line EtiquetteRulesError."""


@dataclass(frozen=True)
class _Notation:
    """What phrases of the rules file may refer to: spelling variants and named word lists."""
    spellings: list[tuple[str, list[str]]]
    words: dict[str, list[str]]


_WORD_REF = re.compile(r"\{([^{},\d\s][^{},]*)\}")   # {name}; never a regex quantifier like {1,6}


def _expand_words(source: str, notation: _Notation, as_regex: bool) -> str:
    """{name} replaced by the words of that list: (a|b|c) in a phrase, (?:…) in a regex."""
    if "{" not in source:
        return source

    def one(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in notation.words:
            raise _RulesProblem(f"uses an unknown word list {{{name}}} (see words)")
        words = notation.words[name]
        if as_regex:
            return "(?:" + "|".join(compile_phrase(w, notation.spellings, False) for w in words) + ")"
        return "(" + "|".join(words) + ")"

    return _WORD_REF.sub(one, source)


def _literal(text: str, spellings: list[tuple[str, list[str]]], joint: str) -> list[str]:
    """Regex pieces for plain characters: each spelling variant an alternative, each char repeatable."""
    pieces, i = [], 0
    while i < len(text):
        for canonical, variants in spellings:
            if text.startswith(canonical, i):
                alternatives = [_chars(s, joint) for s in sorted({canonical, *variants}, key=len, reverse=True)]
                pieces.append("(?:" + "|".join(alternatives) + ")")
                i += len(canonical)
                break
        else:
            pieces.append(_chars(text[i], joint))
            i += 1
    return pieces


def _chars(text: str, joint: str) -> str:
    return joint.join(f"{re.escape(c)}(?:{joint}{re.escape(c)})*" for c in text)


def _clean(text: str) -> str:
    return "".join(c.lower() for c in fold(text) if not is_symbol(c) or c in "()|…")


def compile_phrase(source: str, spellings: list[tuple[str, list[str]]], evasive: bool = True) -> str:
    """The regex source of a phrase written in the rules-file notation (plain text, …, (a|b|), nesting).

    evasive: a clause mark between two characters still matches (不，知，道); used for banned
    phrases, not for the harmless words and polite contexts.
    """
    text = _clean(source.replace("...", "…"))
    letters = [c for c in text if c not in "…()|"]
    if not letters:
        raise _RulesProblem("is empty")
    if text.startswith("…") or text.endswith("…"):
        raise _RulesProblem("starts or ends with …")
    joint = f"[{JOIN}{SEP}]?" if evasive else f"{JOIN}?"
    items, i = _sequence(text, 0, spellings, joint)
    if i < len(text):
        raise _RulesProblem(f"has a {text[i]} outside (…)")
    regex = _joined(items, joint)
    if letters[0].isascii() and letters[0].isalnum():
        regex = "(?<![a-z0-9])" + regex
    if letters[-1].isascii() and letters[-1].isalnum():
        regex += "(?![a-z0-9])"
    return regex


def _sequence(text: str, i: int, spellings, joint: str) -> tuple[list[tuple[str, str]], int]:
    """Items ("lit" or "gap", regex) from position i up to a ) or | of the enclosing group."""
    items: list[tuple[str, str]] = []
    while i < len(text) and text[i] not in ")|":
        ch = text[i]
        if ch == "…":
            items.append(("gap", f"(?:[{JOIN}{SEP}]|[^{SEP}{MASK}]{{0,{GAP}}}?)"))
            i += 1
        elif ch == "(":
            alternatives = []
            while True:
                inner, i = _sequence(text, i + 1, spellings, joint)
                alternatives.append(_joined(inner, joint))
                if i >= len(text):
                    raise _RulesProblem("has an unclosed (")
                if text[i] == ")":
                    break
            i += 1
            items.append(("lit", "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"))
        else:
            j = i
            while j < len(text) and text[j] not in "…()|":
                j += 1
            items.extend(("lit", p) for p in _literal(text[i:j], spellings, joint))
            i = j
    return items, i


def _joined(items: list[tuple[str, str]], joint: str) -> str:
    regex = ""
    for n, (kind, piece) in enumerate(items):
        if n and kind == "lit" and items[n - 1][0] == "lit":
            regex += joint
        regex += piece
    return regex


def _entry_regex(entry, notation: _Notation, evasive: bool) -> tuple[str, bool]:
    """(regex source, written as a regex) of one phrase entry; _RulesProblem when it is unusable."""
    if isinstance(entry, dict) and set(entry) == {"regex"} and isinstance(entry["regex"], str):
        if not entry["regex"].strip():
            raise _RulesProblem("is an empty regex")
        source = _expand_words(entry["regex"], notation, True)
        try:
            compiled = re.compile(source)
        except re.error as exc:
            raise _RulesProblem(f"is not a valid regex ({exc})") from None
        if compiled.match(""):
            raise _RulesProblem("is a regex that matches empty text")
        return source, True
    if isinstance(entry, (int, float)) and not isinstance(entry, bool):
        entry = str(entry)
    if not isinstance(entry, str):
        raise _RulesProblem("must be a phrase or {regex: ...}")
    source = compile_phrase(_expand_words(entry, notation, False), notation.spellings, evasive)
    if re.match(source, ""):
        raise _RulesProblem("can match nothing at all")
    return source, False


class _Matcher:
    """Phrases compiled into one regex (overlapping matches), each hand-written regex on its own.

    Every pattern knows the characters a match can start with (when they can be worked out), so a
    text holding none of them is skipped and the phrase regex is only tried where it can start.
    """

    def __init__(self, entries: list, notation: _Notation, where: str, overlapping: bool, evasive: bool):
        phrases, self._patterns = [], []
        for n, entry in enumerate(entries, 1):
            try:
                source, is_regex = _entry_regex(entry, notation, evasive)
            except _RulesProblem as exc:
                raise _RulesProblem(f"{where} entry {n} ({_show(entry)}) {exc}") from None
            if is_regex:
                self._patterns.append((re.compile(source), False, _first_chars(source)))
            else:
                phrases.append(source)
        if phrases:
            phrases = sorted(phrases, key=len, reverse=True)
            body = "|".join(phrases)
            firsts = [_first_chars(p) for p in phrases]
            if overlapping and None in firsts:
                self._patterns.insert(0, (re.compile(f"(?=({body}))"), True, None))
            elif overlapping:
                # tried only where a phrase can start, and then only the phrases that start there
                self._patterns.insert(0, (_ByFirst(phrases, firsts), True, frozenset().union(*firsts)))
            else:
                self._patterns.insert(0, (re.compile(body), False, _first_chars(body)))

    def spans(self, text: str):
        """(start, end) of every match in text, without a clause mark at either end."""
        for pattern, mode, first in self._patterns:
            if first is not None and first.isdisjoint(text):
                continue
            if mode is True:                       # overlapping, one try at each possible start
                if first is None:
                    found = (m.span(1) for m in pattern.finditer(text))
                else:
                    match = pattern.match
                    found = (m.span() for m in (match(text, i, c) for i, c in enumerate(text) if c in first) if m)
            else:
                found = (m.span() for m in pattern.finditer(text))
            for a, b in found:
                # an optional last part, "这有啥(的|)", must not swallow the next clause mark
                while a < b and text[a] in _EDGE:
                    a += 1
                while b > a and text[b - 1] in _EDGE:
                    b -= 1
                if a < b:
                    yield a, b


class _ByFirst:
    """Phrase alternatives grouped by their first character, each group compiled on first use.

    At one position the group of that character gives the same match as the whole alternation
    (the same alternatives in the same order; the others cannot start there) in far fewer tries.
    """

    def __init__(self, phrases: list[str], firsts: list[frozenset[str]]):
        self._phrases, self._firsts = phrases, firsts
        self._by_char: dict[str, re.Pattern] = {}

    def match(self, text: str, pos: int, char: str):
        pattern = self._by_char.get(char)
        if pattern is None:
            pattern = self._by_char[char] = re.compile(
                "|".join(p for p, first in zip(self._phrases, self._firsts) if char in first))
        return pattern.match(text, pos)


def _first_chars(source: str) -> frozenset[str] | None:
    """The characters every match of a regex starts with; None when that cannot be told."""
    try:
        first, nullable = _first_of(_sre_parse.parse(source))
    except Exception:   # an unusual construct: simply no shortcut
        return None
    return None if first is None or nullable or not first else frozenset(first)


def _first_of(items) -> tuple[set[str] | None, bool]:
    """(possible first characters, can match empty) of a parsed regex sequence."""
    result: set[str] = set()
    for op, av in items:
        first, nullable = _first_of_item(op, av)
        if first is None:
            return None, False
        result |= first
        if not nullable:
            return result, False
    return result, True


def _first_of_item(op, av) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        chars = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < 256:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:
                return None, False
        return chars, False
    if op is _sre.BRANCH:
        chars, empty = set(), False
        for alternative in av[1]:
            first, nullable = _first_of(alternative)
            if first is None:
                return None, False
            chars |= first
            empty |= nullable
        return chars, empty
    if op is _sre.SUBPATTERN:
        return _first_of(av[3])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        first, nullable = _first_of(av[2])
        return (None, False) if first is None else (first, nullable or av[0] == 0)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):   # zero-width: look at what follows
        return set(), True
    return None, False


def _show(entry) -> str:
    return str(entry).replace("\n", " ")[:40]


# ---------------------------------------------------------------- rules

@dataclass(frozen=True)
class _Context:
    name: str
    before: _Matcher | None
    after: _Matcher | None
    anywhere: _Matcher | None
    within: int | None
    not_after_negation: bool
    a_not_a: bool


@dataclass(frozen=True)
class _Rule:
    number: int
    category: str
    pattern: _Matcher
    contexts: tuple[_Context, ...]
    where: str


@dataclass(frozen=True)
class _Hit:
    start: int   # skeleton offsets
    end: int
    rule: _Rule


_TOP_KEYS = {"categories", "rules", "contexts", "harmless", "spellings", "words", "fillers"}
_CATEGORY_KEYS = {"name", "severity", "suggestion"}
_RULE_KEYS = {"category", "phrases", "allowed_when", "where", "note"}
_CONTEXT_KEYS = {"note", "before", "after", "anywhere", "within", "not_after_negation", "a_not_a"}


class EtiquetteFilter:
    """The compiled rules; check() is pure and thread-safe."""

    def __init__(self, rules: list[_Rule], harmless: _Matcher | None, fillers: frozenset[str],
                 categories: dict[str, dict], path: Path):
        self._rules, self._harmless, self._fillers = rules, harmless, fillers
        self._categories, self.path = categories, path
        self.model: etiquette_model.ToneModel | None = None

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULES, examples: tuple[Path, ...] | None = None,
             cache_dir: str | Path | None = None) -> "EtiquetteFilter":
        """Read and compile a rules file, with the learned model of the labelled `examples` (default:
        the bundled ones; () for the rules alone), kept trained in `cache_dir` when given;
        EtiquetteRulesError (one line) when not usable."""
        made = cls._load_rules(Path(path))
        try:
            made.model = etiquette_model.load(etiquette_model.example_files() if examples is None else tuple(examples),
                                              _skeleton_text, CATEGORIES, cache_dir)
        except etiquette_model.ExamplesError as exc:
            raise EtiquetteRulesError(str(exc)) from None
        made._check_suggestions()
        return made

    @classmethod
    def _load_rules(cls, path: Path) -> "EtiquetteFilter":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise EtiquetteRulesError(f"{path}: cannot read the rules file ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise EtiquetteRulesError(f"{path}: not valid YAML{where}: {' '.join(str(problem).split())}") from None
        try:
            return cls._build(data, path)
        except _RulesProblem as exc:
            raise EtiquetteRulesError(f"{path}: {' '.join(str(exc).split())}") from None

    @classmethod
    def _build(cls, data, path: Path) -> "EtiquetteFilter":
        if not isinstance(data, dict):
            raise _RulesProblem("the file must be a mapping with categories, rules and contexts")
        _known_keys(data, _TOP_KEYS, "the file")
        spellings = _spellings(data.get("spellings") or {})
        notation = _Notation(spellings, _words(data.get("words"), spellings))
        categories = _categories(data.get("categories"))
        contexts = {name: _context(name, spec, notation) for name, spec in _mapping(data.get("contexts"),
                                                                                     "contexts").items()}
        rules = [_rule(n, spec, categories, contexts, notation)
                 for n, spec in enumerate(_list(data.get("rules"), "rules"), 1)]
        if not rules:
            raise _RulesProblem("rules: no rule groups")
        harmless_entries = _list(data.get("harmless"), "harmless")
        harmless = _Matcher(harmless_entries, notation, "harmless", True, False) if harmless_entries else None
        fillers = data.get("fillers") or ""
        if not isinstance(fillers, str):
            raise _RulesProblem("fillers: must be one line of characters")
        return cls(rules, harmless, frozenset(_clean(fillers)) | {JOIN}, categories, path)

    def _check_suggestions(self) -> None:
        for name, spec in self._categories.items():
            text = spec["suggestion"].format(facts="")
            found = self._violations(text)
            if found:
                raise EtiquetteRulesError(f"{self.path}: categories.{name}.suggestion is itself banned "
                                          f"({found[0].phrase!r}, {found[0].category})")

    def check(self, text: str) -> Verdict:
        """The verdict on one staff reply."""
        violations = self._violations(text)
        if not violations:
            return Verdict(text, True, (), None)
        return Verdict(text, False, tuple(violations), self._suggest(text, violations))

    # -- matching

    def _violations(self, text: str) -> list[Violation]:
        """What the rules find, or else what the learned model finds (its worst clause)."""
        skel, offsets = skeleton(text)
        if not skel:
            return []
        found = self._rule_violations(text, skel, offsets)
        if found or self.model is None:
            return found
        hit = self.model.hit(skel, SEP)
        if hit is None:
            return []
        start, end = offsets[hit.start], offsets[hit.end - 1] + 1
        return [Violation(text[start:end], hit.category, start, end)]

    def _rule_violations(self, text: str, skel: str, offsets: list[int]) -> list[Violation]:
        hits = [_Hit(a, b, rule) for rule in self._rules for a, b in rule.pattern.spans(skel)]
        if not hits:
            return []
        harmless = list(self._harmless.spans(skel)) if self._harmless else []
        hits = [h for h in hits if self._placed(skel, h) and not any(
            a < h.end and h.start < b and (a < h.start or h.end < b) for a, b in harmless)]
        masked = _mask(skel, hits) if any(h.rule.contexts for h in hits) else skel
        kept = [h for h in hits if not any(_holds(c, skel, masked, h) for c in h.rule.contexts)]
        if len(kept) < len(hits) and any(h.rule.contexts for h in kept):
            # words excused by their own context (我们已经联系楼上) are polite: they may excuse the rest
            masked = _mask(skel, kept)
            kept = [h for h in kept if not any(_holds(c, skel, masked, h) for c in h.rule.contexts)]
        kept = [h for h in kept if not any(o is not h and o.start <= h.start and h.end <= o.end
                                           and (o.end - o.start) > (h.end - h.start) for o in kept)]
        seen, violations = set(), []
        for hit in sorted(kept, key=lambda h: (h.start, -h.end, h.rule.number)):
            if (hit.start, hit.end) in seen:
                continue
            seen.add((hit.start, hit.end))
            start, end = offsets[hit.start], offsets[hit.end - 1] + 1
            violations.append(Violation(text[start:end], hit.rule.category, start, end))
        return violations

    def _placed(self, skel: str, hit: _Hit) -> bool:
        if hit.rule.where == "anywhere":
            return True
        begin, finish = _clause(skel, hit.start, hit.end)
        after_ok = all(c in self._fillers for c in skel[hit.end:finish])
        if hit.rule.where == "clause_end":
            return after_ok
        if hit.rule.where == "whole":   # the whole reply is these words: 嗯？ / 哦。 (not 嗯嗯，好的)
            begin, finish = 0, len(skel)
        # alone: nothing else in the clause but fillers, or the same words said again (下班了下班了)
        rest = (skel[begin:hit.start] + SEP + skel[hit.end:finish]).replace(skel[hit.start:hit.end], "")
        return all(c in self._fillers or c == SEP for c in rest)

    # -- suggestion

    def _suggest(self, text: str, violations: list[Violation]) -> str:
        worst = max(violations, key=lambda v: self._categories[v.category]["severity"])
        template = self._categories[worst.category]["suggestion"]
        facts = _facts(text)
        if facts:
            candidate = template.format(facts=facts)
            if not self._violations(candidate):
                return candidate
        return template.format(facts="")


def _clause(skel: str, start: int, end: int) -> tuple[int, int]:
    begin = skel.rfind(SEP, 0, start) + 1
    finish = skel.find(SEP, end)
    return begin, (len(skel) if finish < 0 else finish)


def _mask(skel: str, hits: list[_Hit]) -> str:
    chars = list(skel)
    for hit in hits:
        for i in range(hit.start, hit.end):
            if chars[i] != SEP:
                chars[i] = MASK
    return "".join(chars)


def _holds(context: _Context, skel: str, masked: str, hit: _Hit) -> bool:
    begin, finish = _clause(skel, hit.start, hit.end)
    if context.a_not_a and _a_not_a(skel, begin, hit):
        return True
    if context.before is not None:
        prefix = skel[begin:hit.start]
        if any(context.within is None or len(prefix) - b <= context.within for _, b in context.before.spans(prefix)):
            return True
    if context.after is not None:
        if any(context.within is None or a <= context.within for a, _ in context.after.spans(skel[hit.end:finish])):
            return True
    if context.anywhere is not None:
        for a, b in context.anywhere.spans(masked):
            window = skel[max(0, a - 4):a].rsplit(SEP, 1)[-1]
            if not (context.not_after_negation and (_NEGATIVE_PROMISE.search(window)
                                                    or _NEGATION.search(masked, a, b))):
                return True
    return False


def _a_not_a(skel: str, begin: int, hit: _Hit) -> bool:
    """行不行, 在不在, 有没有空, 方便不方便: the words before 不/没 repeat the words after it."""
    word = skel[hit.start:hit.end]
    if word[:1] not in ("不", "没") or word[1:2] in _NOT_A_VERB:   # 这没这项业务 is no question
        return False
    return any(hit.start - k >= begin and skel[hit.start - k:hit.start] == word[1:1 + k] for k in (1, 2))


def _facts(text: str) -> str:
    """Ticket codes and times of the original reply, as a short parenthesis for the suggestion."""
    folded = fold(text)
    parts = [f"工单号 {text[m.start():m.end()]}" for m in _TICKET.finditer(folded)]
    times = list(dict.fromkeys(text[m.start():m.end()] for m in _TIME.finditer(folded)))
    if times:
        parts.append("时间：" + "、".join(times[:2]))
    return f"（{'，'.join(parts)}）" if parts else ""


# ---------------------------------------------------------------- rules-file sections

def _known_keys(spec: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, spec)) - allowed)
    if unknown:
        raise _RulesProblem(f"{where}: unknown key {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})")


def _mapping(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _RulesProblem(f"{where}: must be a mapping")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _RulesProblem(f"{where}: must be a list")
    return value


def _spellings(value) -> list[tuple[str, list[str]]]:
    result = []
    for canonical, variants in _mapping(value, "spellings").items():
        variants = variants if isinstance(variants, list) else [variants]
        cleaned = [_clean(str(v)) for v in variants]
        if not _clean(str(canonical)) or not all(cleaned):
            raise _RulesProblem(f"spellings.{canonical}: empty spelling")
        result.append((_clean(str(canonical)), cleaned))
    return sorted(result, key=lambda item: len(item[0]), reverse=True)


def _words(value, spellings) -> dict[str, list[str]]:
    result = {}
    for name, words in _mapping(value, "words").items():
        name = str(name).strip()
        if not _WORD_REF.fullmatch("{" + name + "}"):
            raise _RulesProblem(f"words.{name}: a list name cannot be empty, start with a digit or hold , {{ }}")
        words = words if isinstance(words, list) else [words]
        cleaned = [str(w).strip() for w in words if not isinstance(w, (dict, list))]
        if not cleaned or len(cleaned) != len(words) or not all(_clean(w) for w in cleaned):
            raise _RulesProblem(f"words.{name}: must be a list of words, none empty")
        if any("{" in w or "}" in w for w in cleaned):
            raise _RulesProblem(f"words.{name}: a word list cannot refer to another list")
        for word in cleaned:
            try:
                compile_phrase(word, spellings, False)
            except _RulesProblem as exc:
                raise _RulesProblem(f"words.{name}: {word!r} {exc}") from None
        result[name] = cleaned
    return result


def _categories(value) -> dict[str, dict]:
    result = {}
    for name, spec in _mapping(value, "categories").items():
        where = f"categories.{name}"
        if name not in CATEGORIES:
            raise _RulesProblem(f"{where}: unknown category (expected one of {', '.join(CATEGORIES)})")
        spec = _mapping(spec, where)
        _known_keys(spec, _CATEGORY_KEYS, where)
        suggestion = spec.get("suggestion")
        if not isinstance(suggestion, str) or not suggestion.strip():
            raise _RulesProblem(f"{where}: missing suggestion")
        try:
            suggestion.format(facts="")
        except (KeyError, IndexError, ValueError) as exc:
            raise _RulesProblem(f"{where}.suggestion: only {{facts}} may be used in braces ({exc})") from None
        severity = spec.get("severity", 0)
        if not isinstance(severity, int):
            raise _RulesProblem(f"{where}.severity: must be a whole number")
        result[name] = {"suggestion": suggestion.strip(), "severity": severity}
    missing = [c for c in CATEGORIES if c not in result]
    if missing:
        raise _RulesProblem(f"categories.{missing[0]}: missing (every category needs a suggestion)")
    return result


def _context(name: str, spec, notation: _Notation) -> _Context:
    where = f"contexts.{name}"
    spec = _mapping(spec, where)
    _known_keys(spec, _CONTEXT_KEYS, where)
    parts = {}
    for key in ("before", "after", "anywhere"):
        entries = _list(spec.get(key), f"{where}.{key}")
        parts[key] = _Matcher(entries, notation, f"{where}.{key}", False, False) if entries else None
    a_not_a = bool(spec.get("a_not_a", False))
    if not any(parts.values()) and not a_not_a:
        raise _RulesProblem(f"{where}: needs before, after, anywhere or a_not_a")
    within = spec.get("within")
    if within is not None and (not isinstance(within, int) or within < 0):
        raise _RulesProblem(f"{where}.within: must be a whole number")
    return _Context(name, parts["before"], parts["after"], parts["anywhere"], within,
                    bool(spec.get("not_after_negation", False)), a_not_a)


def _rule(number: int, spec, categories, contexts, notation: _Notation) -> _Rule:
    where = f"rules[{number}]"
    spec = _mapping(spec, where)
    _known_keys(spec, _RULE_KEYS, where)
    category = spec.get("category")
    if category not in categories:
        raise _RulesProblem(f"{where}: unknown category {category!r} (expected one of {', '.join(CATEGORIES)})")
    where = f"{where} ({category})"
    phrases = _list(spec.get("phrases"), f"{where}.phrases")
    if not phrases:
        raise _RulesProblem(f"{where}: no phrases")
    names = _list(spec.get("allowed_when"), f"{where}.allowed_when")
    for name in names:
        if name not in contexts:
            raise _RulesProblem(f"{where}.allowed_when: unknown context {name!r}")
    place = spec.get("where", "anywhere")
    if place not in PLACES:
        raise _RulesProblem(f"{where}.where: {place!r} (expected one of {', '.join(PLACES)})")
    pattern = _Matcher(phrases, notation, f"{where}.phrases", True, True)
    return _Rule(number, category, pattern, tuple(contexts[n] for n in names), place)
