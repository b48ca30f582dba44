"""Shared by the etiquette tests: the filter with the bundled rules and model, loaded once."""
from __future__ import annotations

import pytest

from handlers.etiquette import EtiquetteFilter


@pytest.fixture(scope="session")
def etiquette() -> EtiquetteFilter:
    return EtiquetteFilter.load()
