"""One rule for free text typed at the counter or brought in by a ledger (docs/rules.md §2).

Every text field of an application goes through :func:`clean_field` — the registration form, the edit of
particulars and the ledger import alike — so what the register holds can always be printed (GB/T 9704
documents) and exported to .xlsx (at most 32,767 characters per cell):

1. **NFC**: the same character is stored the same way however it was typed or pasted.
2. **Format characters are stripped** (Unicode category Cf: zero-width space/joiners, word joiner, BOM,
   soft hyphen, the bidirectional embeddings and isolates U+202A–U+202E, U+2066–U+2069): they are
   invisible, carry no meaning in Chinese text and only make equal names look different (or an empty name
   look filled in). A name made only of them is empty.
3. **Control characters are refused** (category Cc: C0, DEL and C1), because they mean a damaged file or a
   paste of binary data, and silently removing them could hide that. The exceptions: in multi-line fields
   (申请内容, 备注 …) tab and line breaks are kept (CR LF and CR become LF); in one-line fields (names,
   numbers, phone, address, e-mail) a line break or tab — an Alt+Enter in an Excel cell — becomes one
   space. U+2028/U+2029 count as line breaks. Lone surrogates are refused.
4. Leading and trailing blanks (including the ideographic space U+3000) are removed.
5. **Length limits** per field (:data:`FIELD_LIMITS`, counted after cleaning) keep every value within one
   .xlsx cell and within what the printed letters can lay out; a longer value is refused, never cut.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "FIELD_LIMITS",
    "XLSX_CELL_LIMIT",
    "FieldRule",
    "TextError",
    "clean_field",
    "for_export",
    "strip_invisible",
]

XLSX_CELL_LIMIT = 32_767
"""Most characters one .xlsx cell holds (Excel's specification limits)."""


@dataclass(frozen=True)
class FieldRule:
    """How long a field may be and whether it may hold line breaks."""

    label: str
    limit: int
    multiline: bool = False


FIELD_LIMITS: dict[str, FieldRule] = {
    "applicant_name": FieldRule("申请人", 200),
    "agent_name": FieldRule("代理人", 200),
    "legal_representative": FieldRule("法定代表人", 100),
    "contact_person": FieldRule("联系人", 100),
    "id_number": FieldRule("证件号码", 40),
    "phone": FieldRule("联系电话", 100),
    "address": FieldRule("通讯地址", 300),
    "postcode": FieldRule("邮政编码", 20),
    "email": FieldRule("电子邮箱", 254),
    "content": FieldRule("申请内容", 10_000, multiline=True),
    "document_titles": FieldRule("文件名称/文号", 5_000, multiline=True),
    "purpose": FieldRule("用途", 2_000, multiline=True),
    "notes": FieldRule("备注", 10_000, multiline=True),
    "confirmed_with": FieldRule("确认收到的对象", 200),
    "agent_authorisation": FieldRule("授权委托", 2_000, multiline=True),
    "reason": FieldRule("原因", 2_000, multiline=True),
    "reg_number": FieldRule("登记编号", 60),
    "cell": FieldRule("单元格", 200),
}
"""Field → rule. Every limit is far below :data:`XLSX_CELL_LIMIT`, so an export never has to cut a cell."""

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029]")
_SINGLE_LINE_BLANKS = re.compile(r"[\t\n]+")
_BLANKS = " \t\n\u3000"


class TextError(ValueError):
    """A text refused by the rule; the message is Chinese and never repeats the text itself."""


# Unicode category Cf (format characters, Unicode 14), plus the blank "filler" letters that render as
# nothing (U+034F, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, and the Braille blank U+2800).
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u3164\uffa0\u2800]"
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# anything the rule has to act on besides NFC and the outer blanks (the common case has none)
_SPECIAL = re.compile(_INVISIBLE.pattern[:-1] + "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def strip_invisible(text: str) -> str:
    """NFC, without format characters (rule 1 and 2): what a name "really" says."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def clean_field(value: object, field: str) -> str:
    """The value of ``field`` (a key of :data:`FIELD_LIMITS`) cleaned by the rule; raises :class:`TextError`.

    ``None`` is the empty text. The message names the field and, for a control character, its position
    and code (never the text: it may be personal data).
    """
    rule = FIELD_LIMITS[field]
    if value is None:
        return ""
    text = value if value.__class__ is str else str(value)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _SPECIAL.search(text) is not None:
        text = _clean_special(text, rule)
    text = text.strip(_BLANKS)
    if len(text) > rule.limit:
        raise TextError(f"{rule.label}不能超过 {rule.limit} 个字（实为 {len(text)} 个字）")
    return text


def _clean_special(text: str, rule: FieldRule) -> str:
    """Rules 2 and 3 for a text that has invisible, control or line-separator characters."""
    text = _INVISIBLE.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    if not rule.multiline:
        text = _SINGLE_LINE_BLANKS.sub(" ", text)
    bad = _CONTROL.search(text)
    if bad is not None:
        ch, at = bad.group(), bad.start() + 1
        if "\ud800" <= ch <= "\udfff":
            raise TextError(f"{rule.label}第 {at} 个字符是无效字符，请删除后重新填写")
        raise TextError(f"{rule.label}第 {at} 个字符是不可见的控制字符（U+{ord(ch):04X}），请删除后重新填写")
    return text


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def for_export(text: str) -> tuple[str, bool]:
    """``text`` without the control characters an .xlsx cell cannot hold (text stored before this rule);
    True when something was removed, so the export can say so."""
    cleaned = _XLSX_ILLEGAL.sub("", text)
    return cleaned, cleaned != text
