"""The banned-phrase filter (服务禁用语): every staff reply is checked before a resident sees it.

A reply is read as its skeleton (skeleton.py), the rule groups of the rules file (rules.py) are
looked for in it and excused by polite contexts (matching.py); what the rules let through gets a
second opinion from the learned tone model (model.py). A blocked reply gets a polite rewrite
(suggest.py), itself checked.
"""
from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Iterable

from . import model as tone
from .matching import rule_violations
from .notation import RulesProblem
from .rules import CATEGORIES, DEFAULT_RULES, EtiquetteRulesError, Rules, extra_rule, read_rules
from .skeleton import SEP, skeleton, skeleton_text
from .suggest import suggest
from .verdict import Verdict, Violation


class EtiquetteFilter:
    """The compiled rules and the tone model; check() is pure and thread-safe."""

    EXTRA_KEPT = 64     # overlays of extra phrases kept compiled (one per estate and version of its list)

    def __init__(self, rules: Rules, model: tone.ToneModel | None = None):
        self._rules, self.model = rules, model
        self.path = rules.path
        self._overlays: OrderedDict[tuple, EtiquetteFilter] = OrderedDict()
        self._overlays_lock = threading.Lock()

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULES, examples: tuple[Path, ...] | None = None,
             cache_dir: str | Path | None = None) -> "EtiquetteFilter":
        """Read and compile a rules file, with the learned model of the labelled `examples` (default:
        the bundled ones; () for the rules alone), kept trained in `cache_dir` when given;
        EtiquetteRulesError (one line) when not usable."""
        rules = read_rules(Path(path))
        try:
            model = tone.load(tone.example_files() if examples is None else tuple(examples),
                              skeleton_text, CATEGORIES, cache_dir)
        except tone.ExamplesError as exc:
            raise EtiquetteRulesError(str(exc)) from None
        made = cls(rules, model)
        made._check_suggestions()
        return made

    def with_extra(self, phrases: Iterable[str], category: str = "rude") -> "EtiquetteFilter":
        """This filter and extra banned phrases (an estate's own; rules-file notation, any spelling,
        banned in every context) in `category`. The rules file is not read again, and the compiled
        overlay is kept: asking again with the same phrases is a dictionary look-up.
        EtiquetteRulesError (one line naming the entry) when a phrase cannot be used."""
        phrases = tuple(phrases)
        if not phrases:
            return self
        key = (tuple(map(repr, phrases)), category)     # {regex: …} entries are dicts
        with self._overlays_lock:
            if key in self._overlays:
                self._overlays.move_to_end(key)
                return self._overlays[key]
        overlay = self._overlay(list(phrases), category)
        with self._overlays_lock:
            self._overlays[key] = overlay
            while len(self._overlays) > self.EXTRA_KEPT:
                self._overlays.popitem(last=False)
        return overlay

    def _overlay(self, phrases: list, category: str) -> "EtiquetteFilter":
        rules = self._rules
        try:
            extra = extra_rule(len(rules.rules) + 1, phrases, category, rules.notation)
        except RulesProblem as exc:
            raise EtiquetteRulesError(" ".join(str(exc).split())) from None
        overlay = EtiquetteFilter(dataclasses.replace(rules, rules=(*rules.rules, extra)), self.model)
        overlay._check_suggestions("extra phrases: they ban ")
        return overlay

    def _check_suggestions(self, where: str | None = None) -> None:
        wording = self._rules.wording
        texts = {f"categories.{name}.suggestion": spec["suggestion"].format(facts="")
                 for name, spec in self._rules.categories.items()}
        texts.update({f"categories.{name}.rewrite": frame.format(reply="")
                      for name, frame in wording.frames.items()})
        texts.update({"rewrites.takeover": wording.takeover.format(party="燃气公司"),
                      "rewrites.time": wording.time.format(time="明天上午"),
                      "rewrites.busy": wording.busy.format(time="今天"),
                      "rewrites.colleague": wording.colleague,
                      "rewrites.phone": wording.phone.format(phone="96577")})
        for name, text in texts.items():
            found = self.violations(text)
            if found:
                problem = f"{where}{name}" if where else f"{self.path}: {name} is itself banned"
                raise EtiquetteRulesError(f"{problem} ({found[0].phrase!r}, {found[0].category})")

    def check(self, text: str) -> Verdict:
        """The verdict on one staff reply."""
        violations = self.violations(text)
        if not violations:
            return Verdict(text, True, (), None)
        suggestion = suggest(text, violations, self._rules, self.violations, self.rule_violations, self._sounds_rude)
        return Verdict(text, False, tuple(violations), suggestion)

    def _sounds_rude(self, text: str) -> bool:
        """The tone model, on this clause alone, finds it likely banned (model.REWRITE_DOUBT)."""
        polite = text.replace("你们", "您").replace("你", "您")
        return self.model is not None and self.model.probability(skeleton_text(polite)) > tone.REWRITE_DOUBT

    def rule_violations(self, text: str) -> list[Violation]:
        """What the rules alone find in a text."""
        skel, offsets = skeleton(text)
        return rule_violations(self._rules, text, skel, offsets) if skel else []

    def violations(self, text: str) -> list[Violation]:
        """What the rules find, or else what the learned model finds (its worst clause)."""
        skel, offsets = skeleton(text)
        if not skel:
            return []
        found = rule_violations(self._rules, text, skel, offsets)
        if found or self.model is None:
            return found
        hit = self.model.hit(skel, SEP)
        if hit is None:
            return []
        start, end = offsets[hit.start], offsets[hit.end - 1] + 1
        return [Violation(text[start:end], hit.category, start, end)]
