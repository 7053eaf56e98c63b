"""What belongs to the desk rather than to the register: kept in the user's configuration folder.

On a server several clerks share one register, so the name recorded as 经办人 on every step cannot be a
setting of the register (the last clerk to type a name would sign every other desk's work): it is kept per
user account in ``desk.json`` beside ``connection.json`` (``OGI_DESK_CONFIG_DIR`` overrides the folder),
written whole and renamed into place, private to the account (0600). A desk on its own SQLite file keeps
these in the file as before.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from app.domain.errors import ClerkError
from app.store.server import config_dir

DESK_FILE = "desk.json"
#: the settings that are the desk's own on a server
DESK_KEYS = frozenset({"clerk_name", "clerk_name_set"})

log = logging.getLogger(__name__)


class DeskSettingError(ClerkError):
    """The desk's settings file cannot be written; ``str(err)`` is Chinese. Nothing was changed."""


def desk_file() -> Path:
    return config_dir() / DESK_FILE


def load_desk_settings() -> dict[str, Any]:
    """The desk's own settings; an unreadable file counts as none (logged), never a crash."""
    path = desk_file()
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("desk settings unreadable (%s): %s", path, exc)
        return {}
    return {k: v for k, v in value.items() if k in DESK_KEYS} if isinstance(value, dict) else {}


def save_desk_setting(key: str, value: Any) -> None:
    """Store one of :data:`DESK_KEYS` for this desk (the other keys of the file are kept)."""
    if key not in DESK_KEYS:
        raise KeyError(key)
    values = load_desk_settings()
    values[key] = value
    path = desk_file()
    tmp = path.with_name(f"{path.name}.part-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(values, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise DeskSettingError(f"无法保存本机设置（经办人姓名）：{path}（{exc.strerror or exc}）") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
