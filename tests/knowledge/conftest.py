"""Shared knowledge-base fixtures: the bundled file trained once per session, and small files to write."""
from __future__ import annotations

import pytest
import yaml

from handlers import knowledge


@pytest.fixture(scope="session")
def kb(tmp_path_factory) -> knowledge.KnowledgeBase:
    """The bundled knowledge file, its weights kept in a session directory."""
    return knowledge.load(cache_dir=tmp_path_factory.mktemp("kb-cache"))


ENTRIES = [
    {"id": "parcel", "topic": "快递", "questions": ["快递放在哪里", "快递柜在哪"], "keywords": ["快递柜"],
     "answer": "快递柜在北门保安亭旁边，大件快递请到服务中心领取。"},
    {"id": "water", "topic": "停水", "questions": ["什么时候来水", "为什么停水了"], "keywords": ["停水"],
     "answer": "计划停水会提前一天在单元门口张贴通知，请留意。"},
    {"id": "fee", "topic": "物业费", "questions": ["物业费怎么交"], "keywords": ["缴费"],
     "answer": "物业费可以在服务中心缴纳，也可以办理银行代扣。"},
]


def write_kb(path, entries):
    """A knowledge file with these entries."""
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True), encoding="utf-8")
    return path
