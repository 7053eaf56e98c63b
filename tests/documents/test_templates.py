"""The templates in forms/: all of them load; a broken one is refused when loaded, naming file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.documents.render import parse_blocks
from app.documents.templates import (
    BREAK,
    GUARD,
    TemplateProblem,
    check_templates,
    forms_dir,
    load_template,
    render_text,
)
from app.domain.agency import AgencyProfileData
from app.domain.letters import DocumentKind, all_template_names, letter_context


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    return folder


def edit(folder: Path, name: str, line: int, text: str) -> None:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    lines.insert(line - 1, text)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_template_the_program_needs_is_there_and_loads():
    assert check_templates() == []
    present = {p.name for p in forms_dir().glob("*.j2")}
    assert set(all_template_names()) <= present
    assert {p for p in present if not p.startswith("_")} == set(all_template_names())  # nothing stray
    assert (forms_dir() / "README.md").is_file()


def test_an_unknown_placeholder_is_refused_at_load_naming_file_and_line(forms):
    edit(forms, "correction.j2", 8, "请于{{ 补正截止日 }}前补正，逾期{{ 后果 }}。")
    with pytest.raises(TemplateProblem) as err:
        load_template("correction.j2", DocumentKind.CORRECTION, forms)
    message = str(err.value)
    assert "文书模板 forms/correction.j2 第8行" in message and "“补正截止日”" in message and "“后果”" in message
    # a placeholder of another kind is unknown here too
    edit(forms, "receipt.j2", 5, "{{ 收费金额 }}")
    with pytest.raises(TemplateProblem, match=r"forms/receipt\.j2 第5行：未知的占位符“收费金额”"):
        load_template("receipt.j2", DocumentKind.RECEIPT, forms)


def test_syntax_errors_filters_and_shared_parts_are_refused_with_their_line(forms):
    edit(forms, "extension.j2", 6, "{% if 延长天数 %}没有结束")
    with pytest.raises(TemplateProblem, match=r"forms/extension\.j2 第\d+行：模板语法错误"):
        load_template("extension.j2", DocumentKind.EXTENSION, forms)
    edit(forms, "fee.j2", 7, "{{ 收费金额 | 大写 }}")
    with pytest.raises(TemplateProblem, match=r"forms/fee\.j2 第7行"):
        load_template("fee.j2", DocumentKind.FEE, forms)
    edit(forms, "service.j2", 3, '{% include "_没有.j2" %}')
    with pytest.raises(TemplateProblem, match=r"forms/service\.j2 第3行：引用的公共部分“_没有.j2”不存在"):
        load_template("service.j2", DocumentKind.SERVICE, forms)
    # a shared part may use only the common placeholders
    edit(forms, "_remedy.j2", 2, "{{ 理由 }}")
    with pytest.raises(TemplateProblem, match=r"forms/_remedy\.j2 第2行：未知的占位符“理由”"):
        load_template("reply_disclosed.j2", DocumentKind.REPLY, forms)
    (forms / "reasons.j2").unlink()
    with pytest.raises(TemplateProblem, match="文件不存在"):
        load_template("reasons.j2", DocumentKind.REASONS, forms)
    problems = check_templates(forms)
    assert len(problems) == 21 + 4 and all(p.startswith("文书模板 forms/") for p in problems)


def test_an_edited_template_is_checked_again(forms):
    assert load_template("receipt.j2", DocumentKind.RECEIPT, forms) is not None
    edit(forms, "receipt.j2", 5, "{{ 不存在 }}")
    with pytest.raises(TemplateProblem):
        load_template("receipt.j2", DocumentKind.RECEIPT, forms)


def test_values_cannot_start_marks_and_line_breaks_make_paragraphs():
    values = letter_context(DocumentKind.RECEIPT, None, AgencyProfileData())
    values |= {"申请人": "【标题】甲|乙", "告知事项": "第一行\n第二行", "收到申请之日": "2026年2月13日"}
    text = render_text("receipt.j2", DocumentKind.RECEIPT, values)
    assert GUARD in text and BREAK in text
    blocks = parse_blocks(text)
    assert ["addressee", "【标题】甲｜乙："] in blocks
    assert ["body", "第一行"] in blocks and ["body", "第二行"] in blocks
    assert [b for b in blocks if b[0] == "title"] == [
        ["title", "淄博市行政审批服务局"],
        ["title", "政府信息公开申请登记回执"],
    ]


def test_the_readme_describes_every_placeholder_and_function():
    from app.domain.letters import COMMON_PLACEHOLDERS, KIND_PLACEHOLDERS, TEMPLATE_FUNCTIONS

    readme = (forms_dir() / "README.md").read_text(encoding="utf-8")
    names = {*COMMON_PLACEHOLDERS, *TEMPLATE_FUNCTIONS, *(n for d in KIND_PLACEHOLDERS.values() for n in d)}
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []
    assert all(f"`{name}`" in readme for name in all_template_names() if not name.startswith("reply_"))
