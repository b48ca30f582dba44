"""NLU speed: the worst messages WeChat can deliver, then the embedded model against a Rasa server.

    .venv/bin/python benchmarks/nlu_throughput.py [--rounds 5] [--concurrency 8] [--no-rasa]

First every pathological message of the body limit (63 KB: thousands of addresses, phones, digits,
emergency words, one endless clause) is parsed and timed; each must take well under a second.
Then the held-out split is parsed by the embedded model (one process, and one per core) and by Rasa,
set up, trained (both cached) and started on a free loopback port unless RASA_URL is set; Rasa is
driven with several concurrent clients so that it uses both cores.
"""
from __future__ import annotations

import argparse
import os
import secrets
import socket
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlu import rasa_server  # noqa: E402
from nlu.service import NLU  # noqa: E402
from nlu.training_data import TEST_FILE, load  # noqa: E402

VAR_DIR = Path(os.environ.get("VAR_DIR", "var"))
_worker_nlu: NLU | None = None


def _init_worker() -> None:
    global _worker_nlu
    _worker_nlu = NLU(var_dir=VAR_DIR)
    _worker_nlu.parse("预热")


def _parse_chunk(texts: list[str]) -> int:
    for text in texts:
        _worker_nlu.parse(text)
    return len(texts)


def embedded_single(texts: list[str]) -> tuple[float, list[float]]:
    nlu = NLU(var_dir=VAR_DIR)
    nlu.parse("预热")
    latencies = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        nlu.parse(text)
        latencies.append(time.perf_counter() - t0)
    return len(texts) / (time.perf_counter() - started), latencies


def embedded_all_cores(texts: list[str], processes: int) -> float:
    chunks = [texts[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes, initializer=_init_worker) as pool:
        list(pool.map(_parse_chunk, [["预热"]] * processes))
        started = time.perf_counter()
        done = sum(pool.map(_parse_chunk, chunks))
        return done / (time.perf_counter() - started)


def rasa_throughput(url: str, token: str, texts: list[str], concurrency: int) -> tuple[float, list[float]]:
    client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=concurrency))
    params = {"token": token} if token else {}

    def one(text: str) -> float:
        t0 = time.perf_counter()
        client.post(f"{url}/model/parse", params=params, json={"text": text}).raise_for_status()
        return time.perf_counter() - t0

    one("预热")
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(one, texts))
    return len(texts) / (time.perf_counter() - started), latencies


BODY_LIMIT = 63 * 1024  # a WeChat push of 64 KB less its XML envelope


def _fill(unit: str) -> str:
    """`unit` repeated as often as fits in BODY_LIMIT bytes of UTF-8."""
    return unit * (BODY_LIMIT // len(unit.encode()))


WORST_CASES = {
    "addresses and phones": _fill("3栋2单元1201 电话13812345678 "),
    "building marks": _fill("3栋"),
    "compact addresses": _fill("7-3-1803 "),
    "rooms after cues": _fill("住1201 "),
    "spaced phones": _fill("139 1234 5678 "),
    "numeral phones": _fill("幺三八幺二三四五六七八，"),
    "digits": _fill("1"),
    "category words": _fill("水管漏水电梯坏了"),
    "negated emergencies": _fill("没停电"),
    "resolved emergencies": _fill("已经不漏了爆了"),
    "one endless clause": _fill("漏"),
    "a long letter repeated": _fill("尊敬的领导：我是3号楼的业主，去年水管爆裂多次反映无果，这是否合规？\n"),
    "spaces": _fill(" "),
}


def worst_case(nlu: NLU) -> float:
    """Parse every WORST_CASES message; print each time and return the slowest."""
    slowest = 0.0
    for name, text in WORST_CASES.items():
        t0 = time.perf_counter()
        result = nlu.parse(text)
        took = time.perf_counter() - t0
        slowest = max(slowest, took)
        print(f"  {name:<24} {len(text.encode()) / 1024:5.1f} KB  {took * 1000:7.1f} ms"
              f"  {len(result['entities'])} entities")
    return slowest


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times the test split is parsed")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients for Rasa")
    parser.add_argument("--no-rasa", action="store_true", help="measure the embedded model only")
    args = parser.parse_args()
    nlu = NLU(var_dir=VAR_DIR)
    nlu.parse("预热")
    print("worst cases (each message at the body limit):")
    print(f"slowest worst case: {worst_case(nlu) * 1000:.1f} ms")
    texts = [e.text for e in load(TEST_FILE).examples] * args.rounds
    cores = os.cpu_count() or 1
    print(f"{len(texts)} parses of {len(texts) // args.rounds} held-out messages, {cores} cores")

    rate_one, latencies = embedded_single(texts)
    print(f"embedded, 1 process:      {rate_one:8.0f} parses/s  p50 {_ms(latencies, .5):.3f} ms  p99 {_ms(latencies, .99):.3f} ms")
    rate_all = embedded_all_cores(texts, cores)
    print(f"embedded, {cores} processes:    {rate_all:8.0f} parses/s")
    if args.no_rasa:
        return

    process = None
    url, token = os.environ.get("RASA_URL", ""), os.environ.get("RASA_TOKEN", "")
    if not url:
        model = rasa_server.train(echo=lambda m: print(f"  {m}"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        token = secrets.token_urlsafe(12)
        process = rasa_server.start(model, port, token)
        url = f"http://127.0.0.1:{port}"
        rasa_server.wait_ready(url, token, timeout=300, process=process)
    try:
        rate_rasa, rasa_latencies = rasa_throughput(url, token, texts, args.concurrency)
    finally:
        if process is not None:
            rasa_server.stop(process)
    print(f"rasa, {args.concurrency} clients:         {rate_rasa:8.0f} parses/s  p50 {_ms(rasa_latencies, .5):.1f} ms"
          f"  p99 {_ms(rasa_latencies, .99):.1f} ms")
    print(f"throughput ratio embedded/rasa: {rate_one / rate_rasa:.0f}x (1 process), "
          f"{rate_all / rate_rasa:.0f}x ({cores} processes, as many cores as Rasa uses)")
    print(f"embedded p50 latency {statistics.median(latencies) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
