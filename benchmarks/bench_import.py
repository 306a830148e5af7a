"""What ``import alipay_voucher`` costs, against ``import aiohttp`` measured in the same run.

A CLI, a web worker or a serverless function pays the import on every start, so the
package should cost little beyond the HTTP client it cannot do without. Each import is
timed inside its own fresh interpreter (a warm ``__pycache__``, nothing imported yet),
the contenders are interleaved over several repetitions and the median is kept, so one
slow start does not decide the result. Target: at most 1.3 times ``import aiohttp`` for
each import of the package (the exit status is 1 when one misses it).

``python -X importtime`` then names the heaviest top-level imports the package pulls
in, which is where a lazy import would pay off.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._util import print_table  # noqa: E402

TARGET = 1.3
HEAVY_STATEMENT = "from alipay_voucher import AlipayConfig, AsyncVoucherClient"
REPEATS = 9

STATEMENTS = {
    "import aiohttp": "import aiohttp",
    "import alipay_voucher": "import alipay_voucher",
    "from alipay_voucher import AlipayConfig, AsyncVoucherClient": (
        "from alipay_voucher import AlipayConfig, AsyncVoucherClient"
    ),
    "from alipay_voucher import VoucherClient": "from alipay_voucher import VoucherClient",
}

_TIMER = "import time\n_t = time.perf_counter()\n{statement}\nprint(time.perf_counter() - _t)\n"


def _child_env(cache_dir: str) -> dict[str, str]:
    """Environment for the timed interpreters: bytecode cached, in a private folder.

    An installed package has its ``.pyc`` files, so the import a user pays never
    compiles source. ``PYTHONDONTWRITEBYTECODE`` (set on some machines) would make every
    start compile this package from source while aiohttp's wheel-installed caches are
    used, which is unfair; a private ``PYTHONPYCACHEPREFIX`` lets the untimed first run
    compile everything once, for both contenders alike, without touching the tree.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    env["PYTHONPATH"] = str(ROOT)
    return env


def _time_once(statement: str, env: dict[str, str]) -> float | None:
    """Seconds the statement takes in a fresh interpreter; None when it fails."""
    proc = subprocess.run(
        [sys.executable, "-c", _TIMER.format(statement=statement)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return None
    return float(proc.stdout.strip().splitlines()[-1])


def measure(repeats: int = REPEATS) -> dict[str, float | None]:
    """Median seconds per statement (None when it cannot be imported at all)."""
    samples: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    failed: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="bench-import-pycache-") as cache_dir:
        env = _child_env(cache_dir)
        for name, statement in STATEMENTS.items():  # warm the bytecode caches, untimed
            if _time_once(statement, env) is None:
                failed.add(name)
        for _ in range(repeats):
            for name, statement in STATEMENTS.items():
                if name in failed:
                    continue
                seconds = _time_once(statement, env)
                if seconds is not None:
                    samples[name].append(seconds)
    return {
        name: (statistics.median(values) if values else None) for name, values in samples.items()
    }


def _importtime(statement: str, env: dict[str, str]) -> list[tuple[str, int, int]]:
    """(module, nesting depth, cumulative microseconds) per ``-X importtime`` line."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        rows.append((name.strip(), depth, int(cumulative)))
    return rows


def heaviest_imports(statement: str, *, top: int = 10) -> list[tuple[str, float]]:
    """The packages (and the package's own modules) an import pulls in, costliest first.

    Each row is a module's cumulative time from ``-X importtime``, i.e. what deferring
    that import would save. Nested rows overlap (``yarl`` is part of ``aiohttp``);
    modules the bare interpreter loads at start-up are left out.
    """
    with tempfile.TemporaryDirectory(prefix="bench-import-pycache-") as cache_dir:
        env = _child_env(cache_dir)
        startup = {module for module, _, _ in _importtime("pass", env)}
        _importtime(statement, env)  # compile once, untimed
        lines = _importtime(statement, env)
    rows = [
        (module, cumulative / 1e6)
        for module, _, cumulative in lines
        if module not in startup and ("." not in module or module.startswith("alipay_voucher."))
    ]
    rows.sort(key=lambda item: item[1], reverse=True)
    return rows[:top]


def report(results: dict[str, float | None]) -> list[tuple[str, str]]:
    """Table rows for the medians and the ratio against aiohttp."""
    rows = []
    base = results.get("import aiohttp")
    for name, seconds in results.items():
        if seconds is None:
            rows.append((name, "   (fails: not importable yet)"))
            continue
        ratio = f"  {seconds / base:5.2f} x aiohttp" if base else ""
        rows.append((name, f"{seconds * 1e3:7.1f} ms{ratio}"))
    return rows


def main() -> int:
    results = measure()
    rows = report(results)
    print_table(f"import cost (fresh interpreter, median of {REPEATS}; target <= {TARGET} x)", rows)
    heavy = heaviest_imports(HEAVY_STATEMENT)
    if heavy:
        print_table(
            f"what `{HEAVY_STATEMENT}` pulls in (-X importtime, top 10)",
            [(module, f"{seconds * 1e3:7.1f} ms cumulative") for module, seconds in heavy],
        )
    base = results.get("import aiohttp")
    ours = [seconds for name, seconds in results.items() if name != "import aiohttp"]
    met = bool(base) and all(seconds is not None and seconds / base <= TARGET for seconds in ours)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
