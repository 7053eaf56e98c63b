"""The per-installation audit key: kept outside the database file, never in it.

The key signs the audit chain (HMAC-SHA256, see :mod:`app.domain.audit`). It lives in the user's
configuration folder (platformdirs ``user_config_dir``/ogi-desk/``audit.key``: ``%APPDATA%`` on Windows,
``~/.config`` on Linux, folder 0700 and file 0600 on POSIX), not beside the database, so that a copy of the
database folder or a backup does not carry it. It is created on first use, and may be overridden with the
environment variable ``OGI_DESK_AUDIT_KEY_DIR`` (the tests point it at a temporary folder). The file holds
one key per line in hex: the first is this installation's own key, the others were imported
(``python -m app key import``) so that a database brought from another computer can be verified here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from platformdirs import user_config_dir

from app.domain.audit import key_id
from app.domain.errors import ClerkError

__all__ = ["ENV_KEY_DIR", "KeyFileError", "export_key", "import_key", "key_dir", "key_file", "load_keys", "own_key"]

ENV_KEY_DIR = "OGI_DESK_AUDIT_KEY_DIR"
KEY_FILE = "audit.key"
_KEY_BYTES = 32


class KeyFileError(ClerkError):
    """The key file cannot be read or written; ``str(err)`` is Chinese."""


def key_dir() -> Path:
    override = os.environ.get(ENV_KEY_DIR)
    if override:
        return Path(override)
    # roaming: on Windows %APPDATA%\ogi-desk, apart from the database in %LOCALAPPDATA%\ogi-desk
    return Path(user_config_dir("ogi-desk", appauthor=False, roaming=True))


def key_file() -> Path:
    return key_dir() / KEY_FILE


def _parse(text: str) -> list[bytes]:
    keys: list[bytes] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            key = bytes.fromhex(line)
        except ValueError:
            continue
        if len(key) >= 16:
            keys.append(key)
    return keys


def _read() -> list[bytes]:
    path = key_file()
    try:
        return _parse(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise KeyFileError(f"无法读取审计密钥文件：{path}（{exc.strerror or exc}）") from exc


def _write_file(path: Path, keys: list[bytes], mode_flag: int) -> None:
    """The key file's text (a heading, one key per line in hex) written to *path* (0600) and synced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | mode_flag, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# 政府信息公开申请办理台账：审计密钥（请勿删除；遗失后审计签名将无法验证）\n")
        fh.writelines(k.hex() + "\n" for k in keys)
        fh.flush()
        os.fsync(fh.fileno())


def _write(keys: list[bytes]) -> None:
    path = key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o700)
        tmp = path.with_name(path.name + ".part")
        _write_file(tmp, keys, os.O_TRUNC)
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        raise KeyFileError(f"无法保存审计密钥文件：{path}（{exc.strerror or exc}）") from exc


def load_keys() -> dict[str, bytes]:
    """Every key this computer has, by key id (empty when none was created yet)."""
    return {key_id(k): k for k in _read()}


def own_key() -> tuple[str, bytes]:
    """This installation's key (created, 0600, on first use).

    Two programs of the same account starting at once (two windows, a window and a command) must not each
    create a key: the new file is written aside and linked into place only if no key file exists yet (an
    atomic create-if-absent); the one that loses reads the winner's key."""
    keys = _read()
    if not keys:
        _create([secrets.token_bytes(_KEY_BYTES)])
        keys = _read()
    return key_id(keys[0]), keys[0]


def _create(keys: list[bytes]) -> None:
    path = key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
        _write_file(tmp, keys, os.O_EXCL)
        try:
            os.link(tmp, path)  # fails when another program created the key first
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: the plain write (no race protection)
            if not path.exists():
                os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    except OSError as exc:
        raise KeyFileError(f"无法保存审计密钥文件：{path}（{exc.strerror or exc}）") from exc


def export_key(dest: Path) -> Path:
    """Write every key of this computer to *dest* (0600; for the IT staff's safe, or another computer)."""
    own_key()
    keys = _read()
    dest = Path(dest)
    if dest.exists():
        raise KeyFileError(f"文件已存在，未覆盖：{dest}")
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.writelines(k.hex() + "\n" for k in keys)
    except OSError as exc:
        raise KeyFileError(f"无法写入密钥文件：{dest}（{exc.strerror or exc}）") from exc
    return dest


def import_key(src: Path) -> list[str]:
    """Add the keys of *src* to this computer's key file (this installation's own key stays first);
    returns the ids of the keys that were new."""
    try:
        incoming = _parse(Path(src).read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        raise KeyFileError(f"无法读取密钥文件：{src}（{exc.strerror or exc}）") from exc
    if not incoming:
        raise KeyFileError(f"该文件中没有审计密钥：{src}")
    own_key()
    keys = _read()
    known = {key_id(k) for k in keys}
    new = [k for k in incoming if key_id(k) not in known]
    if new:
        _write(keys + new)
    return [key_id(k) for k in new]
