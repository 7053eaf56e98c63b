"""A fresh clone stands on its own: no file points to documents outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("app", "db", "docs", "forms", "resources", "scripts", "tests")
TOP_FILES = ("README.md", "pyproject.toml", "build_installer.spec", "Makefile")
OUTSIDE = ("../" + "shared", "shared/" + "reference", "domain" + ".md")  # spelled apart: this file must not match


def _text_files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES if (ROOT / name).exists()]
    for folder in SCANNED:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in {".py", ".md", ".txt", ".json", ".qss", ".mako", ".spec", ".j2", ".toml"}
        ]
    return files


def test_no_file_refers_to_documents_outside_the_repository():
    offenders = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in _text_files()
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_the_rules_document_has_every_section_the_code_cites():
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    cited = {
        int(match)
        for path in _text_files()
        for match in re.findall(r"docs/rules\.md §(\d+)", path.read_text(encoding="utf-8", errors="replace"))
    }
    assert cited, "the code cites docs/rules.md"
    missing = sorted(n for n in cited if f"## §{n} " not in rules)
    assert missing == []
