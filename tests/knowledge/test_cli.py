"""`wuye kb ask` and `wuye kb evaluate`."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from handlers.knowledge.cli import kb_cli

from .conftest import ENTRIES, write_kb


def test_kb_ask_prints_the_decision_and_ranking_per_question(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    result = CliRunner().invoke(kb_cli, ["ask", "--kb", str(path)], input="快递柜在哪儿\n\n物业费在哪交\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["entry"] for line in lines] == ["parcel", "fee"]
    assert lines[0]["decision"] in ("answer", "offer", "ticket") and len(lines[0]["ranking"]) == 3
    assert lines[0]["ranking"][0]["score"] >= lines[0]["ranking"][1]["score"] and 0 <= lines[0]["none"] <= 1


def _queries(path, queries):
    path.write_text(yaml.safe_dump({"queries": queries}, allow_unicode=True), encoding="utf-8")
    return path


def test_kb_evaluate_reports_each_file_separately(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    first = _queries(tmp_path / "first.yml", [
        {"text": "快递柜在哪儿", "expected": "parcel"}, {"text": "物业费在哪交", "expected": "fee"},
        {"text": "附近哪家火锅店好吃", "expected": None}])
    second = _queries(tmp_path / "second.yml", [{"text": "什么时候来水啊", "expected": "water"}])
    args = ["evaluate", "--kb", str(path), "--file", str(first), "--file", str(second)]
    result = CliRunner().invoke(kb_cli, args + ["--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert list(reports) == [str(first), str(second)]
    assert reports[str(first)]["answerable"] == 2 and reports[str(first)]["first_right"] == 2
    assert reports[str(first)]["unanswerable"] == 1 and reports[str(first)]["unanswerable_ticket"] == 1
    assert reports[str(second)]["queries"] == 1
    text = CliRunner().invoke(kb_cli, args).output
    assert f"{first} (3 questions)" in text and f"{second} (1 questions)" in text
    assert "100.0%  (2/2)" in text


@pytest.mark.parametrize("content, problem", [
    ("queries: [{text: 快递在哪}]", "needs text and expected"),
    ("queries: [{text: 快递在哪, expected: nowhere}]", "not in the knowledge file: nowhere"),
    ("queries: [", "cannot read"),
])
def test_kb_evaluate_refuses_a_bad_questions_file_with_one_line(tmp_path, monkeypatch, content, problem):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    queries = tmp_path / "queries.yml"
    queries.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--file", str(queries)])
    assert result.exit_code == 1 and problem in result.output and len(result.output.strip().splitlines()) == 1


def test_kb_evaluate_tuning_leaves_the_independent_split_unread(tmp_path, monkeypatch):
    from handlers.knowledge import cli

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    tuning = _queries(tmp_path / "tuning.yml", [{"text": "快递柜在哪儿", "expected": "parcel"}])
    independent = _queries(tmp_path / "independent.yml", [{"text": "什么时候来水啊", "expected": "water"}])
    monkeypatch.setattr(cli, "TUNING_FILES", (tuning,))
    monkeypatch.setattr(cli, "EVAL_FILES", (tuning, independent))
    both = json.loads(CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--json"]).output)
    only = json.loads(CliRunner().invoke(kb_cli, ["evaluate", "--kb", str(path), "--json", "--tuning"]).output)
    assert list(both) == [str(tuning), str(independent)] and list(only) == [str(tuning)]


def test_kb_ask_says_what_the_entry_does_not_give(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    path = write_kb(tmp_path / "knowledge.yml", ENTRIES)
    result = CliRunner().invoke(kb_cli, ["ask", "--kb", str(path)], input="快递柜丢了快递谁负责赔\n")
    line = json.loads(result.output)
    assert line["entry"] == "parcel" and {"compensation", "liability", "loss"} <= set(line["not_in_entry"])


def test_each_independent_split_is_reported_by_default_and_big_enough():
    from handlers.knowledge.evaluation import EVAL_FILES, INDEPENDENT_FILES, TUNING_FILES, load_queries

    assert [p.name for p in INDEPENDENT_FILES] == ["kb_queries_fresh4.yml"]
    assert EVAL_FILES[-1:] == INDEPENDENT_FILES and not set(INDEPENDENT_FILES) & set(TUNING_FILES)
    assert {"kb_queries_fresh2.yml", "kb_queries_fresh3.yml"} <= {p.name for p in TUNING_FILES}
    fourth = load_queries(INDEPENDENT_FILES[0])
    assert sum(q["expected"] is None for q in fourth) >= 60 and sum(q["expected"] is not None for q in fourth) >= 60
