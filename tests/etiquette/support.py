"""Helpers of the etiquette tests."""
from __future__ import annotations

from pathlib import Path

import yaml

from handlers.etiquette import DEFAULT_RULES, EtiquetteFilter, Verdict

DATA = Path(__file__).parent.parent / "data"
EXAMPLES = Path(__file__).parents[2] / "handlers" / "etiquette" / "data" / "examples"


def blocked_as(etiquette: EtiquetteFilter, text: str) -> Verdict:
    """The verdict on a reply that must be blocked, with violations and a suggestion."""
    verdict = etiquette.check(text)
    assert not verdict.allowed, f"should be blocked: {text}"
    assert verdict.violations and verdict.suggestion
    return verdict


def write_rules(tmp_path: Path, change) -> Path:
    """A copy of the bundled rules file, changed by change(data)."""
    data = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
