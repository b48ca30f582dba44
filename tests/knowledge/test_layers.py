"""Per-estate knowledge: an estate's entries override, remove and add to the company's."""
from __future__ import annotations

import pytest

from handlers import knowledge
from handlers.knowledge import base
from handlers.knowledge.layers import layer
from handlers.knowledge.weights import Weights

from .conftest import ENTRIES, write_kb

SCHOOL = {"id": "school_district", "topic": "学区与入学", "questions": ["小区对口哪所小学", "孩子上学划片在哪个学校"],
          "keywords": ["学区", "对口学校", "划片"], "answer": "您好，本小区对口XX小学，以教育局当年公布的划片为准。"}
OFFICE = {"id": "office_hours", "answer": "您好，二期服务中心在12栋一楼，每天9:00–17:30办公。"}


def test_an_estate_overrides_removes_and_adds_entries(kb):
    estate = kb.for_estate("jx2", [OFFICE, {"id": "pool_gym", "removed": True}, SCHOOL])
    ids = [e.id for e in estate.entries]
    assert "pool_gym" not in ids and ids[-1] == "school_district" and len(ids) == len(kb.entries)
    office = estate.answer("物业办公室几点下班")
    assert office.entry.answer == OFFICE["answer"]
    assert office.entry.questions == next(e for e in kb.entries if e.id == "office_hours").questions
    assert estate.decide("我们小区划的是哪个小学的学区").match.entry.id == "school_district"
    assert estate.decide("我们小区划的是哪个小学的学区").action != "ticket"
    assert estate.answer("健身房几点开门") is None or estate.answer("健身房几点开门").entry.id != "pool_gym"
    # the company's own knowledge base is unchanged
    assert kb.answer("物业办公室几点下班").entry.answer != OFFICE["answer"]
    assert kb.answer("健身房几点开门").entry.id == "pool_gym"


def test_an_estate_is_trained_once_and_kept(tmp_path, monkeypatch):
    company = knowledge.load(write_kb(tmp_path / "kb.yml", ENTRIES), tmp_path / "cache")
    extra = [{"id": "fee", "answer": "物业费请在二期服务中心缴纳。"}]
    first = company.for_estate("jx2", extra)
    monkeypatch.setattr(Weights, "fit", classmethod(lambda *a, **k: pytest.fail("retrained")))
    assert company.for_estate("jx2", [dict(item) for item in extra]) is first
    # another process: the weights come from cache_dir
    again = knowledge.load(tmp_path / "kb.yml", tmp_path / "cache").for_estate("jx2", extra)
    assert again.answer("物业费在哪交").entry.answer == "物业费请在二期服务中心缴纳。"
    monkeypatch.undo()

    changed = company.for_estate("jx2", [{"id": "fee", "answer": "物业费请到12栋缴纳。"}])
    assert changed is not first and changed.answer("物业费在哪交").entry.answer == "物业费请到12栋缴纳。"
    other = company.for_estate("锦绣三期", [{"id": "parcel", "removed": True}])
    assert [e.id for e in other.entries] == ["water", "fee"]
    kept = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.npz"))
    assert kept[0] == "kb" and len(kept) == 3          # the company's, jx2's newest, and 锦绣三期's


def test_only_the_latest_estates_stay_in_memory_the_others_reload_without_training(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "_ESTATES_KEPT", 2)
    company = knowledge.load(write_kb(tmp_path / "kb.yml", ENTRIES), tmp_path / "cache")
    layers = {name: [{"id": "fee", "answer": f"物业费请到{name}服务中心缴纳。"}] for name in ("a", "b", "c")}
    first = {name: company.for_estate(name, entries) for name, entries in layers.items()}
    assert list(company._estates) == ["b", "c"]
    monkeypatch.setattr(Weights, "fit", classmethod(lambda *a, **k: pytest.fail("retrained")))
    again = company.for_estate("a", layers["a"])
    assert again is not first["a"] and again.answer("物业费在哪交").entry.answer == "物业费请到a服务中心缴纳。"
    assert company.for_estate("c", layers["c"]) is first["c"]


@pytest.mark.parametrize("estate, problem", [
    ([{"answer": "x"}], "entry 1: expected a mapping with an id"),
    ([{"id": "fee", "answer": "  "}], r"entry 1 \(fee\): answer is empty"),
    ([{"id": "fee", "questions": "物业费"}], "questions must be a list"),
    ([{"id": "new"}], "missing questions, answer"),
    ([{"id": "fee", "answer": "a"}, {"id": "fee", "answer": "b"}], "id 'fee' is used twice"),
    ([{"id": "parcel", "removed": True}, {"id": "water", "removed": True}], "at least two entries"),
])
def test_bad_estate_entries_are_refused_naming_the_estate_and_entry(estate, problem):
    company = [knowledge.Entry(e["id"], e["topic"], tuple(e["questions"]), tuple(e["keywords"]), e["answer"])
               for e in ENTRIES]
    with pytest.raises(knowledge.KnowledgeBaseError, match=problem) as error:
        layer(company, estate, "estate jx2")
    assert str(error.value).startswith("estate jx2")
