"""The wheel holds every subpackage: pyproject lists packages by hand (the source folders are mapped
with package-dir), and an editable install would hide a missing one until a user runs `pip install .`."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _source_dir(package: str, package_dir: dict[str, str]) -> Path:
    """Where setuptools looks for ``package``: its own mapping, else its parent's plus its name."""
    if package in package_dir:
        return ROOT / package_dir[package]
    parent, _, name = package.rpartition(".")
    return _source_dir(parent, package_dir) / name


def test_every_folder_with_an_init_is_a_listed_package() -> None:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed, mapping = set(tool["packages"]), tool["package-dir"]
    roots = {_source_dir(p, mapping) for p in listed}
    for package in listed:
        assert (_source_dir(package, mapping) / "__init__.py").is_file(), package
    missing = []
    for root in roots:
        for init in root.glob("*/__init__.py"):
            if init.parent not in roots:
                missing.append(str(init.parent.relative_to(ROOT)))
    assert not missing, f"folders with an __init__.py that pyproject does not list: {missing}"
