"""The document templates in ``forms/``: plain-text Jinja2 files the office can edit, checked when loaded.

One file per kind of document (``forms/<kind>.j2``; one 答复书 per outcome, ``forms/reply_<outcome>.j2``)
and a few shared parts (``forms/_*.j2``, pulled in with ``{% include %}``). ``forms/README.md`` describes
the format; in short, one line is one paragraph, and a line may start with a mark such as 【标题】 or
【落款】 that says what it is (:mod:`app.documents.render` reads them).

A template is rendered with ``StrictUndefined`` from the context :func:`app.domain.letters.letter_context`
builds, and it is **checked when it is loaded**: a syntax error, a placeholder the kind does not declare
(:func:`app.domain.letters.placeholders`, found with ``jinja2.meta.find_undeclared_variables``), an unknown
filter or a missing shared part is refused with a Chinese message naming the file and the line
(:class:`TemplateProblem`). Values are protected on the way in: text the clerk typed can never start a
mark of its own, and a line break inside a value starts a new paragraph of the same kind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from jinja2 import nodes

from app.domain.errors import ClerkError
from app.domain.letters import TEMPLATE_FUNCTIONS, DocumentKind, all_template_names, placeholders

__all__ = [
    "BREAK",
    "GUARD",
    "TemplateProblem",
    "check_templates",
    "forms_dir",
    "load_template",
    "render_text",
]

#: A line break inside a value (a new paragraph of the same kind, a new line inside a table cell).
BREAK = "\x1e"
#: Put before every value so that a value can never start a mark (【标题】 …) of its own; removed when read.
GUARD = "\x1f"


class TemplateProblem(ClerkError):
    """A template in ``forms/`` cannot be used; the message names the file and the line (Chinese)."""


def forms_dir() -> Path:
    """``forms/`` of the installed program (the PyInstaller bundle's copy on the office PC)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return (Path(frozen) if frozen else Path(__file__).resolve().parents[2]) / "forms"


def _protect(value: Any) -> str:
    """Every ``{{ value }}`` as guarded text: line breaks become :data:`BREAK`, a "|" cannot split a table
    cell (it prints as the full-width "｜"), and no mark can be injected."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", BREAK).replace("|", "｜")
    return GUARD + text


def _choice(value: Any, *options: str) -> str:
    """选项(值, 甲, 乙, …) → ■甲　□乙 (the option equal to the value is ticked)."""
    chosen = str(value or "")
    return "　".join(("■" if chosen == o else "□") + o for o in options)


def _blank(lines: int = 1) -> str:
    """空白(n): n empty lines to write in by hand."""
    return "\n" * max(1, int(lines))


FUNCTIONS: dict[str, Callable[..., str]] = {"选项": _choice, "空白": _blank}
assert set(FUNCTIONS) == set(TEMPLATE_FUNCTIONS)


class _Loader(jinja2.FileSystemLoader):
    """Every file ends with a line break, so an included part never runs into the line after it."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return (source if source.endswith("\n") else source + "\n"), filename, uptodate


def _environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_Loader(str(folder), encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_protect,
        auto_reload=True,
    )
    env.globals.update(FUNCTIONS)
    return env


_ENVS: dict[Path, jinja2.Environment] = {}


def _env(folder: Path) -> jinja2.Environment:
    folder = folder.resolve()
    if folder not in _ENVS:
        _ENVS[folder] = _environment(folder)
    return _ENVS[folder]


@dataclass(frozen=True)
class _Checked:
    stamp: tuple[int, int]
    template: jinja2.Template


_CHECKED: dict[tuple[Path, str, DocumentKind | None], _Checked] = {}


def _where(name: str, line: int | None) -> str:
    return f"文书模板 forms/{name}" + (f" 第{line}行" if line else "")


def _first_line(ast: nodes.Template, name: str) -> int | None:
    lines = [n.lineno for n in ast.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else None


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def load_template(name: str, kind: DocumentKind | None, folder: Path | None = None) -> jinja2.Template:
    """The template *name* of ``forms/``, checked against the placeholders of *kind* (``None``: the shared
    parts, which may use only the common ones) — and every shared part it includes, likewise.

    Raises :class:`TemplateProblem` (file and line in the message) for a missing file, a syntax error, an
    unknown placeholder, filter or function, or a missing shared part. Checked once per file version.
    """
    folder = Path(folder) if folder is not None else forms_dir()
    path = folder / name
    try:
        stamp = _stamp(path)
    except OSError:
        raise TemplateProblem(f"{_where(name, None)}：文件不存在（程序目录中的 forms 文件夹不完整）") from None
    key = (folder.resolve(), name, kind)
    cached = _CHECKED.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached.template
    env = _env(folder)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateProblem(f"{_where(name, None)}：不是 UTF-8 编码的文本文件，请另存为 UTF-8") from None
    try:
        ast = env.parse(source, name, str(path))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{_where(name, exc.lineno)}：模板语法错误（{exc.message}）") from None
    declared = set(placeholders(kind)) | set(FUNCTIONS)
    try:
        used = jinja2.meta.find_undeclared_variables(ast)
    except jinja2.TemplateSyntaxError as exc:  # an unknown filter or test is found while walking the template
        raise TemplateProblem(f"{_where(name, exc.lineno)}：{exc.message}") from None
    unknown = sorted(used - declared, key=lambda n: _first_line(ast, n) or 0)
    if unknown:
        first = unknown[0]
        names = "、".join(f"“{n}”" for n in unknown)
        what = kind.label if kind is not None else "公共部分"
        raise TemplateProblem(
            f"{_where(name, _first_line(ast, first))}：未知的占位符{names}；“{what}”可用的占位符见 forms/README.md"
        )
    for node in ast.find_all(nodes.Include):
        target = node.template
        if not isinstance(target, nodes.Const) or not isinstance(target.value, str):
            raise TemplateProblem(f"{_where(name, node.lineno)}：include 只能引用固定的文件名")
        if not (folder / target.value).is_file():
            raise TemplateProblem(f"{_where(name, node.lineno)}：引用的公共部分“{target.value}”不存在")
        load_template(target.value, None, folder)
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:  # unknown filters and tests are found when compiling
        raise TemplateProblem(f"{_where(name, exc.lineno)}：{exc.message}") from None
    _CHECKED[key] = _Checked(stamp, template)
    return template


def render_text(name: str, kind: DocumentKind, context: Mapping[str, str], folder: Path | None = None) -> str:
    """The rendered text of a template (marks and :data:`BREAK`/:data:`GUARD` still in it)."""
    template = load_template(name, kind, folder)
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:  # a value missing from the context: a programming error
        raise TemplateProblem(f"{_where(name, None)}：{exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{_where(name, None)}：{exc}") from None


def check_templates(folder: Path | None = None) -> list[str]:
    """Load every template the program needs; the Chinese problems found (empty: all usable)."""
    problems: list[str] = []
    for name in all_template_names():
        kind = DocumentKind.REPLY if name.startswith("reply_") else DocumentKind(name.removesuffix(".j2"))
        try:
            load_template(name, kind, folder)
        except TemplateProblem as exc:
            problems.append(str(exc))
    return problems
