"""The package keeps its layers: the import graph (``tools/import_graph.py``) is checked.

A call flows from the clients through the transport to the sans-I/O protocol and the
models; the campaigns, notifications, the sandbox and the command line sit on top. The
graph must have no cycle, the core must never reach up into the parts built on it, and
the sans-I/O modules must load without aiohttp.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from .standalone import loaded_after

TOOL = Path(__file__).resolve().parents[1] / "tools" / "import_graph.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_graph", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


import_graph = _tool()

# Built on the client and the protocol; the core below never imports them.
UPPER = {"batch", "notify", "receiver", "sync", "testing", "cli", "_send_batch", "__main__"}
CORE = {
    "errors", "error_hints", "rules", "credentials", "aes", "config", "models",
    "protocol", "_retry", "_report", "_hooks", "_logging", "_outcome", "_hidden",
    "_watchdog", "transport", "client",
}  # fmt: skip
# The one documented way up: AsyncVoucherClient.send_many is the public face of the
# campaign engine and hands itself to batch.send_many, which knows it only as a type.
ALLOWED_UP = {("client", "batch")}


def _runtime_edges(*, lazy: bool = True) -> dict[str, set[str]]:
    """Edges that load code (at import, and with ``lazy`` on first use too);
    ``__init__`` (the version and the lazy public names) left out."""
    kept = {"runtime", "lazy"} if lazy else {"runtime"}
    return {
        source: {t for t, how in targets.items() if how in kept and t != "__init__"}
        for source, targets in import_graph.graph().items()
        if source != "__init__"
    }


def test_importing_has_no_cycle() -> None:
    # Lazy imports may point back: notify re-exports the receiver's names on first use.
    edges = _runtime_edges(lazy=False)
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycle = [*path[path.index(target) :], target] if target in path else [target]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_the_core_never_imports_what_is_built_on_it() -> None:
    edges = _runtime_edges()
    assert set(edges) >= CORE | UPPER, "a module was renamed: update the layers here"
    upward = sorted(
        (source, target)
        for source in CORE
        for target in edges[source] & UPPER
        if (source, target) not in ALLOWED_UP
    )
    assert upward == []


def test_protocol_and_models_know_nothing_of_transport_or_clients() -> None:
    edges = _runtime_edges()
    for low in ("protocol", "models", "config", "credentials", "errors", "rules", "_retry"):
        assert not edges[low] & {"transport", "client", "sync", "_report"}, low


@pytest.mark.parametrize(
    "module", ["alipay_voucher.protocol", "alipay_voucher.models", "alipay_voucher._retry"]
)
def test_sans_io_modules_load_without_aiohttp(module: str) -> None:
    assert loaded_after(f"import {module}", "aiohttp") == []


def test_the_tool_prints_every_node_and_how_it_imports() -> None:
    text = import_graph.render(import_graph.graph())
    lines = dict(line.split(" -> ", 1) for line in text.splitlines())
    assert set(lines) == set(import_graph.graph())
    assert "batch" in lines["client"].split(", ")  # at import time
    assert "client (types)" in lines["batch"].split(", ")  # for type checking only
    assert "_loop_thread (lazy)" in lines["receiver"].split(", ")  # on first use
