"""Identity-document checks for the counter (docs/rules.md §9).

Pure functions that look at a document number and report, in Chinese sentences for the clerk, what is wrong
with it (``problems``) and what can be read from it (``notes``). Nothing here blocks an application: the
caller decides whether a problem is an error or only a warning (e.g. early 统一社会信用代码 that fail the
check yet are real).

Where a number carries a GB/T 2260 administrative-division code (the first six digits of an ID number,
positions 3–8 of a credit code) the province, city and district are named from the code table in
``resources/divisions`` (docs/rules.md §9). A wrong check character is reported as "校验码不符" and the
clerk is asked to re-read the card: the check digit tells that the number is wrong, not which digit is.

Standards:

- 居民身份证号码: GB 11643-1999《公民身份号码》(18 digits; 15-digit legacy numbers are converted).
- 港澳台居民居住证: same format as GB 11643-1999 with area codes 810000 / 820000 / 830000.
- 外国人永久居留身份证: 2023 format (18 digits starting with 9, GB 11643-1999 check character) and the
  older 3 letters + 12 digits format (pattern and birth date only).
- 统一社会信用代码: GB 32100-2015《法人和其他组织统一社会信用代码编码规则》.
- 护照、港澳居民来往内地通行证、台湾居民来往大陆通行证: pattern checks only.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from app.domain.codes import ApplicantKind, Channel, IdDocType, VerificationMethod

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "NO_NUMBER_REASONS",
    "PROVINCES",
    "IdCheck",
    "check_credit_code",
    "check_foreign_permanent",
    "check_hk_macao_permit",
    "check_hmt_residence",
    "check_identity",
    "check_passport",
    "check_resident_id",
    "check_taiwan_permit",
    "credit_code_check_char",
    "in_person_identity_problems",
    "mask_number",
    "normalise_number",
    "region_name",
    "resident_id_check_char",
    "suggest_kind_from_credit_code",
]


@dataclass(frozen=True)
class IdCheck:
    """The result of checking one identity-document number.

    ``ok`` is True when no problem was found; ``problems`` are Chinese sentences for the clerk,
    ``notes`` are informational facts read from the number.
    """

    doc_type: IdDocType
    number: str
    ok: bool
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    birth_date: date | None = None
    sex: str | None = None
    province: str | None = None
    region: str | None = None  # province, city and district named from the division code, when known
    legacy: bool = False
    converted: str | None = None
    suggested_kind: ApplicantKind | None = None


# GB/T 2260 province-level codes (first two digits of the area code), as used by GB 11643-1999.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
    "83": "台湾地区(居住证)",
}

_HMT_AREAS: dict[str, str] = {"810000": "香港", "820000": "澳门", "830000": "台湾"}

_ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 32100-2015 表 1: 登记管理部门代码 -> (部门名称, {机构类别代码: 类别名称}).
_CREDIT_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

_CREDIT_KINDS: dict[str, ApplicantKind] = {
    "91": ApplicantKind.COMMERCIAL,
    "92": ApplicantKind.COMMERCIAL,
    "93": ApplicantKind.COMMERCIAL,
    "31": ApplicantKind.LEGAL_SERVICE,
    "51": ApplicantKind.PUBLIC_INTEREST,
    "52": ApplicantKind.PUBLIC_INTEREST,
    "53": ApplicantKind.PUBLIC_INTEREST,
    "59": ApplicantKind.PUBLIC_INTEREST,
    "11": ApplicantKind.OTHER,
    "12": ApplicantKind.OTHER,
    "13": ApplicantKind.OTHER,
    "19": ApplicantKind.OTHER,
}

_EMPTY = "未填写证件号码"

#: What the clerk reads when the check character does not match: re-read the card, never "fix" the digit.
CHECK_MISMATCH = "校验码不符，请核对证件号码"
CREDIT_CHECK_MISMATCH = "校验码不符，请核对统一社会信用代码"

# Names in the division table that stand for a grouping, not a place (e.g. 110100 市辖区 in older tables).
_GROUPING_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"})


def _divisions_file() -> Path:
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidate = Path(meipass) / "resources" / "divisions" / "gbt2260.csv"
        if candidate.is_file():
            return candidate
    return Path(__file__).resolve().parents[2] / "resources" / "divisions" / "gbt2260.csv"


@lru_cache(maxsize=1)
def _divisions() -> dict[str, tuple[str, bool]]:
    """GB/T 2260 code -> (name, abolished since); empty when the table is missing (provinces still known)."""
    path = _divisions_file()
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["code"]: (row["name"], row["status"] == "former") for row in csv.DictReader(f)}


def region_name(code: str) -> str | None:
    """Province, city and district of a six-digit GB/T 2260 code, e.g. 370302 → "山东省淄博市淄川区".

    Each level is named when the code table knows it (a district code unknown to the table still names its
    province and city); ``None`` when not even the province is known. A code of a division abolished or
    renamed since is marked "（原行政区划代码）" — ID numbers keep the code of the place of first issue.
    """
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    table = _divisions()
    province = PROVINCES.get(code[:2])
    if province is None:
        return None
    parts = [province]
    former = False
    for level in (code[:4] + "00", code):
        if level.endswith("0000"):
            continue
        entry = table.get(level)
        if entry is None:
            continue
        name, gone = entry
        if name in _GROUPING_NAMES or name in parts:
            continue
        parts.append(name)
        former = former or gone
    return "".join(parts) + ("（原行政区划代码）" if former else "")


# ---------------------------------------------------------------------------------------------- helpers


def normalise_number(text: str) -> str:
    """Normalise a typed or pasted document number (GB 11643-1999, GB 32100-2015 and the rest).

    Full-width digits and letters become ASCII (NFKC), all whitespace (including inner and full-width
    spaces) is removed and letters are upper-cased, so ``" １１０１０５ 19491231002x"`` becomes
    ``"11010519491231002X"``.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).upper()


