"""No import cycles among the modules of ``netsurvey`` and ``probes`` (issue 15).

Every import counts, wherever it sits: at the top, inside a function, or under
``if TYPE_CHECKING:``. A cycle hidden behind TYPE_CHECKING still means two modules
that cannot be understood (or moved) one without the other; the fix is a third
module holding what both need (as ``power/verdicts.py`` and ``scoring/batch_arrays.py``).

An import names an edge to the module it spells out (``from a.b import c`` goes to
``a.b.c`` when that is a module, else to ``a.b``); the parent packages Python also
initialises on the way are not edges, so a package ``__init__`` re-exporting its
submodules is no cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("netsurvey", "probes")

Graph = dict[str, set[str]]


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _from_target(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` reads from (relative imports resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported(module: str, is_package: bool, source: str, known: set[str]) -> set[str]:
    """The known modules one file imports, anywhere in the file."""
    return set(_imports(module, is_package, ast.parse(source), known)) - {module}


def _imports(module: str, is_package: bool, tree: ast.AST, known: set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            target = _from_target(module, is_package, node)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif target in known:
                    yield target


def import_graph() -> Graph:
    modules = _modules()
    known = set(modules)
    return {
        name: imported(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), known)
        for name, path in modules.items()
    }


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph[node]):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _describe(group: list[str], graph: Graph) -> str:
    members = set(group)
    edges = [f"{a} -> {b}" for a in group for b in sorted(graph[a] & members)]
    return "cycle among " + ", ".join(group) + " (" + "; ".join(edges) + ")"


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = [_describe(group, graph) for group in cycles(graph)]
    assert not found, "move what both modules need into a third one:\n" + "\n".join(found)


def test_the_checker_sees_every_kind_of_import() -> None:
    """The checker itself, on made-up modules: imports under TYPE_CHECKING, inside a
    function and relative ones are all edges; a package re-exporting a submodule is
    not a cycle, two modules importing each other are."""
    known = {"p", "p.a", "p.b", "p.c", "p.d"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from . import b\n"
        "from .d import thing\n"
        "def later():\n    import p.c\n"
        "import os\n"
    )
    assert imported("p.a", False, source, known) == {"p.b", "p.c", "p.d"}
    assert imported("p", True, "from .a import x\n", known) == {"p.a"}
    graph: Graph = {"p": {"p.a"}, "p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.b"}, "p.d": set()}
    assert cycles(graph) == [["p.b", "p.c"]]
    assert _describe(["p.b", "p.c"], graph) == "cycle among p.b, p.c (p.b -> p.c; p.c -> p.b)"


def test_the_graph_covers_both_packages() -> None:
    graph = import_graph()
    assert "netsurvey.cli" in graph and "probes.base" in graph
    assert "netsurvey.scoring.batch_arrays" in graph["netsurvey.scoring.draws"]
