"""Print the package's module import graph, as text, from the source (nothing imported).

Each line is ``module -> what it imports from the package``: the top-level modules by
name and the subpackages (``cli``, ``dedupe``, ``models``, ``testing``) as one node each.
An import made only for type checking (under ``if TYPE_CHECKING:``) is marked ``(types)``;
one made inside a function (loaded on first use) ``(lazy)``. ``tests/test_layers.py``
checks the same graph against the layers of the design.

    python tools/import_graph.py            # the graph
    python tools/import_graph.py --lines    # and the lines of each module
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

PACKAGE = Path(__file__).resolve().parents[1] / "alipay_voucher"
SUBPACKAGES = ("cli", "dedupe", "models", "testing")

How = Literal["runtime", "lazy", "types"]


def node_of(module: str) -> str:
    """``alipay_voucher.models._base`` -> ``models``; ``alipay_voucher.client`` -> ``client``."""
    parts = module.split(".")[1:]
    if not parts or parts[0] == "__init__":
        return "__init__"
    return parts[0].removesuffix(".py")


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, How]]:
    """(imported module, how) for every import of the package in ``tree``."""
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, how: How) -> Iterator[tuple[str, How]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for part in child.body:
                    yield from visit_one(part, "types")
                for part in child.orelse:
                    yield from visit_one(part, how)
            else:
                yield from visit_one(child, how)

    def visit_one(node: ast.AST, how: How) -> Iterator[tuple[str, How]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "alipay_voucher":
                    yield alias.name, how
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "alipay_voucher":
                return
            for alias in node.names:  # ``from . import notify`` imports a module
                submodule = f"{target}.{alias.name}"
                yield (submodule if _exists(submodule) else target), how
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from visit(node, "types" if how == "types" else "lazy")
        else:
            yield from visit(node, how)

    yield from visit(tree, "runtime")


def graph() -> dict[str, dict[str, How]]:
    """node -> {imported node: the strongest way it is imported}."""
    strength: dict[How, int] = {"types": 0, "lazy": 1, "runtime": 2}
    edges: dict[str, dict[str, How]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        source = node_of(module) if module != "alipay_voucher" else "__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = edges.setdefault(source, {})
        for imported, how in _imports(tree, module, path.name == "__init__.py"):
            target = node_of(imported) if imported != "alipay_voucher" else "__init__"
            if target == source:
                continue
            if strength[how] > strength[targets.get(target, "types")] or target not in targets:
                targets[target] = how
    return edges


def lines_per_module() -> dict[str, int]:
    """Lines of each file of the package, by path relative to it."""
    return {
        str(path.relative_to(PACKAGE.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def render(edges: dict[str, dict[str, How]]) -> str:
    out = []
    for source in sorted(edges):
        targets = edges[source]
        shown = [
            name if how == "runtime" else f"{name} ({how})" for name, how in sorted(targets.items())
        ]
        out.append(f"{source} -> {', '.join(shown) if shown else '(nothing)'}")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    print(render(graph()))
    if "--lines" in argv:
        print()
        for name, count in lines_per_module().items():
            print(f"{count:6d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
