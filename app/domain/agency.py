"""The office's own particulars, and the first-run defaults taken from its published guide.

Defaults (docs/rules.md §1, the office's 信息公开服务指南 and annual reports): 淄博市行政审批服务局
信息公开领导小组办公室, 张店区西四路119号. The remedy clause names the reconsideration body and the court
(行政复议法 2023 修订 第二十四条; 行政诉讼法 第十八条、第四十六条). Every field is editable in 设置.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

REGISTRATION_PATTERN_DEFAULT = "〔{年}〕第{号}号"
DOCUMENT_PATTERN_DEFAULT = "〔{年}〕{号}号"


@dataclass(frozen=True)
class AgencyProfileData:
    agency_name: str = "淄博市行政审批服务局"
    office_name: str = "淄博市行政审批服务局信息公开领导小组办公室"
    address: str = "淄博市张店区西四路119号"
    postcode: str = "255022"
    phone: str = "0533-2306817"
    report_phone: str = "0533-2306909"
    fax: str = "0533-2306817"
    email: str = "sxzspfwjbgs@zb.shandong.cn"
    office_hours: str = "工作日上午8:30-12:00，下午13:30-17:00（节假日除外）"
    reconsideration_body: str = "淄博市人民政府"
    reconsideration_address: str = "淄博市张店区联通路202号（淄博市人民政府行政复议办公室）"
    reconsideration_phone: str = "0533-2306018"
    court_name: str = "淄博市张店区人民法院"
    court_address: str = "淄博市张店区新村西路180号"
    court_phone: str = "0533-2865258"
    registration_pattern: str = REGISTRATION_PATTERN_DEFAULT
    document_pattern: str = DOCUMENT_PATTERN_DEFAULT


AGENCY_FIELD_LABELS: dict[str, str] = {
    "agency_name": "机关名称",
    "office_name": "信息公开工作机构",
    "address": "地址",
    "postcode": "邮政编码",
    "phone": "咨询电话",
    "report_phone": "年报联系电话",
    "fax": "传真",
    "email": "电子邮箱",
    "office_hours": "办公时间",
    "reconsideration_body": "行政复议机关",
    "reconsideration_address": "复议机关地址",
    "reconsideration_phone": "复议机关电话",
    "court_name": "管辖法院",
    "court_address": "法院地址",
    "court_phone": "法院电话",
    "registration_pattern": "登记编号格式",
    "document_pattern": "文书文号格式",
}

AGENCY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AgencyProfileData))


class PatternError(ValueError):
    """A number pattern the clerk typed cannot produce numbers."""


def format_number(pattern: str, year: int, seq: int) -> str:
    """Fill a number pattern such as ``〔{年}〕第{号}号`` (``{号:03}`` pads to three digits).

    The year goes in 六角括号 〔〕 as the office's documents write it (GB/T 9704-2012 §7.2.4 for 发文字号).
    """
    try:
        text = pattern.format_map({"年": year, "号": seq})
    except (KeyError, ValueError, IndexError) as exc:
        raise PatternError(f"编号格式“{pattern}”无效：只能使用 {{年}} 和 {{号}} 两个占位符") from exc
    if "{号" not in pattern:
        raise PatternError(f"编号格式“{pattern}”缺少 {{号}}，所有编号将会相同")
    return text


def validate_pattern(pattern: str) -> str | None:
    """Return a Chinese problem description, or None when the pattern is usable."""
    try:
        a = format_number(pattern, 2026, 1)
        b = format_number(pattern, 2026, 2)
    except PatternError as exc:
        return str(exc)
    if a == b:
        return f"编号格式“{pattern}”不能区分不同序号"
    if format_number(pattern, 2026, 1) == format_number(pattern, 2027, 1):
        return f"编号格式“{pattern}”缺少 {{年}}，各年度的编号将会重复"
    return None
