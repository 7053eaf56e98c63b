"""Show one of the case view's screens on a demo database, for a look under Xvfb (see gui-shot).

    .venv/bin/python scripts/screens_case.py SCREEN [--db /tmp/case-demo.sqlite]

SCREEN: detail, attachments, repeats, event, fee, decide, withdraw, correct, void, voided, edit, document.
The demo database is rebuilt on every run (a person with two similar applications, one with a pause,
an attachment and a fee notice; one voided duplicate), with today = 2026-03-02.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain import procedure as P
from app.domain.codes import ApplicantKind, Channel, EventKind, IdDocType, Outcome
from app.services import applications as A
from app.services.attachments import AttachmentCategory, add_attachment
from app.services.bootstrap import open_context
from app.ui.application import create_qapplication

SCREENS = (
    "detail",
    "attachments",
    "repeats",
    "event",
    "fee",
    "decide",
    "withdraw",
    "correct",
    "void",
    "voided",
    "edit",
    "document",
)


def person(content: str, arrived: datetime) -> A.RegistrationInput:
    return A.RegistrationInput(
        channel=Channel.IN_PERSON,
        arrived_at=arrived,
        applicant=A.ApplicantInput(
            ApplicantKind.NATURAL_PERSON, "王晓明", IdDocType.RESIDENT_ID, "11010519491231002X", phone="13805331234"
        ),
        content=content,
    )


def build(path: Path, clock: list[datetime]):  # -> (ctx, ids)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ctx = open_context(path, now=lambda: clock[0])
    ctx.set_setting("clerk_name", "李娜")
    ctx.set_setting("clerk_name_set", True)
    clock[0] = datetime(2026, 1, 6, 9, 0)
    earlier = A.register_application(ctx, person("请公开2025年本局作出的行政许可决定书目录", clock[0])).id
    clock[0] = datetime(2026, 1, 20, 15, 0)
    A.record_event(ctx, earlier, EventKind.DECIDED, date(2026, 1, 20), P.Decided(outcome=Outcome.DISCLOSED))
    clock[0] = datetime(2026, 2, 13, 9, 30)
    case = A.register_application(ctx, person("申请公开本局2025年度行政许可决定目录及相关批复文件", clock[0])).id
    twice = A.register_application(ctx, person("申请公开本局2025年度行政许可决定目录及相关批复文件", clock[0])).id
    clock[0] = datetime(2026, 2, 24, 10, 0)
    A.record_event(
        ctx,
        case,
        EventKind.THIRD_PARTY_CONSULTATION_STARTED,
        date(2026, 2, 24),
        P.ConsultationStarted(party="淄博某某化工有限公司"),
        "批复文件涉及企业商业秘密",
    )
    scan = path.with_name("申请表扫描件.pdf")
    scan.write_bytes(b"%PDF-1.4 demo scan")
    add_attachment(ctx, case, scan, AttachmentCategory.APPLICATION_SCAN, "申请表原件（2页）")
    clock[0] = datetime(2026, 3, 2, 9, 0)
    return ctx, {"earlier": earlier, "case": case, "twice": twice}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("screen", choices=SCREENS)
    parser.add_argument("--db", type=Path, default=Path("/tmp/case-demo.sqlite"))
    parser.add_argument("--explain", action="store_true", help="unfold 如何计算 in the detail")
    args = parser.parse_args()
    app = create_qapplication()
    clock = [datetime(2026, 1, 6, 9, 0)]
    ctx, ids = build(args.db, clock)
    from app.ui.detail_dialog import DetailDialog
    from app.ui.event_dialog import EventDialog
    from app.ui.step_dialogs import CorrectParticularsDialog, VoidDialog

    if args.screen == "voided":
        A.void_application(
            ctx,
            ids["twice"],
            P.VoidReason.DUPLICATE,
            "同一份申请登记了两次",
            A.get_application(ctx, ids["case"]).reg_number,
        )
    detail = DetailDialog(ctx, ids["twice"] if args.screen == "voided" else ids["case"])
    shown = detail
    detail.explain_toggle.setChecked(args.explain)
    if args.screen == "attachments":
        detail.tabs.setCurrentIndex(1)
    elif args.screen == "repeats":
        detail.tabs.setCurrentIndex(2)
    elif args.screen in ("event", "fee", "decide", "withdraw"):
        detail.show()
        shown = EventDialog(
            detail.detail,
            ctx.today(),
            ctx.calendar(),
            15,
            detail,
            fee_quoter=detail._fee_quoter,
            repeats_text=detail.repeats_text(),
        )
        kind = {
            "fee": EventKind.FEE_NOTICE_SENT,
            "decide": EventKind.DECIDED,
            "withdraw": EventKind.WITHDRAWN,
        }.get(args.screen, EventKind.THIRD_PARTY_CONSULTATION_ENDED)
        shown.action.set_value(kind)
        if args.screen == "fee":
            shown.fee_scheme.set_value(P.FeeScheme.PER_PAGE)
            shown.fee_pages.setValue(150)
        if args.screen == "event":
            shown.why_toggle.setChecked(True)
        if args.screen == "decide":
            shown.outcome.set_value(Outcome.PARTIAL)
    elif args.screen == "correct":
        detail.show()
        shown = CorrectParticularsDialog(detail.detail, ctx.today(), detail)
    elif args.screen == "edit":
        from app.ui.edit_dialog import EditDialog

        detail.show()
        shown = EditDialog(detail.detail, detail)
    elif args.screen == "document":
        from app.domain.letters import DocumentKind
        from app.ui.document_dialog import DocumentDialog

        detail.show()
        shown = DocumentDialog(ctx, ids["case"], DocumentKind.THIRD_PARTY, detail)
    elif args.screen == "void":
        detail.show()
        shown = VoidDialog(detail.detail, detail)
    shown.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
