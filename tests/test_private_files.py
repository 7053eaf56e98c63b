"""Everything the program writes is private to the clerk's account on POSIX (umask set at start)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_program_writes_private_files(tmp_path: Path):
    from app.__main__ import keep_files_private

    before = os.umask(0o022)
    try:
        keep_files_private()
        (tmp_path / "export.csv").write_text("x", encoding="utf-8")
        (tmp_path / "backups").mkdir()
        assert (tmp_path / "export.csv").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    finally:
        os.umask(before)
