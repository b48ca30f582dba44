"""The inquiry knowledge base (咨询): entries the property company edits, and the classifier that finds them."""
from .base import ANSWER_AT, DEFAULT_FILE, SUGGEST_AT, UNKNOWN_AT, Decision, KnowledgeBase, Match, load
from .entries import Entry, KnowledgeBaseError

__all__ = ["ANSWER_AT", "DEFAULT_FILE", "SUGGEST_AT", "UNKNOWN_AT", "Decision", "Entry", "KnowledgeBase",
           "KnowledgeBaseError", "Match", "load"]
