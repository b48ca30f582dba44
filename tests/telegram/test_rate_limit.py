"""Telegram's per-group limit, kept in Redis for every process: never more than the rate plus two in any window."""
from __future__ import annotations

import time

import redis

from bot.telegram.ratelimit import RateLimiter


def test_any_window_of_a_minute_holds_at_most_the_rate_plus_two(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.delete("wuye:tg-rate:chat:-42", "wuye:tg-rate:all")
    # 6,000 a "minute" into the group: an interval of 10 ms, so a window of 60 intervals is 0.6 s
    limiter, granted = RateLimiter(client, per_second=1000, group_per_minute=6000), []
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        if limiter.wait(-42) == 0:
            granted.append(time.monotonic())
    most = max(sum(1 for t in granted if start <= t < start + 0.6) for start in granted)
    assert 40 <= most <= 62  # 60 per window + 2; at least two thirds granted even on a busy machine