def _fmt_date(y: int, m: int, d: int) -> str:
    return f"{y}年{m}月{d}日"


def _real_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _result(doc_type: IdDocType, number: str, problems: list[str], notes: list[str], **extra: object) -> IdCheck:
    return IdCheck(
        doc_type=doc_type,
        number=number,
        ok=not problems,
        problems=tuple(problems),
        notes=tuple(notes),
        **extra,  # type: ignore[arg-type]
    )


def _bad_chars(text: str, allowed: str) -> str:
    """The distinct characters of ``text`` not in ``allowed``, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if ch not in allowed and ch not in seen:
            seen.append(ch)
    return "、".join(seen)


def _check_birth(
    y: int, m: int, d: int, today: date, problems: list[str], notes: list[str], *, label: str = "出生日期"
) -> date | None:
    born = _real_date(y, m, d)
    if born is None:
        problems.append(f"{label} {_fmt_date(y, m, d)} 不存在")
        return None
    if born > today:
        problems.append(f"{label} {_fmt_date(y, m, d)} 晚于今天（{_fmt_date(today.year, today.month, today.day)}）")
    elif born.year < 1900:
        problems.append(f"{label} {_fmt_date(y, m, d)} 早于 1900 年，不可能")
    else:
        notes.append(f"{label} {_fmt_date(y, m, d)}")
    return born


# ---------------------------------------------------------------------------------- GB 11643-1999


def resident_id_check_char(first17: str) -> str:
    """The GB 11643-1999 (ISO 7064 MOD 11-2) check character for the first 17 digits of an ID number.

    Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the weighted sum mod 11 indexes ``"10X98765432"``.
    Raises ``ValueError`` unless ``first17`` is exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not all(c in "0123456789" for c in first17):
        raise ValueError(f"需要 17 位数字，实为 {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _check_gb11643_18(
    number: str,
    today: date,
    problems: list[str],
    notes: list[str],
    *,
    region_at: int = 0,
    region_label: str = "地区",
) -> tuple[date | None, str | None, str | None]:
    """Rules shared by 18-digit GB 11643-1999 numbers; returns (birth date, sex, province).

    ``region_at`` is where the 2-digit province code starts (0 for ID numbers, 1 for the 2023 foreign
    permanent-residence number, whose first digit is 9).
    """
    if len(number) != 18:
        problems.append(f"号码应为 18 位，实为 {len(number)} 位")
        bad = _bad_chars(number, "0123456789X")
        if bad:
            problems.append(f"含有非法字符：{bad}（只能是数字，末位可以是 X）")
        return None, None, None
    head, last = number[:17], number[17]
    bad = _bad_chars(head, "0123456789")
    last_bad = last not in "0123456789X"
    if bad or last_bad:
        shown = "、".join(x for x in (bad, last if last_bad and last not in head else "") if x)
        problems.append(f"含有非法字符：{shown}（前 17 位只能是数字，末位只能是数字或 X）")
    province: str | None = None
    code = number[region_at : region_at + 2]
    if code.isdigit() and code.isascii():
        province = PROVINCES.get(code)
        if province is None:
            problems.append(f"{region_label}代码 {code} 不是有效的省级行政区划代码")
        elif region_at == 0:
            notes.append(f"{region_label}：{region_name(number[:6]) or province}")
        else:
            notes.append(f"{region_label}：{province}")
    born: date | None = None
    if number[6:14].isascii() and number[6:14].isdigit():
        born = _check_birth(int(number[6:10]), int(number[10:12]), int(number[12:14]), today, problems, notes)
    sex: str | None = None
    if number[16].isascii() and number[16].isdigit():
        sex = "男" if int(number[16]) % 2 else "女"
        notes.append(sex)
    if not bad and not last_bad:
        expected = resident_id_check_char(head)
        if expected != last:
            problems.append(CHECK_MISMATCH)
    return born, sex, province


