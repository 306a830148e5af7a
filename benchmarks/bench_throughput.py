"""End-to-end throughput of ``send`` against a local server, next to its two yardsticks.

What a ``send`` call must cost is fixed by the protocol: one RSA signature over the
request, one HTTP exchange, one RSA verification of the answer. This benchmark
measures, in one run, against one local server process that answers every call with a
genuinely signed response, at the same concurrency and call count:

(a)  the hand-written minimum: aiohttp + cryptography doing exactly that work, no SDK
     code in the hot path (``benchmarks/_contenders.py``), also with signing moved to a
     worker thread;
(b)  ``AsyncVoucherClient.send`` (and its sign-in-a-thread variant when offered);
(c)  Alipay's official Node.js SDK (``alipay-sdk`` 4.14, ``curl()``) at the same
     concurrency, verifying every answer itself: a real-world reference point;
(d)  one call at a time through the blocking ``VoucherClient`` and through
     ``AsyncVoucherClient``, since the sync facade should not cost much more;
(e)  what the optional features cost on the hot path, next to a plain (b) in their own
     group: a client-wide quota whose limits never bind (``rate``/``max_concurrency``),
     and OpenTelemetry tracing into an SDK tracer provider (spans made, not exported).

Targets (reported, not enforced): b/a >= 0.90, b/c >= 2.5, sync/async sequential >=
0.75 (the blocking client hops to its loop thread and back on every call: noise next
to a real round trip). It then reports the cost at rest: resident-memory growth over
50,000 calls through one client after a 5,000-call warm-up (in a fresh process), and
the import cost against ``import aiohttp`` (``benchmarks/bench_import.py``).

The server runs in its own process (``benchmarks/_server.py``) so that it does not
compete with the client for the GIL; it checks the request signature of the first
request on every connection and the run fails if any was bad. Contenders that are
compared with each other run in the same process, on the same event loop, in short
interleaved blocks (``_contenders.Group``), so that load from elsewhere on the machine
hits them alike; each one's best round is shown (the least disturbed run is the honest
one), with the median next to it, and its client CPU per call.

Usage: ``python benchmarks/bench_throughput.py [--quick] [--no-node] [--no-memory]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from alipay_voucher import protocol  # noqa: E402
from alipay_voucher.credentials import RSAKeySigner  # noqa: E402
from alipay_voucher.testing.pki import make_pki, private_key_pem  # noqa: E402
from benchmarks import bench_import  # noqa: E402
from benchmarks._contenders import (  # noqa: E402
    ANSWER,
    BODY,
    SEND_PATH,
    Group,
    Result,
    Setup,
    client_available,
    sync_client_available,
)
from benchmarks._server import ServerProcess  # noqa: E402
from benchmarks._util import print_table  # noqa: E402

CONCURRENCY = 64
TARGETS = {"b/a": 0.90, "b/c": 2.5, "sync/async (sequential)": 0.75}
MEMORY_LIMIT = 5 * 1024 * 1024

NODE_SRC = Path(__file__).resolve().parent / "node"
NODE_DIR = Path(__file__).resolve().parent / ".node"

# Names of the rows, in table order.
A, A_THREAD = "(a)  hand-written aiohttp + cryptography", "(a') same, signing in a thread"
B, B_THREAD = "(b)  AsyncVoucherClient.send", "(b') same, signing in a thread"
C = "(c)  official Node SDK alipay-sdk curl()"
SEQ_A = "(d)  hand-written, sequential"
SEQ_ASYNC = "(d)  AsyncVoucherClient, sequential"
SEQ_SYNC = "(d)  VoucherClient (sync), sequential"
FEATURE_B = "(e)  AsyncVoucherClient.send, plain"
FEATURE_QUOTA = "(e)  same, rate= and max_concurrency= not binding"
FEATURE_TRACED = "(e)  same, tracing= (SDK provider, no export)"


# --------------------------------------------------------------------------- Node SDK


def _node_sdk_version() -> str:
    package = json.loads((NODE_SRC / "package.json").read_text())
    return str(package["dependencies"]["alipay-sdk"])


def prepare_node_sdk() -> tuple[Path | None, str]:
    """Install the pinned official SDK into the ignored ``benchmarks/.node``, once.

    Returns the package directory, or None and why (no node/npm, install failed), in
    which case (c) is skipped rather than failing the whole benchmark.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return None, "node and npm are not both on PATH"
    version = _node_sdk_version()
    package_dir = NODE_DIR / "node_modules" / "alipay-sdk"
    try:
        installed = json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        installed = None
    if installed == version:
        return package_dir, f"alipay-sdk {version}"
    NODE_DIR.mkdir(exist_ok=True)
    shutil.copyfile(NODE_SRC / "package.json", NODE_DIR / "package.json")
    print(f"installing alipay-sdk {version} into {NODE_DIR.relative_to(ROOT)} ...", flush=True)
    try:
        proc = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(NODE_DIR),
                "--no-audit",
                "--no-fund",
                "--omit=dev",
                "--loglevel=error",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "npm install timed out"
    if proc.returncode != 0 or not (package_dir / "package.json").exists():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
        return None, f"npm install failed: {tail[0]}"
    return package_dir, f"alipay-sdk {version}"


