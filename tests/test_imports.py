"""No import cycles among summarize's modules.

A cycle makes import order matter (a half-initialised module, an AttributeError that
depends on which module was imported first) and stops layers from being used alone.
Every ``.py`` under ``summarize/`` is parsed with ``ast`` (nothing is imported) and every
import statement naming a ``summarize`` module becomes an edge, wherever it stands:
module level, inside a function, under ``if TYPE_CHECKING``. ``from pkg import name``
points at ``pkg.name`` when that is a module, else at ``pkg``.

Any cycle anywhere in the package fails, and the message lists it.
"""

from __future__ import annotations

import ast
from itertools import islice
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent / "summarize"
_MAX_LISTED = 50  # cycles printed per strongly connected group


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (packages by __init__)."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _package_of(module: str, path: Path) -> str:
    """What a relative import of ``module`` starts from: itself if it is a package."""
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute name ``from <dots><name> import ...`` refers to."""
    if node.level == 0:
        return node.module or ""
    base = _package_of(module, path).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of ``name`` that is one of our modules."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Our modules that ``module`` imports, anywhere in its code."""
    targets: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(_owner(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in modules else _owner(base, modules))
    targets.discard(None)
    targets.discard(module)
    return targets  # type: ignore[return-value]


def import_graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        graph.add_edges_from((module, target) for target in _imports(module, path, modules))
    return graph


def import_cycles(graph: nx.DiGraph) -> list[list[str]]:
    """Cycles, grouped by strongly connected component; at most _MAX_LISTED per group."""
    cycles = []
    for group in nx.strongly_connected_components(graph):
        if len(group) > 1:
            sub = graph.subgraph(group)
            found = islice(nx.simple_cycles(sub), _MAX_LISTED)
            cycles.extend(sorted((_rotate(c) for c in found), key=lambda c: (len(c), c)))
    return cycles


def _rotate(cycle: list[str]) -> list[str]:
    """Start each cycle at its smallest name, so listings are stable."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _listing(cycles: list[list[str]]) -> str:
    return "\n".join(" -> ".join([*c, c[0]]) for c in cycles)


# --- the graph itself ------------------------------------------------------------------


def test_graph_sees_every_kind_of_import() -> None:
    """Relative, absolute, submodule-as-name and function-level imports are all edges."""
    graph = import_graph()
    assert "summarize.embed.registry" in graph
    edges = set(graph.edges)
    # `import summarize.embed.store as store` and `from summarize.embed.base import ...`
    assert ("summarize.embed.registry", "summarize.embed.store") in edges
    assert ("summarize.embed.registry", "summarize.embed.base") in edges
    # a build recipe imported inside a function
    assert ("summarize.embed.registry", "summarize.embed.recipes.e5") in edges
    # the package __init__ re-exporting from its submodules
    assert ("summarize.embed", "summarize.embed.registry") in edges


def test_graph_resolves_relative_and_submodule_imports() -> None:
    modules = _modules()
    pkg, mod = modules["summarize.embed"], modules["summarize.embed.store"]
    node = ast.parse("from . import store, Encoder").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _resolve("summarize.embed", pkg, node) == "summarize.embed"
    assert _resolve("summarize.embed.store", mod, node) == "summarize.embed"
    up = ast.parse("from ..errors import ModelError").body[0]
    assert isinstance(up, ast.ImportFrom)
    assert _resolve("summarize.embed.store", mod, up) == "summarize.errors"


# --- cycles ----------------------------------------------------------------------------


def test_no_import_cycles_anywhere() -> None:
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles:\n" + _listing(cycles)


def test_a_cycle_is_found_and_listed() -> None:
    graph = nx.DiGraph([("summarize.a", "summarize.b"), ("summarize.b", "summarize.a")])
    assert _listing(import_cycles(graph)) == "summarize.a -> summarize.b -> summarize.a"