def check_resident_id(number: str, *, today: date | None = None) -> IdCheck:
    """Check a 居民身份证 number against GB 11643-1999《公民身份号码》.

    18 characters: 6-digit area code, birth date YYYYMMDD, 3-digit sequence (odd 男, even 女) and the check
    character. The birth date must exist, not be in the future and not before 1900; the first two digits
    must be a province code. A 15-digit legacy number (area + YYMMDD + sequence) is converted to 18 digits
    by inserting "19" and computing the check character; it is flagged ``legacy`` with ``converted`` set.
    """
    today = today or date.today()
    num = normalise_number(number)
    problems: list[str] = []
    notes: list[str] = []
    if not num:
        return _result(IdDocType.RESIDENT_ID, num, [_EMPTY], [])
    if len(num) == 15:
        return _check_legacy_15(num, today)
    born, sex, province = _check_gb11643_18(num, today, problems, notes)
    if num[:6] in _HMT_AREAS:
        notes.append(f"地区码 {num[:6]} 是{_HMT_AREAS[num[:6]]}居民的港澳台居民居住证号段")
    region = region_name(num[:6]) if province else None
    return _result(
        IdDocType.RESIDENT_ID, num, problems, notes, birth_date=born, sex=sex, province=province, region=region
    )


def _check_legacy_15(num: str, today: date) -> IdCheck:
    problems: list[str] = []
    notes: list[str] = []
    bad = _bad_chars(num, "0123456789")
    if bad:
        problems.append(f"含有非法字符：{bad}（15 位旧号码只能是数字）")
        return _result(IdDocType.RESIDENT_ID, num, problems, notes, legacy=True)
    province = PROVINCES.get(num[:2])
    if province is None:
        problems.append(f"地区代码 {num[:2]} 不是有效的省级行政区划代码")
    else:
        notes.append(f"地区：{region_name(num[:6]) or province}")
    born = _check_birth(1900 + int(num[6:8]), int(num[8:10]), int(num[10:12]), today, problems, notes)
    sex = "男" if int(num[14]) % 2 else "女"
    notes.append(sex)
    first17 = num[:6] + "19" + num[6:]
    converted = first17 + resident_id_check_char(first17)
    notes.append(f"15 位旧号码，已换算为 18 位：{converted}")
    return _result(
        IdDocType.RESIDENT_ID,
        num,
        problems,
        notes,
        birth_date=born,
        sex=sex,
        province=province,
        region=region_name(num[:6]) if province else None,
        legacy=True,
        converted=converted,
    )


def check_hmt_residence(number: str, *, today: date | None = None) -> IdCheck:
    """Check a 港澳台居民居住证 number: GB 11643-1999 format with area code 810000, 820000 or 830000.

    All resident-ID rules apply (length, characters, birth date, sex, check character); in addition the
    6-digit area code must be 810000 (香港), 820000 (澳门) or 830000 (台湾).
    """
    today = today or date.today()
    num = normalise_number(number)
    problems: list[str] = []
    notes: list[str] = []
    if not num:
        return _result(IdDocType.HMT_RESIDENCE, num, [_EMPTY], [])
    born, sex, province = _check_gb11643_18(num, today, problems, notes)
    if len(num) == 18:
        area = num[:6]
        if area in _HMT_AREAS:
            notes.append(f"{_HMT_AREAS[area]}居民")
        else:
            problems.append(
                f"港澳台居民居住证的地区码应为 810000（香港）、820000（澳门）或 830000（台湾），实为 {area}"
            )
    return _result(IdDocType.HMT_RESIDENCE, num, problems, notes, birth_date=born, sex=sex, province=province)


