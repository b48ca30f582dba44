"""Kept only for app.py's `from handlers.etiquette_cli import etiquette_cli` until it imports
handlers.etiquette.cli directly (the lead changes app.py at merge); then delete this file."""
from handlers.etiquette.cli import etiquette_cli

__all__ = ["etiquette_cli"]
