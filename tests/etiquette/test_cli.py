"""`wuye etiquette check` and `wuye etiquette evaluate`, and the labelled sets."""
from __future__ import annotations

import json
import re

import yaml
from click.testing import CliRunner

from handlers.etiquette import CATEGORIES
from handlers.etiquette.cli import etiquette_cli
from handlers.etiquette.evaluation import EVAL_FILE, evaluate, load_labelled

from .support import EXAMPLES, write_rules

DEV_FILE = EXAMPLES / "dev1.yml"
DEV2_FILE = EXAMPLES / "dev2.yml"


def _set(mapping, key, value):
    mapping[key] = value


def test_dev_set_reaches_the_targets(etiquette):
    report = evaluate(etiquette, load_labelled(DEV_FILE))
    assert report["recall"] >= 0.99, report["errors"]
    assert report["pass_rate"] >= 0.99, report["errors"]


def test_second_dev_set_reaches_the_targets(etiquette):
    """dev2: other phrasings than dev (synonyms, paraphrases, sarcasm, blame, dialect); the rules were tuned on it."""
    replies = load_labelled(DEV2_FILE)
    assert len(replies) >= 400
    dev_texts = {r["text"] for r in load_labelled(DEV_FILE)}
    assert not dev_texts & {r["text"] for r in replies}
    report = evaluate(etiquette, replies)
    assert report["recall"] >= 0.98, report["errors"]
    assert report["pass_rate"] >= 0.98, report["errors"]


def test_evaluate_command_on_the_held_out_set():
    result = CliRunner().invoke(etiquette_cli, ["evaluate"])
    assert result.exit_code == 0, result.output
    print(result.output)
    blocked = float(re.search(r"banned replies blocked:\s+([\d.]+)%", result.output).group(1))
    passed = float(re.search(r"polite replies passed:\s+([\d.]+)%", result.output).group(1))
    assert blocked >= 90 and passed >= 90   # loose floors: the rules are not tuned on this set
    assert "precision of blocking" in result.output and "per category" in result.output
    assert re.search(r"check latency: mean \d+ µs, p99 \d+ µs", result.output)
    assert str(EVAL_FILE) in result.output
    for category in CATEGORIES:
        assert re.search(rf"^\s+{category}\s+[\d.]+%", result.output, re.MULTILINE)


def test_evaluate_errors_lists_misclassified_replies(tmp_path):
    labelled = tmp_path / "labelled.yml"
    labelled.write_text(yaml.safe_dump({"replies": [
        {"text": "不知道", "allowed": False, "category": "not_knowing"},
        {"text": "您好，请稍候", "allowed": False, "category": "delaying"},     # mislabelled on purpose
        {"text": "滚", "allowed": True},                                       # mislabelled on purpose
    ]}, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--file", str(labelled), "--errors"])
    assert result.exit_code == 0, result.output
    assert "banned replies blocked:         50.0%" in result.output
    assert "polite replies passed:           0.0%" in result.output
    assert "should be blocked [delaying]: 您好，请稍候" in result.output
    assert "should be passed: 滚" in result.output
    assert "misclassified (2)" in result.output


def test_evaluate_refuses_a_malformed_labelled_file(tmp_path):
    labelled = tmp_path / "labelled.yml"
    labelled.write_text("replies:\n- text: 不知道\n", encoding="utf-8")
    result = CliRunner().invoke(etiquette_cli, ["evaluate", "--file", str(labelled)])
    assert result.exit_code != 0 and "replies[1] needs text and allowed" in result.output


def test_check_command_writes_one_json_object_per_line():
    lines = ["不 知 道", "", "您好，师傅已经出发了", "沒時間，等著吧"]
    result = CliRunner().invoke(etiquette_cli, ["check"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["text"] for o in out] == ["不 知 道", "您好，师傅已经出发了", "沒時間，等著吧"]
    for item in out:
        assert set(item) == {"text", "allowed", "violations", "suggestion"}
        for violation in item["violations"]:
            assert set(violation) == {"phrase", "category", "start", "end"}
            assert item["text"][violation["start"]:violation["end"]] == violation["phrase"]
    assert out[0]["allowed"] is False and out[0]["violations"][0]["category"] == "not_knowing"
    assert out[1] == {"text": "您好，师傅已经出发了", "allowed": True, "violations": [], "suggestion": None}
    assert out[2]["allowed"] is False and out[2]["suggestion"]
    assert "沒時間" in result.output    # ensure_ascii=False


def test_check_command_refuses_a_bad_rules_file(tmp_path):
    path = write_rules(tmp_path, lambda d: _set(d["rules"][0], "category", "grumpy"))
    result = CliRunner().invoke(etiquette_cli, ["check", "--rules", str(path)], input="不行\n")
    assert result.exit_code != 0
    assert "unknown category 'grumpy'" in result.output and str(path) in result.output
