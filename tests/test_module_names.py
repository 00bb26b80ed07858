"""One name per module: ``ingest``, ``ui`` and ``prompts`` are installed as ``ragarchive.ingest``,
``ragarchive.ui`` and ``ragarchive.prompts`` (pyproject's package-dir). Importing them by their bare
folder names loads a second copy of each module (``ragarchive.ingest.clean is ingest.clean`` is
False: two copies of every class), so no file of the repository may do it."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BARE = {"ingest", "ui", "prompts"}
SKIP = {".venv", ".git", ".data", "node_modules", "build", "dist"}


def _python_files() -> list[Path]:
    return [p for p in REPO.rglob("*.py") if not SKIP & set(p.relative_to(REPO).parts)]


def _bare_imports(path: Path, root: Path = REPO) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(root)}:{node.lineno}: {n}" for n in names if n.split(".")[0] in BARE]
    return found


def test_no_file_imports_ingest_ui_or_prompts_by_its_bare_name() -> None:
    files = _python_files()
    assert any(p.name == "pipeline.py" for p in files)  # the walk sees the package folders
    assert [hit for p in files for hit in _bare_imports(p)] == []


def test_the_check_finds_a_bare_import_even_inside_a_function(tmp_path: Path) -> None:
    bad = tmp_path / "probe.py"
    bad.write_text("import ui.app\ndef f():\n    from ingest.clean import clean_string\n", encoding="utf-8")
    assert _bare_imports(bad, tmp_path) == ["probe.py:1: ui.app", "probe.py:3: ingest.clean"]
