"""The layers import only downwards (see README "Layout"): checked on the source, module by module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

#: package (or module) → the packages of ours it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app.domain": ("app.store", "app.services", "app.ui", "app.cli", "app.documents"),
    "app.store": ("app.services", "app.ui", "app.cli"),
    "app.services": ("app.ui", "app.cli"),
    "app.ui": ("app.store", "app.cli"),
    "app.cli": ("app.store", "app.ui"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):  # also imports inside functions (the CLI imports lazily)
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def _violations(layer: str) -> list[str]:
    forbidden = FORBIDDEN[layer]
    files = [APP / "cli.py"] if layer == "app.cli" else sorted((APP / layer.split(".")[1]).rglob("*.py"))
    found = []
    for path in files:
        for name in sorted(_imports(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{_module_name(path)} imports {name}")
    return found


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_layers_import_only_downwards(layer):
    assert _violations(layer) == []


def test_the_check_itself_sees_a_forbidden_import(tmp_path):
    fake = tmp_path / "app"
    (fake / "ui").mkdir(parents=True)
    (fake / "ui" / "bad.py").write_text("def f():\n    from app.store.database import open_database\n")
    globals()["APP"] = fake
    try:
        assert _violations("app.ui") == [
            "app.ui.bad imports app.store.database",
            "app.ui.bad imports app.store.database.open_database",
        ]
    finally:
        globals()["APP"] = Path(__file__).resolve().parents[1] / "app"
