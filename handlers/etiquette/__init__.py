"""The etiquette filter (服务禁用语): staff replies are checked before a resident sees them.

skeleton   the normalised text the rules and the model read, with offsets into the original
notation   the rules file's phrase notation compiled to regexes
matcher    phrases and regexes found fast in a skeleton
rules      reading the rules file (data/etiquette.yml) into rule groups
matching   hits, their placement and the polite contexts that excuse them
model      the learned second opinion (data/examples/)
suggest    the polite rewrite of a blocked reply
filter     EtiquetteFilter: check(text) -> Verdict
evaluation and cli: `wuye etiquette check | evaluate`
"""
from .filter import EtiquetteFilter
from .rules import CATEGORIES, DEFAULT_RULES, EtiquetteRulesError
from .skeleton import skeleton, skeleton_text
from .verdict import Verdict, Violation

__all__ = ["CATEGORIES", "DEFAULT_RULES", "EtiquetteFilter", "EtiquetteRulesError", "Verdict", "Violation",
           "skeleton", "skeleton_text"]
