"""The banned-phrase filter (服务禁用语): every staff reply is checked before a resident sees it.

A reply is read as its skeleton (skeleton.py), the rule groups of the rules file (rules.py) are
looked for in it and excused by polite contexts (matching.py); what the rules let through gets a
second opinion from the learned tone model (model.py). A blocked reply gets a polite rewrite
(suggest.py), itself checked.
"""
from __future__ import annotations

from pathlib import Path

from . import model as tone
from .matching import rule_violations
from .rules import CATEGORIES, DEFAULT_RULES, EtiquetteRulesError, Rules, read_rules
from .skeleton import SEP, skeleton, skeleton_text
from .suggest import suggest
from .verdict import Verdict, Violation


class EtiquetteFilter:
    """The compiled rules and the tone model; check() is pure and thread-safe."""

    def __init__(self, rules: Rules, model: tone.ToneModel | None = None):
        self._rules, self.model = rules, model
        self.path = rules.path

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

    def _check_suggestions(self) -> None:
        wording = self._rules.wording
        texts = {f"categories.{name}.suggestion": spec["suggestion"].format(facts="")
                 for name, spec in self._rules.categories.items()}
        texts.update({f"categories.{name}.rewrite": frame.format(reply="")
                      for name, frame in wording.frames.items()})
        texts.update({"rewrites.takeover": wording.takeover.format(party="燃气公司"),
                      "rewrites.time": wording.time.format(time="明天上午"),
                      "rewrites.phone": wording.phone.format(phone="96577")})
        for where, text in texts.items():
            found = self.violations(text)
            if found:
                raise EtiquetteRulesError(f"{self.path}: {where} is itself banned "
                                          f"({found[0].phrase!r}, {found[0].category})")

    def check(self, text: str) -> Verdict:
        """The verdict on one staff reply."""
        violations = self.violations(text)
        if not violations:
            return Verdict(text, True, (), None)
        suggestion = suggest(text, violations, self._rules, self.violations, self.rule_violations)
        return Verdict(text, False, tuple(violations), suggestion)

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
