"""Everything residents read about bindings passes the desk's own etiquette filter (no 服务禁用语)."""
from __future__ import annotations

import pytest

from handlers.bindings import words
from handlers.campaigns import words as campaign_words
from handlers.etiquette import EtiquetteFilter

ADDRESS = "锦绣花园3栋2单元1201"
TEXTS = [value for name, value in vars(words).items() if name.isupper() and isinstance(value, str)] + [
    words.which_estate(["锦绣花园", "阳光城"]), words.confirm_house(ADDRESS, "张*"),
    words.confirm_houses(words.numbered([ADDRESS, "阳光城1栋1单元101"])), words.bound([ADDRESS], "owner"),
    words.already(ADDRESS), words.submitted(ADDRESS, "tenant", "明天 10:30"), words.approved(ADDRESS, "family"),
    words.refused(ADDRESS), words.delayed(ADDRESS), words.house_list(["· " + ADDRESS], ["· 阳光城1栋1单元101"]),
    words.pick_unbind(["1. " + ADDRESS]), words.confirm_unbind([ADDRESS], True), words.unbound([ADDRESS], True),
    words.unbound([ADDRESS], False), words.pick_house(["1. " + ADDRESS]),
    campaign_words.survey("锦绣花园", "monthly", ADDRESS), campaign_words.thanks(5, None),
    campaign_words.thanks(1, "BX-20261201-0001")]


@pytest.fixture(scope="module")
def etiquette() -> EtiquetteFilter:
    return EtiquetteFilter.load()


@pytest.mark.parametrize("text", TEXTS)
def test_every_text_residents_read_is_polite(etiquette, text):
    verdict = etiquette.check(text)
    assert verdict.allowed, (text, verdict.violations)