def run_node(package_dir: Path, setup: Setup, calls: int, warmup: int, pkcs1_pem: str) -> Result:
    spec = {
        "sdkPath": str(package_dir),
        "endpoint": setup.base_url,
        "appId": setup.app_id,
        "privateKey": pkcs1_pem,
        "alipayPublicKey": setup.alipay_public_pem,
        "path": SEND_PATH,
        "body": BODY,
        "calls": calls,
        "warmup": warmup,
        "concurrency": CONCURRENCY,
    }
    proc = subprocess.run(
        ["node", str(NODE_SRC / "driver.cjs")],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node driver failed: {proc.stderr.strip()[-500:]}")
    out = json.loads(proc.stdout)
    return Result(
        out["calls"], out["seconds"], out["errors"], out["errorSample"], out.get("cpuSeconds")
    )


# --------------------------------------------------------------------------- the SDK's options


def thread_signing_options() -> dict[str, Any] | None:
    """The client keyword that moves signing to a worker thread, if the client has one."""
    import inspect

    from alipay_voucher.client import AsyncVoucherClient

    parameters = inspect.signature(AsyncVoucherClient).parameters
    for name in ("sign_in_thread", "sign_in_executor", "offload_signing", "sign_in_worker"):
        if name in parameters:
            return {name: True}
    return None


def tracer_provider() -> Any:
    """An OpenTelemetry SDK tracer provider without exporters, or None without the SDK."""
    try:
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError:
        return None
    return TracerProvider()


# --------------------------------------------------------------------------- running


def fmt_rate(results: list[Result]) -> str:
    rates = [r.rate for r in results]
    errors = sum(r.errors for r in results)
    text = f"{max(rates):7.0f} /s  (median {statistics.median(rates):5.0f})"
    cpus = [r.cpu_per_call for r in results if r.cpu_per_call is not None]
    if cpus:
        text += f"  client CPU {min(cpus) * 1e6:5.0f} µs/call"
    if errors:
        text += f"  ERRORS {errors}: {next(r.error_sample for r in results if r.errors)}"
    return text


def measure_memory(setup: Setup, mode: str, warmup: int, calls: int) -> dict[str, Any]:
    spec = {
        "setup": {
            "base_url": setup.base_url,
            "app_id": setup.app_id,
            "app_private_pem": setup.app_private_pem,
            "alipay_public_pem": setup.alipay_public_pem,
        },
        "mode": mode,
        "warmup": warmup,
        "calls": calls,
        "concurrency": CONCURRENCY,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._memory"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"memory run failed: {proc.stderr.strip()[-800:]}")
    return dict(json.loads(proc.stdout))


def profile_sdk(setup: Setup, calls: int, warmup: int) -> None:
    """Where (b)'s time goes: cProfile over one round, top functions by own time.

    cProfile inflates cheap Python calls relative to the RSA work, so read the shares,
    not the absolute numbers.
    """
    import cProfile
    import pstats

    profiler = cProfile.Profile()

    async def profiled() -> Result:
        from alipay_voucher.client import AsyncVoucherClient
        from benchmarks._contenders import _check_sdk_result, body_for, drive, make_config

        async with AsyncVoucherClient(make_config(setup)) as client:

            async def one(i: int) -> None:
                _check_sdk_result(await client.send(body_for(i)))

            await drive(one, warmup, CONCURRENCY)
            profiler.enable()
            try:
                return await drive(one, calls, CONCURRENCY)
            finally:
                profiler.disable()

    asyncio.run(profiled())
    print()
    print(f"cProfile of (b), {calls} calls at concurrency {CONCURRENCY}, by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"alipay_voucher", 20)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import aiohttp
    import cryptography

    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}, cryptography {cryptography.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls per round at c=64")
    parser.add_argument("--sequential-calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory-calls", type=int, default=50_000)
    parser.add_argument("--memory-warmup", type=int, default=5_000)
    parser.add_argument("--no-node", action="store_true", help="skip (c)")
    parser.add_argument("--no-memory", action="store_true", help="skip the 50k-call memory run")
    parser.add_argument("--no-import", action="store_true", help="skip the import-cost run")
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke test")
    parser.add_argument(
        "--profile", action="store_true", help="also run (b) once under cProfile and print its top"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.sequential_calls, args.rounds = 600, 150, 1
        args.memory_calls, args.memory_warmup = 5_000, 1_000
    warmup = max(100, args.calls // 10)
    started = time.perf_counter()

    pki = make_pki()
    setup_keys = {
        "app_id": pki.app_id,
        "app_private_pem": pki.app_private_key_pem,
        "alipay_public_pem": pki.alipay_public_key_pem,
    }
    # The server's one answer, signed once with the (test) Alipay key.
    answer_headers = protocol.sign_response(RSAKeySigner(pki.alipay_key), ANSWER)
    answer_headers["alipay-trace-id"] = "0b1a2c3d4e5f60718293a4b5c6d7e8f9"
    spec = {
        "body": ANSWER.decode(),
        "headers": answer_headers,
        "app_public_key": pki.app_public_key_pem,
    }

    have_client = client_available()
    have_sync = sync_client_available()
    node_dir, node_note = (None, "skipped (--no-node)") if args.no_node else prepare_node_sdk()
    pkcs1 = private_key_pem(pki.app_key, pkcs1=True)  # the Node SDK's default key type

    results: dict[str, list[Result]] = {}
    notes: list[str] = []
    thread_options = thread_signing_options() if have_client else None
    if not have_client:
        notes.append("(b) and (d) skipped: alipay_voucher/client.py has not landed yet")
    elif not thread_options:
        notes.append("(b') skipped: AsyncVoucherClient has no sign-in-thread option")
    if have_client and not have_sync:
        notes.append("sync (d) skipped: alipay_voucher/sync.py has not landed yet")
    if node_dir is None:
        notes.append(f"(c) skipped: {node_note}")
    provider = tracer_provider()
    if have_client and provider is None:
        notes.append("(e) tracing skipped: opentelemetry-sdk is not installed (the [test] extra)")
    seq_warmup = max(20, args.sequential_calls // 10)

    with ServerProcess(spec) as server:
        setup = Setup(base_url=server.base_url, **setup_keys)
        for round_number in range(args.rounds):
            tag = f"  round {round_number + 1}/{args.rounds}:"
            print(f"{tag} concurrency {CONCURRENCY}: (a), (a'), (b) interleaved ...", flush=True)
            with Group(setup) as group:
                group.add_minimum(A)
                group.add_minimum(A_THREAD, sign_in_thread=True)
                if have_client:
                    group.add_sdk(B)
                    if thread_options:
                        group.add_sdk(B_THREAD, **thread_options)
                measured = group.measure(args.calls, CONCURRENCY, block=500, warmup=warmup)
            for name, result in measured.items():
                results.setdefault(name, []).append(result)
            if node_dir is not None:
                print(f"{tag} (c) official Node SDK ...", flush=True)
                results.setdefault(C, []).append(
                    run_node(node_dir, setup, args.calls, warmup, pkcs1)
                )
            if have_client:
                print(f"{tag} features (e), interleaved ...", flush=True)
                with Group(setup) as group:
                    group.add_sdk(FEATURE_B)
                    group.add_sdk(FEATURE_QUOTA, rate=1e6, max_concurrency=1024)
                    if provider is not None:
                        group.add_sdk(FEATURE_TRACED, tracing=provider)
                    feature_calls = max(300, args.calls // 3)
                    measured = group.measure(feature_calls, CONCURRENCY, block=300, warmup=warmup)
                for name, result in measured.items():
                    results.setdefault(name, []).append(result)
            print(f"{tag} sequential (d), interleaved ...", flush=True)
            with Group(setup) as group:
                group.add_minimum(SEQ_A)
                if have_client:
                    group.add_sdk(SEQ_ASYNC)
                if have_client and have_sync:
                    group.add_sync_sdk(SEQ_SYNC)
                measured = group.measure(args.sequential_calls, 1, block=50, warmup=seq_warmup)
            for name, result in measured.items():
                results.setdefault(name, []).append(result)

        if args.profile and have_client:
            profile_sdk(setup, args.calls, warmup)

        memory: dict[str, Any] | None = None
        if not args.no_memory:
            mode = "sdk" if have_client else "minimum"
            print(f"  memory: {args.memory_calls} calls through one {mode} client ...", flush=True)
            memory = measure_memory(setup, mode, args.memory_warmup, args.memory_calls)
        stats = server.stats()

    imports = None if args.no_import else bench_import.measure(repeats=7)

    # ------------------------------------------------------------------ report
    print()
    print(f"machine: {machine()}")
    print(f"node: {node_note}" + (f" on Node {_node_version()}" if node_dir else ""))
    print()
    rows = [(name, fmt_rate(res)) for name, res in results.items()]
    title = (
        f"send throughput, concurrency {CONCURRENCY}, {args.calls} calls x {args.rounds} rounds "
        f"(sequential: {args.sequential_calls} calls), best round; contenders of a group "
        "interleaved in blocks"
    )
    print_table(title, rows)

    def best(name: str) -> float | None:
        res = results.get(name)
        return max(r.rate for r in res) if res else None

    ratios = [
        ("b/a", best(B), best(A)),
        ("b'/a'", best(B_THREAD), best(A_THREAD)),
        ("b'/a  (best SDK mode vs plain minimum)", best(B_THREAD), best(A)),
        ("b/c", best(B), best(C)),
        ("a/c", best(A), best(C)),
        ("sync/async (sequential)", best(SEQ_SYNC), best(SEQ_ASYNC)),
        ("async/hand-written (sequential)", best(SEQ_ASYNC), best(SEQ_A)),
        ("quota/plain (e)", best(FEATURE_QUOTA), best(FEATURE_B)),
        ("traced/plain (e)", best(FEATURE_TRACED), best(FEATURE_B)),
    ]

    def cpu(name: str) -> float | None:
        values = [r.cpu_per_call for r in results.get(name, []) if r.cpu_per_call is not None]
        return 1 / min(values) if values else None

    # The same comparison by client CPU per call: steadier than wall time on a busy box.
    ratios.append(("b/a by client CPU per call", cpu(B), cpu(A)))
    ratios.append(("b/c by client CPU per call", cpu(B), cpu(C)))
    ratios.append(("quota/plain (e) by client CPU per call", cpu(FEATURE_QUOTA), cpu(FEATURE_B)))
    ratios.append(("traced/plain (e) by client CPU per call", cpu(FEATURE_TRACED), cpu(FEATURE_B)))
    ratio_rows = []
    for name, top, bottom in ratios:
        if top is None or bottom is None:
            continue
        value = top / bottom
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"  target >= {target:.2f}: {'holds' if value >= target else 'MISSED'}"
        ratio_rows.append((name, f"{value:6.2f}{verdict}"))
    if ratio_rows:
        print_table("ratios", ratio_rows)

    if memory is not None:
        growth = memory["rss_end"] - memory["rss_start"]
        verdict = "holds" if growth < MEMORY_LIMIT else "MISSED"
        trail = ", ".join(f"{rss / 2**20:.1f}" for _, rss in memory["samples"])
        print_table(
            f"memory: one {memory['mode']} client, {memory['warmup']} warm-up calls, then "
            f"{memory['calls']} calls (c={CONCURRENCY})",
            [
                ("RSS after warm-up", f"{memory['rss_start'] / 2**20:7.1f} MiB"),
                ("RSS at the end", f"{memory['rss_end'] / 2**20:7.1f} MiB"),
                ("growth", f"{growth / 2**20:7.2f} MiB  (target < 5 MiB: {verdict})"),
                ("RSS at checkpoints (MiB)", trail),
                ("errors", str(memory["errors"])),
            ],
        )

    if imports is not None:
        print_table(
            f"import cost (fresh interpreter, median of 7; target <= {bench_import.TARGET} x)",
            bench_import.report(imports),
        )

    failures = sum(r.errors for res in results.values() for r in res)
    print(
        f"server: {stats['requests']} requests on {stats['connections']} connections, "
        f"{stats['checked']} request signatures checked, {stats['bad_signatures']} bad; "
        f"server CPU {stats['cpu_seconds'] * 1e6 / max(1, stats['requests']):.0f} µs/request"
    )
    for note in notes:
        print(f"note: {note}")
    print(f"total time {time.perf_counter() - started:.0f} s")
    if failures or stats["bad_signatures"] or (memory and memory["errors"]):
        print("FAILED: some calls failed or were badly signed; the numbers above are void.")
        return 1
    return 0


def _node_version() -> str:
    try:
        return subprocess.run(
            ["node", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
