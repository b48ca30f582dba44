"""Fixtures of the binding tests: a staffed desk (fake Telegram and WeChat APIs) with two estates' rosters."""
from __future__ import annotations

import pytest

from handlers.estates import admin
from handlers.estates.roster_import import import_roster

from ..conftest import WeChatUser
from ..staffing import register_staff, settings

MANAGERS_CHAT = -1002000000009
ROSTER = """小区,楼栋,单元,房号,业主姓名,业主电话,入住状态
锦绣花园,3栋,1单元,1201,张三,13812345678,已入住
锦绣花园,3栋,2单元,1201,李四,13900001111,已入住
锦绣花园,3栋,2单元,1202,王五,13812345678,已入住
锦绣花园,A座,,1502,赵六,,已入住
阳光城,1号楼,1单元,101,钱七,13812345678,已入住
"""


@pytest.fixture
def staffed(make_app, fake_telegram, fake_wechat, tmp_path):
    app = make_app(**settings(fake_telegram, fake_wechat, TELEGRAM_MANAGER_CHAT_IDS=str(MANAGERS_CHAT)))
    desk = app.extensions["wuye"]
    register_staff(desk)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    import_roster(desk.sessions, roster)
    admin.add_alias(desk.sessions, "锦绣花园", "锦绣")
    return app


@pytest.fixture
def desk(staffed):
    return staffed.extensions["wuye"]


@pytest.fixture
def owner(staffed):
    """A resident whose phone is the roster's owner phone of three houses."""
    return WeChatUser(staffed.test_client(), "o_owner_0001")


@pytest.fixture
def relative(staffed):
    """A resident whose phone is in no roster."""
    return WeChatUser(staffed.test_client(), "o_relative_0002")