def check_foreign_permanent(number: str, *, today: date | None = None) -> IdCheck:
    """Check a 外国人永久居留身份证 number.

    2023 format: 18 digits starting with 9 — "9", 2-digit province of the issuing office, 3-digit
    nationality code, birth date YYYYMMDD, 3-digit sequence (odd 男, even 女) and a GB 11643-1999 check
    character. Older format: 3-letter nationality code + 12 digits (2-digit issuing office, birth date
    YYMMDD, 4 more digits); only the pattern and the birth date are checked.
    """
    today = today or date.today()
    num = normalise_number(number)
    problems: list[str] = []
    notes: list[str] = []
    doc = IdDocType.FOREIGN_PERMANENT
    if not num:
        return _result(doc, num, [_EMPTY], [])
    if re.fullmatch(r"[A-Z]{3}\d{12}", num):
        notes.append("旧版外国人永久居留身份证（3 位字母 + 12 位数字）")
        notes.append(f"国籍代码：{num[:3]}")
        yy, mm, dd = int(num[5:7]), int(num[7:9]), int(num[9:11])
        year = 2000 + yy if _real_date(2000 + yy, mm, dd) and date(2000 + yy, mm, dd) <= today else 1900 + yy
        born = _check_birth(year, mm, dd, today, problems, notes)
        if born is not None and not problems:
            notes.append("旧版号码只有两位年份，世纪为推定，请与证件核对")
        return _result(doc, num, problems, notes, birth_date=born)
    if len(num) == 18 and num.startswith("9"):
        notes.append("2023 版外国人永久居留身份证")
        born, sex, region = _check_gb11643_18(num, today, problems, notes, region_at=1, region_label="受理地")
        if num[3:6].isascii() and num[3:6].isdigit():
            notes.append(f"国籍代码：{num[3:6]}")
        return _result(doc, num, problems, notes, birth_date=born, sex=sex, province=region)
    problems.append(
        "外国人永久居留身份证号码应为 18 位数字且以 9 开头（2023 版），或 3 位字母加 12 位数字（旧版），"
        f"实为 {len(num)} 位“{num}”"
    )
    return _result(doc, num, problems, notes)


