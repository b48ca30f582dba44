"""Time the knowledge base's decision for one question: the company's file, and an estate's layers.

    .venv/bin/python benchmarks/knowledge_search.py [--rounds 20]

Each round decides every question of tests/data/kb_queries.yml once; the figures are the median and
the 99th percentile of single decisions over all rounds, after one warm-up round, each question
segmented anew (the segmentation kept for the gate is emptied before each). The estate case
includes kb.for_estate(estate, entries) on every question, as the desk would call it per message
with the estate's entries read from storage. The near-miss gate (coverage.py) is part of every
decision; its own line times it alone on a question already segmented (as the classifier leaves it).
So is the verifier of outright answers (verifier.py): the line without it loads the same file with
verify=False, timed in the same run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers import knowledge  # noqa: E402
from handlers.knowledge.coverage import read  # noqa: E402
from handlers.knowledge.evaluation import EVAL_FILE, load_queries  # noqa: E402
from handlers.knowledge.features import tokens  # noqa: E402

ESTATE = [
    {"id": "office_hours", "answer": "您好，二期服务中心在12栋一楼，每天9:00–17:30办公。"},
    {"id": "fee_standard", "answer": "您好，二期住宅物业费为2.5元/㎡/月。"},
    {"id": "pool_gym", "removed": True},
    {"id": "school_district", "topic": "学区", "questions": ["小区对口哪所小学"], "keywords": ["学区"],
     "answer": "您好，本小区对口XX小学，以教育局当年公布为准。"},
]


def _time(decide, questions: list[str], rounds: int) -> tuple[float, float]:
    for question in questions:
        decide(question)
    samples = []
    for _ in range(rounds):
        for question in questions:
            tokens.cache_clear()   # every message is a new question: no segmentation kept from the last round
            started = time.perf_counter_ns()
            decide(question)
            samples.append((time.perf_counter_ns() - started) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.99 * (len(samples) - 1))]


def main() -> None:
    """Print the median and p99 of one decision, company-wide and per estate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    questions = [q["text"] for q in load_queries(EVAL_FILE)]
    with tempfile.TemporaryDirectory() as cache:
        kb = knowledge.load(cache_dir=cache)
        started = time.perf_counter()
        kb.for_estate("bench", ESTATE)
        print(f"first for_estate (training the layered classifier): {time.perf_counter() - started:.2f} s")
        entry, readings = kb.entries[0], {question: read(question) for question in questions}
        unverified = knowledge.load(cache_dir=cache, verify=False)
        cases = {"company file: kb.decide": kb.decide,
                 "company file, no verifier: kb.decide": unverified.decide,
                 "estate: kb.for_estate(...).decide": lambda q: kb.for_estate("bench", ESTATE).decide(q),
                 "company file: kb.search (limit 1)": lambda q: kb.search(q, 1),
                 "near-miss gate alone, 1 entry": lambda q: kb.coverage.gaps(readings[q], entry)}
        for name, decide in cases.items():
            median, p99 = _time(decide, questions, rounds)
            print(f"{name:38s} median {median:6.1f} µs   p99 {p99:6.1f} µs   ({rounds} × {len(questions)} questions)")


if __name__ == "__main__":
    main()
