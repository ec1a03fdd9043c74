"""The layers: imports point down, and no module reaches into another package's private names.

The table is the architecture note's (docs: ARCHITECTURE.md); a new import that points up, or
a ``from x import _private`` across packages, fails here with the line that does it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import playground

PACKAGE = Path(playground.__file__).resolve().parent

# layer -> the layers it may import (itself included); top-level modules are "api"
MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "batch": {"core", "batch"},
    "export": {"core", "export"},
    "network": {"core", "batch", "network"},
    "live": {"live"},
    "web": {"core", "batch", "export", "network", "live", "web"},
    "cli": {"core", "batch", "export", "network", "web", "cli"},  # `serve` starts the web
    "api": {"core", "batch", "cli"},  # `simulate` runs many starts on the batch backends
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else "api"


def _imports(path: Path):
    """(line, absolute module, imported names) for each import of the playground's own modules."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "playground":
                yield node.lineno, target, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "playground":
                    yield node.lineno, a.name, []


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_imports_point_down(path: Path) -> None:
    layer = _layer(_module(path))
    for line, target, _ in _imports(path):
        to = _layer(target) if target != "playground" else "api"
        assert to in MAY_IMPORT[layer], f"{path.name}:{line} imports {target}: {layer} may not import {to}"


def _package_of(module: str, path_is_package: bool) -> str:
    return module if path_is_package else module.rsplit(".", 1)[0]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_no_private_names_across_packages(path: Path) -> None:
    here = _package_of(_module(path), path.name == "__init__.py")
    for line, target, names in _imports(path):
        target_is_package = (PACKAGE.parent / Path(*target.split(".")) / "__init__.py").exists()
        there = _package_of(target, target_is_package)
        if there == here:
            continue
        private = [n for n in names if n.startswith("_")]
        private += [p for p in target.split(".") if p.startswith("_") and p != "__init__"]
        assert not private, f"{path.name}:{line} takes {private} from {target}, private to {there}"


def test_the_table_covers_every_layer() -> None:
    layers = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert layers == set(MAY_IMPORT) - {"api"}