# ---------------------------------------------------------------------------------- GB 32100-2015


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a 统一社会信用代码.

    Weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 over the character values in
    ``"0123456789ABCDEFGHJKLMNPQRTUWXY"``; check value = (31 − sum mod 31) mod 31.
    Raises ``ValueError`` unless ``first17`` is 17 characters of that alphabet.
    """
    if len(first17) != 17 or any(c not in CREDIT_CODE_ALPHABET for c in first17):
        raise ValueError(f"需要 17 位统一社会信用代码字符，实为 {first17!r}")
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def suggest_kind_from_credit_code(code: str) -> ApplicantKind | None:
    """Suggest the annual-report applicant kind from the first two characters (GB 32100-2015 表 1).

    91/92/93 (企业、个体工商户、农民专业合作社) → 商业企业; 31 (律师事务所) → 法律服务机构;
    51/52/53/59 (社会组织) → 社会公益组织; 11/12/13/19 (机关、事业单位等) → 其他. Otherwise ``None``.
    A suggestion only: the clerk confirms.
    """
    return _CREDIT_KINDS.get(normalise_number(code)[:2])


def check_credit_code(code: str) -> IdCheck:
    """Check a 统一社会信用代码 against GB 32100-2015《法人和其他组织统一社会信用代码编码规则》.

    18 characters over ``"0123456789ABCDEFGHJKLMNPQRTUWXY"`` (no I O S V Z): 1 registration-authority
    character, 1 category character, 6-digit administrative area code, 9-character organisation code and
    the check character. A failed check is reported as a problem; the caller only warns, since some early
    codes fail the check yet are real.
    """
    num = normalise_number(code)
    problems: list[str] = []
    notes: list[str] = []
    doc = IdDocType.CREDIT_CODE
    if not num:
        return _result(doc, num, [_EMPTY], [])
    if len(num) != 18:
        problems.append(f"统一社会信用代码应为 18 位，实为 {len(num)} 位")
    bad = _bad_chars(num, CREDIT_CODE_ALPHABET)
    if bad:
        problems.append(f"含有不允许的字符：{bad}（只能是数字和大写字母，不使用 I、O、S、V、Z）")
    authority = _CREDIT_AUTHORITIES.get(num[:1])
    if authority is None:
        notes.append(f"登记管理部门代码 {num[:1]} 未知")
    elif len(num) >= 2:
        dept, categories = authority
        category = categories.get(num[1])
        if category is None:
            notes.append(f"登记管理部门：{dept}，机构类别代码 {num[1]} 未知")
        else:
            notes.append(f"登记管理部门：{dept}，机构类别：{category}")
    province: str | None = None
    if len(num) >= 8:
        area = num[2:8]
        if not (area.isascii() and area.isdigit()):
            problems.append(f"第 3–8 位应为 6 位数字的行政区划代码，实为 {area}")
        elif area == "100000":
            notes.append("登记地：国家（中央）")
        elif area[:2] in PROVINCES:
            province = PROVINCES[area[:2]]
            notes.append(f"登记地：{region_name(area) or province}")
    if len(num) == 18 and not bad:
        expected = credit_code_check_char(num[:17])
        if expected != num[17]:
            problems.append(CREDIT_CHECK_MISMATCH)
    kind = _CREDIT_KINDS.get(num[:2])
    if kind is not None:
        notes.append(f"建议申请人类型：{kind.label}（请核实）")
    region = region_name(num[2:8]) if province else None
    return _result(doc, num, problems, notes, province=province, region=region, suggested_kind=kind)


# ---------------------------------------------------------------------------------- pattern-only documents


def check_passport(number: str) -> IdCheck:
    """Pattern check of a passport number (no check digit is published; ICAO Doc 9303 allows up to 9+).

    Chinese ordinary passports: E or G + 8 digits, or E + letter + 7 digits (e.g. EA1234567). Anything
    else of 5–17 letters/digits is accepted as a foreign (or other) passport, with a note.
    """
    num = normalise_number(number)
    doc = IdDocType.PASSPORT
    if not num:
        return _result(doc, num, [_EMPTY], [])
    if re.fullmatch(r"[EG]\d{8}|E[A-Z]\d{7}", num):
        return _result(doc, num, [], ["中国普通护照"])
    if re.fullmatch(r"[DSP]E?\d{7,8}", num):
        return _result(doc, num, [], ["中国外交、公务护照"])
    if re.fullmatch(r"[A-Z0-9]{5,17}", num):
        return _result(doc, num, [], ["非中国普通护照格式，按外国（或其他）护照记录"])
    problems: list[str] = []
    bad = _bad_chars(num, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    if bad:
        problems.append(f"含有非法字符：{bad}（护照号码只能是字母和数字）")
    if not 5 <= len(num) <= 17:
        problems.append(f"护照号码应为 5–17 位字母或数字，实为 {len(num)} 位")
    return _result(doc, num, problems, [])


def check_hk_macao_permit(number: str) -> IdCheck:
    """Pattern check of a 港澳居民来往内地通行证 number: H (香港) / M (澳门) + 8 digits (older: 10 digits).

    The card carries no published check digit, so only the pattern is checked.
    """
    num = normalise_number(number)
    doc = IdDocType.HK_MACAO_PERMIT
    if not num:
        return _result(doc, num, [_EMPTY], [])
    problems: list[str] = []
    notes: list[str] = []
    if num[0] == "H":
        notes.append("香港居民")
    elif num[0] == "M":
        notes.append("澳门居民")
    else:
        problems.append(f"港澳居民来往内地通行证号码应以 H（香港）或 M（澳门）开头，实为 {num[0]}")
    digits = num[1:]
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (8, 10):
        problems.append(f"H/M 后应为 8 位数字（旧版 10 位），实为“{digits}”")
    elif len(digits) == 10:
        notes.append("旧版 10 位数字号码")
    return _result(doc, num, problems, notes)


def check_taiwan_permit(number: str) -> IdCheck:
    """Pattern check of a 台湾居民来往大陆通行证 number: 8 digits (or 10 digits on older permits).

    The card carries no published check digit, so only the pattern is checked.
    """
    num = normalise_number(number)
    doc = IdDocType.TAIWAN_PERMIT
    if not num:
        return _result(doc, num, [_EMPTY], [])
    if num.isascii() and num.isdigit() and len(num) == 8:
        return _result(doc, num, [], [])
    if num.isascii() and num.isdigit() and len(num) == 10:
        return _result(doc, num, [], ["旧版 10 位数字号码"])
    problems: list[str] = []
    bad = _bad_chars(num, "0123456789")
    if bad:
        problems.append(f"含有非法字符：{bad}（台湾居民来往大陆通行证号码只能是数字）")
    if len(num) not in (8, 10):
        problems.append(f"台湾居民来往大陆通行证号码应为 8 位数字（旧版 10 位），实为 {len(num)} 位")
    return _result(doc, num, problems, [])


# ---------------------------------------------------------------------------------- dispatcher and masking


def check_identity(doc_type: IdDocType, number: str, *, today: date | None = None) -> IdCheck:
    """Check ``number`` with the validator for ``doc_type`` (GB 11643-1999, GB 32100-2015, or a pattern).

    ``IdDocType.OTHER`` has no rule: it is ok whenever the number is non-empty.
    """
    if doc_type is IdDocType.RESIDENT_ID:
        return check_resident_id(number, today=today)
    if doc_type is IdDocType.HMT_RESIDENCE:
        return check_hmt_residence(number, today=today)
    if doc_type is IdDocType.FOREIGN_PERMANENT:
        return check_foreign_permanent(number, today=today)
    if doc_type is IdDocType.CREDIT_CODE:
        return check_credit_code(number)
    if doc_type is IdDocType.PASSPORT:
        return check_passport(number)
    if doc_type is IdDocType.HK_MACAO_PERMIT:
        return check_hk_macao_permit(number)
    if doc_type is IdDocType.TAIWAN_PERMIT:
        return check_taiwan_permit(number)
    num = normalise_number(number)
    return _result(IdDocType.OTHER, num, [] if num else [_EMPTY], [])


def mask_number(number: str) -> str:
    """Mask a document number for lists (GB 11643-1999 numbers and all others; personal-data minimisation).

    Numbers of 11 characters or more keep the first 6 and last 4: ``"370302199001011234"`` →
    ``"370302********1234"``. Numbers of 8–10 characters (passports, permits) keep the first 2 and last 2
    so that something is always hidden; shorter numbers keep the first 1 and last 1; 1–2 characters are
    fully masked; empty gives ``""``. The number is normalised first.
    """
    num = normalise_number(number)
    n = len(num)
    if n == 0:
        return ""
    if n >= 11:
        head, tail = 6, 4
    elif n >= 8:
        head, tail = 2, 2
    elif n >= 3:
        head, tail = 1, 1
    else:
        return "*" * n
    return num[:head] + "*" * (n - head - tail) + num[n - tail :]


# ---------------------------------------------------------------------------------- at the counter

#: Verification methods that say a document was looked at — impossible to claim without its number.
_DOCUMENT_SEEN = (VerificationMethod.ORIGINAL_SEEN, VerificationMethod.COPY_KEPT, VerificationMethod.ELECTRONIC)

#: Reasons a clerk may pick when an applicant at the counter gives no ID number (the clerk may also type one).
NO_NUMBER_REASONS: tuple[str, ...] = (
    "申请人未携带身份证件",
    "申请人拒绝出示身份证件",
    "由代理人提交，申请人证件号码未提供",
)


def in_person_identity_problems(
    channel: Channel,
    kind: ApplicantKind,
    id_number: str,
    reason: str,
    verification: VerificationMethod,
) -> list[str]:
    """What is missing about a natural person's identity at the counter (Art. 29(2)(1); docs/rules.md §9).

    An application states the applicant's 身份证明. A natural person handing it in shows a document, so its
    number is recorded; when it cannot be, the clerk records why (a chosen or typed reason), and the
    verification method may not claim that a document was seen (查验原件, 留存复印件, 电子证照核验). Other
    channels and organisations are not concerned (their identity is checked from what was sent). Applied by
    ``app.services.applications.validate_registration`` to every registration (not to the ledger import of
    historical rows, which had no counter check).
    """
    if channel is not Channel.IN_PERSON or kind is not ApplicantKind.NATURAL_PERSON or normalise_number(id_number):
        return []
    problems: list[str] = []
    if not reason.strip():
        problems.append("当面提交的自然人申请，请填写申请人证件号码；确实无法登记的，请选择或填写理由（第二十九条）")
    if verification in _DOCUMENT_SEEN:
        problems.append(f"未填写证件号码，身份核验方式不能为“{verification.label}”，请改为“未核验”或“查验授权委托书”")
    return problems
