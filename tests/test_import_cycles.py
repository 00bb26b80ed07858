"""No module of the package imports, directly or through others, a module that imports it back:
counting imports inside functions and under ``TYPE_CHECKING`` too, since a lazy import is still
a dependency of the stage that makes it. Values that stages pass on live in shared modules
(``ragarchive/types.py``, ``ragarchive/results.py``), so no stage needs a later one, which the
second test checks against the order in which data flows (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# folder -> package name, as pyproject's package-dir maps them
ROOTS = {"ragarchive": "ragarchive", "ingest": "ragarchive.ingest", "ui": "ragarchive.ui",
         "prompts": "ragarchive.prompts"}


def _modules() -> dict[str, Path]:
    out = {}
    for folder, package in ROOTS.items():
        for path in (REPO / folder).rglob("*.py"):
            parts = list(path.relative_to(REPO / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join([package, *parts])] = path
    return out


def _imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, imported names) of every import in the module, relative ones resolved."""
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, [a.name for a in node.names]))
    return out


def _edges(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    found = set()
    for target, names in _imports(name, path):
        found |= {target, *(f"{target}.{n}" for n in names)}
    return {m for m in found if m in modules and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_at_all() -> None:
    modules = _modules()
    graph = {name: _edges(name, path, modules) for name, path in modules.items()}
    assert "ragarchive.asking" in graph["ragarchive.services"]  # lazy imports are seen
    assert _cycles(graph) == []


def test_the_check_sees_a_cycle_through_a_lazy_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


# The stages in the order data flows; a module may import its own stage and earlier ones.
STAGES = (
    ("shared", ("ragarchive.types", "ragarchive.ask_types", "ragarchive.errors", "ragarchive.config",
                "ragarchive.network", "ragarchive.text", "ragarchive.prompts", "ragarchive.embedding")),
    ("storage", ("ragarchive.storage",)),
    ("ingest", ("ragarchive.ingest",)),
    ("retrieval", ("ragarchive.retrieval",)),
    ("answering", ("ragarchive.answering",)),
    ("gating", ("ragarchive.gating",)),
    ("deciding", ("ragarchive.results", "ragarchive.asking", "ragarchive.audit")),
    # what runs the whole pipeline: calibration fits the gate by asking synthetic questions
    ("using", ("ragarchive.gating.calibration", "ragarchive.eval_run", "ragarchive.evaluation",
               "ragarchive.audit_report", "ragarchive.reporting", "ragarchive.demo",
               "ragarchive.services", "ragarchive.cli", "ragarchive.cli_output",
               "ragarchive.cli_settings", "ragarchive.cli_adapt", "ragarchive.adapting",
               "ragarchive.fine_tuning", "ragarchive.cli_move", "ragarchive.moving", "ragarchive.ui",
               "ragarchive.__main__")),
)


def _stage(module: str) -> int | None:
    """The stage of the longest prefix that names ``module`` (None for the package root)."""
    found = [(len(p), i) for i, (_, prefixes) in enumerate(STAGES) for p in prefixes
             if module == p or module.startswith(p + ".")]
    return max(found)[1] if found else None


def test_every_module_has_a_stage() -> None:
    assert [m for m in _modules() if m != "ragarchive" and _stage(m) is None] == []


def test_no_stage_imports_a_later_stage() -> None:
    modules = _modules()
    later = []
    for name, path in sorted(modules.items()):
        own = _stage(name)
        for target in sorted(_edges(name, path, modules)):
            other = _stage(target)
            if own is not None and other is not None and other > own:
                later.append(f"{name} ({STAGES[own][0]}) imports {target} ({STAGES[other][0]})")
    assert later == []


def test_every_import_of_the_package_names_a_module_of_it() -> None:
    """A lazy relative import that a move left behind (``from .text import …`` in a module now
    one level deeper) fails only when its function runs; find it here instead."""
    modules = _modules()
    broken = [f"{name}: {target}" for name, path in sorted(modules.items())
              for target, _ in _imports(name, path)
              if target.startswith("ragarchive") and target not in modules]
    assert broken == []
