"""`wuye estate ...` through the application's command line, as an operator uses it."""
from __future__ import annotations

import json

import pytest

from handlers.estates.cli import estate_cli

ROSTER = """小区,楼栋,单元,房号,业主姓名,业主电话,入住状态
锦绣花园,3栋,2单元,1201,张三,13812345678,已入住
锦绣花园,3栋,2单元,1202,,,空置
锦绣花园,3栋,2单元,1202,,,空置
锦绣花园,东边那栋,1,101,,,
"""


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(estate_cli, list(args), catch_exceptions=False)
        return result
    return invoke


def test_import_list_show(run, write):
    result = run("import", str(write("roster.csv", ROSTER)))
    assert result.exit_code == 0, result.output
    assert "读取 4 行，导入 2 行，拒绝 2 行" in result.output
    assert "拒绝 第4行 [duplicate_house] 与第3行是同一套房屋" in result.output
    assert "拒绝 第5行 [bad_building] 楼栋“东边那栋”无法识别" in result.output
    assert "新建小区：锦绣花园" in result.output
    listed = json.loads(run("list", "--json").output)
    jx = next(row for row in listed if row["name"] == "锦绣花园")
    assert (jx["buildings"], jx["units"], jx["houses"], jx["occupied"]) == (1, 1, 2, 1)
    shown = json.loads(run("show", "锦绣花园", "--json").output)
    assert shown["buildings"] == {"3": ["2"]}
    assert shown["settings"]["sla_arrival_minutes"] == {"value": 120, "from": "environment"}


def test_import_json_report_and_bad_file(run, write):
    report = json.loads(run("import", str(write("roster.csv", ROSTER)), "--json").output)
    assert [(p["row"], p["code"]) for p in report["refused"]] == [(4, "duplicate_house"), (5, "bad_building")]
    result = run("import", str(write("bad.csv", "房号\n101\n")))
    assert result.exit_code == 1 and "表头缺少列：楼栋、小区" in result.output


def test_aliases_areas_and_check(run, write):
    run("import", str(write("roster.csv", ROSTER)))
    assert run("alias", "add", "锦绣花园", "锦绣").exit_code == 0
    assert run("alias", "add", "锦绣", "JX").exit_code == 0          # an alias names the estate too
    assert run("add", "锦绣江南", "--alias", "江南").exit_code == 0
    clash = run("alias", "add", "锦绣江南", "jx")
    assert clash.exit_code == 1 and "已是锦绣花园的名称或别名" in clash.output
    assert run("area", "锦绣花园", "会所", "--alias", "活动中心").exit_code == 0
    checked = json.loads(run("check", "JX三号楼二单元1201室漏水了", "--json").output)
    assert checked["estates"] == ["锦绣花园"] and checked["status"] == "found"
    missing = json.loads(run("check", "锦绣3栋2单元1701", "--json").output)
    assert missing["question"] == "锦绣花园3栋2单元没有查到1701室，麻烦您核对一下房号。"
    area = json.loads(run("check", "活动中心的空调坏了", "--estate", "锦绣花园", "--json").output)
    assert area["public_area"] == "会所"
    assert run("alias", "remove", "锦绣花园", "JX").exit_code == 0
    assert json.loads(run("check", "JX 3栋", "--json").output)["estates"] == []


def test_set_unset_and_refusals(run, write, tmp_path):
    run("add", "锦绣花园", "--code", "JX")
    result = run("set", "JX", "SLA_ARRIVAL_MINUTES", "90", "--by", "张经理")
    assert result.exit_code == 0 and "sla_arrival_minutes: 120 -> 90" in result.output
    assert run("set", "--company", "holiday_calendar", "cn").exit_code == 0
    refused = run("set", "锦绣花园", "service_hours", "25:00-26:00")
    assert refused.exit_code == 1 and "锦绣花园: service_hours: expected HH:MM-HH:MM" in refused.output
    knowledge = tmp_path / "kb.yml"
    knowledge.write_text("entries:\n- id: office\n  questions: [服务中心几点上班]\n  answer: 您好，每天8:30-18:00。\n",
                         encoding="utf-8")
    assert run("set", "锦绣花园", "knowledge", f"@{knowledge}").exit_code == 0
    shown = json.loads(run("show", "锦绣花园", "--json").output)
    assert shown["settings"]["sla_arrival_minutes"] == {"value": 90, "from": "estate"}
    assert shown["settings"]["holiday_calendar"] == {"value": "cn", "from": "company"}
    assert shown["settings"]["knowledge"]["value"][0]["id"] == "office"
    assert shown["changes"][-1] == {**shown["changes"][-1], "actor": "张经理", "field": "sla_arrival_minutes",
                                    "old": None, "new": 90}
    assert run("set", "锦绣花园", "sla_arrival_minutes", "--unset").exit_code == 0
    assert json.loads(run("show", "锦绣花园", "--json").output)["settings"]["sla_arrival_minutes"]["from"] \
        == "environment"
    assert run("show", "不存在小区").exit_code == 1


def test_the_command_is_registered_on_wuye():
    from app import cli
    assert cli.get_command(None, "estate") is estate_cli
