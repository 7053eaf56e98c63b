"""A realistic generated ledger (台账) for tests and the import benchmark.

Rows span 2019 to the fixed "today", with corrections, third-party consultations, fees, extensions,
remedy cases, open applications, valid ID numbers and credit codes, and a mix of given and blank
registration numbers. Every row is valid and (unless ``late`` is asked for) raises no warning.
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime
from pathlib import Path

from app.domain.codes import APPLICANT_KIND_LABELS, CHANNEL_LABELS, ApplicantKind, Outcome
from app.domain.identity import credit_code_check_char, resident_id_check_char
from app.domain.ledger import IMPORT_COLUMNS
from app.domain.workcalendar import WorkCalendar

NOW = datetime(2026, 11, 20, 10, 0)
TODAY = NOW.date()

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
]
_ORGS = {
    ApplicantKind.COMMERCIAL: ("91", ["淄博某某化工有限公司", "山东某某建设集团有限公司", "某某商贸有限公司"]),
    ApplicantKind.RESEARCH: ("12", ["某某大学环境研究院", "山东某某科学研究所"]),
    ApplicantKind.PUBLIC_INTEREST: ("52", ["某某环保公益服务中心", "某某志愿者协会"]),
    ApplicantKind.LEGAL_SERVICE: ("31", ["山东某某律师事务所", "某某法律服务所"]),
    ApplicantKind.OTHER: ("N2", ["某某村股份经济合作社", "某某业主委员会"]),
}
_CONTENTS = [
    "某项目环境影响评价批复文件",
    "某地块建设工程规划许可证及附图",
    "本局2020年度行政许可事项办理情况",
    "某公司危险化学品经营许可证申请材料",
    "某小区消防验收备案材料",
    "某企业营业执照变更登记档案",
    "某道路工程施工许可证",
    "本人申请事项的审批过程材料",
]
_PLAIN_OUTCOMES = [o for o in Outcome if o not in (Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_NO_FEE)]


def _resident_id(rng: random.Random) -> str:
    area = rng.choice(["370302", "370303", "110105", "370102"])
    birth = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + resident_id_check_char(first17)


def _credit_code(rng: random.Random, prefix: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = prefix + "370300" + "".join(rng.choice(alphabet) for _ in range(9))
    return first17 + credit_code_check_char(first17)


def generate_ledger(
    n: int = 300, *, seed: int = 7, start_year: int = 2019, today: date = TODAY, late: bool = False
) -> list[dict[str, object]]:
    """``n`` valid ledger rows as {column: value} (dates as ``date``), in receipt order."""
    rng = random.Random(seed)
    cal = WorkCalendar()
    first = date(start_year, 1, 2).toordinal()
    last = cal.add_working_days(today, 1).toordinal() - 40  # leave room for a few open cases
    receipts = sorted(date.fromordinal(rng.randint(first, last)) for _ in range(n - max(3, n // 30)))
    receipts += sorted(
        date.fromordinal(rng.randint(today.toordinal() - 25, today.toordinal() - 1)) for _ in range(n - len(receipts))
    )
    seqs: dict[int, int] = {}
    rows: list[dict[str, object]] = []
    for i, receipt in enumerate(receipts):
        row: dict[str, object] = dict.fromkeys(IMPORT_COLUMNS, None)
        kind = rng.choices(list(ApplicantKind), weights=[70, 12, 3, 5, 6, 4])[0]
        row["收到日期"] = receipt
        row["申请方式"] = rng.choice([*CHANNEL_LABELS.values(), "当面", "当面", None])
        row["申请人类型"] = APPLICANT_KIND_LABELS[kind]
        if kind is ApplicantKind.NATURAL_PERSON:
            row["申请人"] = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
            row["证件类型"] = "居民身份证"
            row["证件号码"] = _resident_id(rng)
        else:
            prefix, names = _ORGS[kind]
            row["申请人"] = rng.choice(names)
            row["证件类型"] = "统一社会信用代码"
            row["证件号码"] = _credit_code(rng, prefix)
        row["联系电话"] = f"13{rng.randint(100000000, 999999999)}"
        row["通讯地址"] = f"淄博市张店区某某路{rng.randint(1, 300)}号"
        row["电子邮箱"] = f"user{i}@example.com" if rng.random() < 0.3 else None
        row["申请内容"] = rng.choice(_CONTENTS)
        if rng.random() < 0.5:
            seqs[receipt.year] = seqs.get(receipt.year, 0) + 1
            row["登记编号"] = f"〔{receipt.year}〕第{seqs[receipt.year]}号"

        is_open = receipt >= date.fromordinal(today.toordinal() - 25)
        base = receipt
        pause_days = 0
        pause_end: date | None = None
        scenario = rng.random()
        outcome: Outcome = rng.choice(_PLAIN_OUTCOMES)
        if scenario < 0.12:  # correction
            notice = cal.add_working_days(receipt, rng.randint(1, 6))
            if notice <= today:
                row["补正通知日期"] = notice
                if rng.random() < 0.25 and cal.add_working_days(notice, 16) <= today:
                    row["答复日期"] = cal.add_working_days(notice, 16)
                    row["办理结果"] = Outcome.OTHER_NO_CORRECTION.label
                    _remedies(rng, row, cal, today)
                    rows.append(row)
                    continue
                received = cal.add_working_days(notice, rng.randint(2, 8))
                if received > today:
                    rows.append(row)  # still awaiting the correction
                    continue
                base = received
                row["补正收到日期"] = base
        elif scenario < 0.27:  # third-party consultation or fee: a pause
            start = cal.add_working_days(receipt, rng.randint(2, 8))
            end = cal.add_working_days(start, rng.randint(3, 15) if scenario < 0.22 else rng.randint(1, 10))
            cols = ("征求意见开始", "征求意见结束") if scenario < 0.22 else ("收费通知日期", "缴费日期")
            if start <= today:
                row[cols[0]] = start
                if end > today:
                    rows.append(row)  # pause still open: the clock is suspended
                    continue
                row[cols[1]] = end
                pause_days = cal.working_days_between(start, end)
                pause_end = end
        extension = 0
        if rng.random() < 0.08:
            extension = rng.randint(5, 20)
            row["延期工作日"] = extension
        budget = 20 + extension
        if is_open:
            rows.append(row)
            continue
        used = rng.randint(3, budget) if not late or rng.random() > 0.1 else budget + 3
        reply = cal.add_working_days(base, used + pause_days)
        if pause_end is not None:
            reply = max(reply, cal.add_working_days(pause_end, 1))
        if reply > today:
            rows.append(row)
            continue
        row["答复日期"] = reply
        row["办理结果"] = rng.choice([outcome.label, outcome.info.official_label]) if i % 7 else outcome.label
        _remedies(rng, row, cal, today)
        rows.append(row)
    return rows


def _remedies(rng: random.Random, row: dict[str, object], cal: WorkCalendar, today: date) -> None:
    reply = row["答复日期"]
    assert isinstance(reply, date)
    if rng.random() < 0.06:
        filed = cal.add_working_days(reply, rng.randint(5, 40))
        if filed <= today:
            row["行政复议日期"] = filed
            row["行政复议结果"] = rng.choice(["维持", "纠正", "其他", None])
            if rng.random() < 0.4:
                lit = cal.add_working_days(filed, rng.randint(20, 60))
                if lit <= today:
                    row["行政诉讼日期"] = lit
                    row["行政诉讼类型"] = "复议后起诉"
                    row["行政诉讼结果"] = rng.choice(["维持", "纠正", None])
    elif rng.random() < 0.03:
        lit = cal.add_working_days(reply, rng.randint(10, 90))
        if lit <= today:
            row["行政诉讼日期"] = lit
            row["行政诉讼类型"] = "直接起诉"
            row["行政诉讼结果"] = rng.choice(["维持", "纠正", "其他", None])


def _cell_text(value: object, style: int) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return (
            value.isoformat(),
            f"{value.year}/{value.month}/{value.day}",
            f"{value.year}年{value.month}月{value.day}日",
        )[style % 3]
    return str(value)


def write_csv(rows: list[dict[str, object]], path: Path, encoding: str = "utf-8-sig", columns=IMPORT_COLUMNS) -> Path:
    """Write rows as CSV; dates in the three accepted styles, in turn."""
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for i, row in enumerate(rows):
            w.writerow([_cell_text(row.get(c), i) for c in columns])
    return path


def write_xlsx(rows: list[dict[str, object]], path: Path, columns=IMPORT_COLUMNS) -> Path:
    """Write rows as XLSX with real date cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(columns))
    for row in rows:
        ws.append([row.get(c) for c in columns])
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def write_workbook(sheets: dict[str, list], path: Path, columns=IMPORT_COLUMNS) -> Path:
    """Write an XLSX with several worksheets: each a list of ledger rows ({column: value}, written under the
    header ``columns``) or of plain rows (lists, written as they are)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        if rows and isinstance(rows[0], dict):
            ws.append(list(columns))
            for row in rows:
                ws.append([row.get(c) for c in columns])
        else:
            for row in rows:
                ws.append(list(row))
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path
