"""Rate limiting: a token bucket per key (a conversation, a client address).

Each key may send ``rate.count`` messages at once and then one more every
``rate.seconds / rate.count`` seconds. Buckets live in the process's memory;
the least recently seen keys are forgotten beyond :data:`MAX_KEYS`, so a flood
of new keys cannot grow it without bound. With several Rasa servers each
limits its own share; the production topology also limits in nginx.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from security.config import Rate

MAX_KEYS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Decision:
    """Whether a message may pass, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int = 0


class RateLimiter:
    """Token buckets by key."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self._rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> Decision:
        """Takes one token from ``key``'s bucket if it has one."""
        per_second = self._rate.count / self._rate.seconds
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(float(self._rate.count), now)
            bucket.tokens = min(float(self._rate.count), bucket.tokens + (now - bucket.updated) * per_second)
            bucket.updated = now
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return Decision(allowed=True)
            return Decision(allowed=False, retry_after=max(1, math.ceil((1 - bucket.tokens) / per_second)))
