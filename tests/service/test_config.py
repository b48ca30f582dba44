"""Settings as operators write them in the environment: parsed, or refused with one line naming them."""
from __future__ import annotations

import pytest

from config import ConfigError, load_config


def _load(**environ):
    return load_config(environ=environ, dotenv_path=None)


def test_group_routes_are_read_from_their_text_form():
    routes = _load(TELEGRAM_GROUP_ROUTES="water, lift=-1001; complaint,inquiry=-1002")["TELEGRAM_GROUP_ROUTES"]
    assert routes == (("water", -1001), ("lift", -1001), ("complaint", -1002), ("inquiry", -1002))


@pytest.mark.parametrize("raw", ["water", "water=abc", "=-1001"])
def test_malformed_routes_stop_start_up_naming_the_setting(raw):
    with pytest.raises(ConfigError, match=r"^TELEGRAM_GROUP_ROUTES: "):
        _load(TELEGRAM_GROUP_ROUTES=raw)


def test_chat_id_lists_and_service_hours_are_checked():
    assert _load(TELEGRAM_MANAGER_CHAT_IDS="1, 2,3")["TELEGRAM_MANAGER_CHAT_IDS"] == (1, 2, 3)
    with pytest.raises(ConfigError, match=r"^SERVICE_HOURS: "):
        _load(SERVICE_HOURS="08:30-25:00")
