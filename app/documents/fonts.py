"""Chinese fonts for printed documents: the office's own where installed, else a free CJK TrueType font.

GB/T 9704-2012 sets 仿宋 for the body, 小标宋 for the title, 黑体 for first-level headings and 楷体 for
second-level ones (docs/rules.md §8). Windows offices have simfang.ttf, simsun.ttc, simhei.ttf and
simkai.ttf; elsewhere the program falls back to free fonts found on the machine (AR PL UMing/UKai,
WenQuanYi Zen Hei …) or to a file the clerk chose in 设置. Only TrueType outlines can be embedded by
reportlab (OpenType/CFF fonts such as Noto CJK cannot), so only those are considered. Every font is
embedded as a subset, so the PDF prints the same on any machine. With no CJK font at all the clerk gets a
Chinese message — never a PDF with boxes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import ClerkError

#: What each role prefers, best first: (file name, subfont index for .ttc collections).
CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    "fangsong": (("simfang.ttf", 0), ("FangSong.ttf", 0), ("STFANGSO.TTF", 0), ("uming.ttc", 0), ("ukai.ttc", 0)),
    "song": (("simsun.ttc", 0), ("SimSun.ttf", 0), ("STSONG.TTF", 0), ("uming.ttc", 0)),
    "title": (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0), ("simsun.ttc", 0), ("STZHONGS.TTF", 0), ("uming.ttc", 0)),
    "hei": (("simhei.ttf", 0), ("msyh.ttc", 0), ("wqy-zenhei.ttc", 0), ("wqy-microhei.ttc", 0)),
    "kai": (("simkai.ttf", 0), ("STKAITI.TTF", 0), ("ukai.ttc", 0), ("uming.ttc", 0)),
}
#: Used for any role without a font of its own (a sans face reads better than boxes).
FALLBACKS: tuple[tuple[str, int], ...] = (
    ("uming.ttc", 0),
    ("ukai.ttc", 0),
    ("wqy-zenhei.ttc", 0),
    ("wqy-microhei.ttc", 0),
    ("DroidSansFallbackFull.ttf", 0),
    ("simsun.ttc", 0),
    ("simhei.ttf", 0),
)
ROLES: tuple[str, ...] = tuple(CANDIDATES)


class FontMissing(ClerkError):
    """No usable Chinese font on this machine."""


@dataclass(frozen=True)
class FontChoice:
    path: Path
    subfont: int = 0

    @property
    def name(self) -> str:
        return f"OGI-{self.path.stem}-{self.subfont}"


@dataclass(frozen=True)
class FontSet:
    """The reportlab font names registered for each role (body, title, headings)."""

    fangsong: str
    song: str
    title: str
    hei: str
    kai: str
    files: tuple[Path, ...]


def font_dirs() -> list[Path]:
    """Where fonts live on Windows, Linux and macOS (system and user folders)."""
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
        dirs += [Path.home() / ".local" / "share" / "fonts", Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    return [d for d in dirs if d.is_dir()]


def _index(dirs: Iterable[Path]) -> dict[str, Path]:
    """File name (lower case) → path, for every font file under *dirs* (first found wins)."""
    found: dict[str, Path] = {}
    for d in dirs:
        for path in sorted(d.rglob("*")):
            if path.suffix.lower() in (".ttf", ".ttc") and path.name.lower() not in found:
                found[path.name.lower()] = path
    return found


def _usable(choice: FontChoice) -> bool:
    """reportlab can embed it: TrueType outlines with the CJK characters the letters use."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        font = TTFont(choice.name, str(choice.path), subfontIndex=choice.subfont)
    except Exception:  # CFF outlines, damaged file, wrong index
        return False
    cmap = font.face.charToGlyph
    return all(ord(ch) in cmap for ch in "政府信息公开申请答复书〔〕")


def choose_fonts(dirs: Sequence[Path] | None = None, chosen: Path | None = None) -> dict[str, FontChoice]:
    """The font file for each role. *chosen* (a file picked in 设置) serves every role it can."""
    index = _index(font_dirs() if dirs is None else dirs)
    usable: dict[tuple[str, int], bool] = {}

    def pick(options: Iterable[tuple[str, int]]) -> FontChoice | None:
        for name, sub in options:
            path = index.get(name.lower())
            if path is None:
                continue
            key = (str(path), sub)
            if key not in usable:
                usable[key] = _usable(FontChoice(path, sub))
            if usable[key]:
                return FontChoice(path, sub)
        return None

    if chosen is not None:
        own = FontChoice(Path(chosen))
        if not Path(chosen).is_file() or not _usable(own):
            raise FontMissing(f"所选字体文件无法使用（须为含中文字符的 TrueType 字体 .ttf/.ttc）：{chosen}")
        return dict.fromkeys(ROLES, own)
    fallback = pick(FALLBACKS)
    out: dict[str, FontChoice] = {}
    for role in ROLES:
        choice = pick(CANDIDATES[role]) or fallback
        if choice is None:
            raise FontMissing(
                "本机没有可用于打印的中文字体，无法生成文书。\n"
                "请安装仿宋、宋体、黑体等中文字体（Windows 自带 simfang.ttf、simsun.ttc、simhei.ttf），"
                "或在“设置”中选择一个中文 TrueType 字体文件（.ttf/.ttc）。"
            )
        out[role] = choice
    return out


_REGISTERED: dict[tuple[str, ...], FontSet] = {}


def load_fonts(dirs: Sequence[Path] | None = None, chosen: Path | None = None) -> FontSet:
    """Register the chosen fonts with reportlab once per process and return their names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    key = (*(str(d) for d in (dirs or ())), str(chosen or ""), "dirs" if dirs is None else "given")
    if key in _REGISTERED:
        return _REGISTERED[key]
    choices = choose_fonts(dirs, chosen)
    for choice in set(choices.values()):
        if choice.name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(choice.name, str(choice.path), subfontIndex=choice.subfont))
    fonts = FontSet(
        fangsong=choices["fangsong"].name,
        song=choices["song"].name,
        title=choices["title"].name,
        hei=choices["hei"].name,
        kai=choices["kai"].name,
        files=tuple(sorted({c.path for c in choices.values()})),
    )
    _REGISTERED[key] = fonts
    return fonts
