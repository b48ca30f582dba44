"""Kept so that `from handlers.knowledge_cli import kb_cli` in app.py works until it imports handlers.knowledge.cli."""
from handlers.knowledge.cli import kb_cli

__all__ = ["kb_cli"]
