"""Small shared helpers for the benchmarks: timing loops and table printing."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_call(func: Callable[[], object], *, calls: int, repeats: int = 5) -> float:
    """Best-of-``repeats`` seconds per call: the least disturbed run is the honest one."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(title)
    print("-" * len(title))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print()
