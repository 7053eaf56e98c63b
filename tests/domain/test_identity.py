"""Tests for app.domain.identity (docs/rules.md §9; GB 11643-1999, GB 32100-2015)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import ApplicantKind, IdDocType
from app.domain.identity import (
    CREDIT_CODE_ALPHABET,
    PROVINCES,
    check_credit_code,
    check_foreign_permanent,
    check_hk_macao_permit,
    check_hmt_residence,
    check_identity,
    check_passport,
    check_resident_id,
    check_taiwan_permit,
    credit_code_check_char,
    in_person_identity_problems,
    mask_number,
    normalise_number,
    region_name,
    resident_id_check_char,
    suggest_kind_from_credit_code,
)

TODAY = date(2025, 6, 1)
VALID_ID = "11010519491231002X"
VALID_CREDIT = "91350100M000100Y43"


def make_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def make_credit(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


# --- normalise


def test_normalise_full_width_spaces_case() -> None:
    assert normalise_number(" １１０１０５ 1949\u30001231 002ｘ ") == VALID_ID
    assert normalise_number("") == ""
    assert normalise_number("ｇ１２３４５６７８") == "G12345678"


# --- resident ID


def test_known_valid_resident_id() -> None:
    r = check_resident_id(VALID_ID, today=TODAY)
    assert r.ok and r.problems == ()
    assert r.doc_type is IdDocType.RESIDENT_ID
    assert r.number == VALID_ID
    assert r.birth_date == date(1949, 12, 31)
    assert r.sex == "女"
    assert r.province == "北京市"
    assert not r.legacy and r.converted is None
    assert "出生日期 1949年12月31日" in r.notes
    assert "女" in r.notes
    assert "地区：北京市朝阳区" in r.notes
    assert r.region == "北京市朝阳区"


def test_check_chars() -> None:
    assert resident_id_check_char(VALID_ID[:17]) == "X"
    assert credit_code_check_char(VALID_CREDIT[:17]) == "3"
    with pytest.raises(ValueError) as err:
        resident_id_check_char("1234")
    assert str(err.value) == "需要 17 位数字，实为 '1234'"
    with pytest.raises(ValueError) as err:
        credit_code_check_char("91350100M000100YI")  # I is not in the GB 32100 alphabet
    assert str(err.value) == "需要 17 位统一社会信用代码字符，实为 '91350100M000100YI'"


def test_lower_case_x_full_width_and_spaces() -> None:
    for text in (
        "11010519491231002x",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 11010519491231002X\n",
    ):
        r = check_resident_id(text, today=TODAY)
        assert r.ok, r.problems
        assert r.number == VALID_ID


def test_wrong_check_char() -> None:
    r = check_resident_id("110105194912310023", today=TODAY)
    assert not r.ok
    assert r.problems == ("校验码不符，请核对证件号码",)  # re-read the card; never "should be X"
    # the other facts are still read
    assert r.birth_date == date(1949, 12, 31)


def test_feb_29_non_leap_invalid() -> None:
    number = make_id("110105" + "19900229" + "001")
    r = check_resident_id(number, today=TODAY)
    assert not r.ok
    assert "出生日期 1990年2月29日 不存在" in r.problems
    assert r.birth_date is None
    assert len(r.problems) == 1  # checksum itself is right


def test_feb_29_leap_valid() -> None:
    r = check_resident_id(make_id("110105" + "20000229" + "001"), today=TODAY)
    assert r.ok
    assert r.birth_date == date(2000, 2, 29)
    assert r.sex == "男"


def test_impossible_month() -> None:
    r = check_resident_id(make_id("110105" + "19901301" + "001"), today=TODAY)
    assert not r.ok and r.problems == ("出生日期 1990年13月1日 不存在",)


def test_future_birth_date() -> None:
    number = make_id("370302" + "20250602" + "002")
    r = check_resident_id(number, today=TODAY)
    assert not r.ok
    assert any(p.startswith("出生日期 2025年6月2日 晚于今天") for p in r.problems)
    assert check_resident_id(number, today=date(2025, 6, 2)).ok


def test_birth_before_1900() -> None:
    r = check_resident_id(make_id("370302" + "18991231" + "002"), today=TODAY)
    assert not r.ok
    assert r.problems == ("出生日期 1899年12月31日 早于 1900 年，不可能",)


def test_bad_province() -> None:
    r = check_resident_id(make_id("990105" + "19900101" + "001"), today=TODAY)
    assert not r.ok
    assert r.problems == ("地区代码 99 不是有效的省级行政区划代码",)
    assert r.province is None


def test_wrong_length() -> None:
    r = check_resident_id(VALID_ID[:17], today=TODAY)
    assert not r.ok
    assert "号码应为 18 位，实为 17 位" in r.problems
    r = check_resident_id(VALID_ID + "1", today=TODAY)
    assert "号码应为 18 位，实为 19 位" in r.problems


def test_illegal_characters() -> None:
    rule = "（前 17 位只能是数字，末位只能是数字或 X）"
    r = check_resident_id("1101051949123A002X", today=TODAY)
    assert not r.ok
    assert r.problems == (f"含有非法字符：A{rule}",)
    r = check_resident_id("11010519491231002Y", today=TODAY)
    assert r.problems == (f"含有非法字符：Y{rule}",)
    r = check_resident_id("X1010519491231002X", today=TODAY)  # X only as the check character
    assert r.problems == (f"含有非法字符：X{rule}",)


def test_empty_resident_id() -> None:
    r = check_resident_id("   ", today=TODAY)
    assert not r.ok and r.number == "" and r.problems == ("未填写证件号码",)


def test_legacy_15_digit_conversion() -> None:
    r = check_resident_id("110105491231002", today=TODAY)
    assert r.ok, r.problems
    assert r.legacy
    assert r.converted == VALID_ID
    assert r.birth_date == date(1949, 12, 31)
    assert r.sex == "女"
    assert f"15 位旧号码，已换算为 18 位：{VALID_ID}" in r.notes


def test_legacy_15_digit_bad_date_and_chars() -> None:
    r = check_resident_id("110105490229002", today=TODAY)
    assert not r.ok and r.legacy
    assert "出生日期 1949年2月29日 不存在" in r.problems
    r = check_resident_id("11010549123100A", today=TODAY)
    assert not r.ok and r.problems == ("含有非法字符：A（15 位旧号码只能是数字）",)


def test_sex_from_sequence() -> None:
    assert check_resident_id(make_id("370302199001011" + "23"), today=TODAY).sex == "男"
    assert check_resident_id(make_id("370302199001011" + "24"), today=TODAY).sex == "女"
    assert check_resident_id(make_id("370302199001011" + "24"), today=TODAY).province == "山东省"


def test_default_today_is_used() -> None:
    assert check_resident_id(VALID_ID).ok
    today = date.today()
    tomorrow = today + timedelta(days=1)
    r = check_resident_id(make_id("110105" + tomorrow.strftime("%Y%m%d") + "001"))
    assert not r.ok
    born, now = tomorrow, today
    assert r.problems == (
        f"出生日期 {born.year}年{born.month}月{born.day}日 晚于今天（{now.year}年{now.month}月{now.day}日）",
    )


# --- HMT residence


def test_hmt_residence_valid() -> None:
    r = check_hmt_residence(make_id("810000" + "19900101" + "003"), today=TODAY)
    assert r.ok, r.problems
    assert r.doc_type is IdDocType.HMT_RESIDENCE
    assert r.province == "香港特别行政区"
    assert r.sex == "男"
    assert "香港居民" in r.notes
    assert check_hmt_residence(make_id("820000" + "19900101" + "004"), today=TODAY).province == "澳门特别行政区"
    assert check_hmt_residence(make_id("830000" + "19900101" + "004"), today=TODAY).ok


def test_hmt_residence_mainland_area_flagged() -> None:
    r = check_hmt_residence(make_id("370302" + "19900101" + "003"), today=TODAY)
    assert not r.ok
    assert len(r.problems) == 1
    assert "370302" in r.problems[0] and "810000" in r.problems[0]


def test_hmt_residence_checksum_and_length() -> None:
    good = make_id("810000" + "19900101" + "003")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert any(p.startswith("校验码不符") for p in check_hmt_residence(bad, today=TODAY).problems)
    assert "号码应为 18 位，实为 15 位" in check_hmt_residence("810000900101003", today=TODAY).problems


def test_resident_id_with_hmt_area_gets_note() -> None:
    r = check_resident_id(make_id("810000" + "19900101" + "003"), today=TODAY)
    assert r.ok
    assert any("港澳台居民居住证" in n for n in r.notes)


# --- foreign permanent


def test_foreign_permanent_2023_valid() -> None:
    number = make_id("9" + "11" + "840" + "19800101" + "123")
    r = check_foreign_permanent(number, today=TODAY)
    assert r.ok, r.problems
    assert r.birth_date == date(1980, 1, 1)
    assert r.sex == "男"
    assert r.province == "北京市"
    assert "国籍代码：840" in r.notes


def test_foreign_permanent_2023_invalid() -> None:
    number = make_id("9" + "11" + "840" + "19800101" + "123")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert any(p.startswith("校验码不符") for p in check_foreign_permanent(wrong, today=TODAY).problems)
    bad_date = make_id("9" + "11" + "840" + "19810229" + "123")
    assert "出生日期 1981年2月29日 不存在" in check_foreign_permanent(bad_date, today=TODAY).problems
    bad_region = make_id("9" + "99" + "840" + "19800101" + "123")
    assert check_foreign_permanent(bad_region, today=TODAY).problems == ("受理地代码 99 不是有效的省级行政区划代码",)
    # 18 digits not starting with 9: a 居民身份证 number typed under the wrong document type
    assert check_foreign_permanent(VALID_ID, today=TODAY).problems == (
        "外国人永久居留身份证号码应为 18 位数字且以 9 开头（2023 版），或 3 位字母加 12 位数字（旧版），"
        "实为 18 位“11010519491231002X”",
    )


def test_foreign_permanent_old_format() -> None:
    r = check_foreign_permanent("usa317801200001", today=TODAY)
    assert r.ok, r.problems
    assert r.number == "USA317801200001"
    assert r.birth_date == date(1978, 1, 20)
    assert "国籍代码：USA" in r.notes
    r = check_foreign_permanent("USA311005120001", today=TODAY)
    assert r.birth_date == date(2010, 5, 12)
    bad = check_foreign_permanent("USA310713450001", today=TODAY)
    assert not bad.ok and any("不存在" in p for p in bad.problems)


def test_foreign_permanent_bad_pattern() -> None:
    rule = "外国人永久居留身份证号码应为 18 位数字且以 9 开头（2023 版），或 3 位字母加 12 位数字（旧版）"
    for text in ("US3107801200011", "USA31078012000", "12345"):
        r = check_foreign_permanent(text, today=TODAY)
        assert not r.ok and r.problems == (f"{rule}，实为 {len(text)} 位“{text}”",)
    assert check_foreign_permanent("", today=TODAY).problems == ("未填写证件号码",)


# --- credit code


def test_known_valid_credit_code() -> None:
    r = check_credit_code(VALID_CREDIT)
    assert r.ok, r.problems
    assert r.doc_type is IdDocType.CREDIT_CODE
    assert r.suggested_kind is ApplicantKind.COMMERCIAL
    assert "登记管理部门：工商（市场监管），机构类别：企业" in r.notes
    assert r.province == "福建省"
    assert check_credit_code(" 91350100m000100y43 ").ok


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_credit_code_forbidden_letters(letter: str) -> None:
    code = VALID_CREDIT[:9] + letter + VALID_CREDIT[10:]
    r = check_credit_code(code)
    assert not r.ok
    assert any(p.startswith(f"含有不允许的字符：{letter}") for p in r.problems)


def test_credit_code_checksum_failure() -> None:
    r = check_credit_code("91350100M000100Y44")
    assert not r.ok
    assert r.problems == ("校验码不符，请核对统一社会信用代码",)
    assert r.suggested_kind is ApplicantKind.COMMERCIAL  # still suggested: the caller only warns


def test_credit_code_length_and_area() -> None:
    assert "统一社会信用代码应为 18 位，实为 17 位" in check_credit_code(VALID_CREDIT[:17]).problems
    code = make_credit("91" + "3501A0" + "M000100Y4")
    r = check_credit_code(code)
    assert not r.ok
    assert r.problems == ("第 3–8 位应为 6 位数字的行政区划代码，实为 3501A0",)
    assert check_credit_code("").problems == ("未填写证件号码",)


def test_credit_code_law_firm() -> None:
    code = make_credit("31" + "110000" + "MD0123456")
    r = check_credit_code(code)
    assert r.ok, r.problems
    assert r.suggested_kind is ApplicantKind.LEGAL_SERVICE
    assert "登记管理部门：司法行政，机构类别：律师执业机构" in r.notes


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("91", ApplicantKind.COMMERCIAL),
        ("92", ApplicantKind.COMMERCIAL),
        ("93", ApplicantKind.COMMERCIAL),
        ("31", ApplicantKind.LEGAL_SERVICE),
        ("51", ApplicantKind.PUBLIC_INTEREST),
        ("52", ApplicantKind.PUBLIC_INTEREST),
        ("53", ApplicantKind.PUBLIC_INTEREST),
        ("59", ApplicantKind.PUBLIC_INTEREST),
        ("11", ApplicantKind.OTHER),
        ("12", ApplicantKind.OTHER),
        ("13", ApplicantKind.OTHER),
        ("19", ApplicantKind.OTHER),
        ("Y1", None),
        ("71", None),
    ],
)
def test_suggest_kind(prefix: str, kind: ApplicantKind | None) -> None:
    code = make_credit(prefix + "110000" + "MA0123456")
    assert suggest_kind_from_credit_code(code) is kind
    assert check_credit_code(code).suggested_kind is kind


def test_suggest_kind_empty() -> None:
    assert suggest_kind_from_credit_code("") is None


# --- passports, permits


@pytest.mark.parametrize("number", ["E12345678", "G12345678", "EA1234567", "ej1234567"])
def test_chinese_passports(number: str) -> None:
    r = check_passport(number)
    assert r.ok
    assert "中国普通护照" in r.notes


@pytest.mark.parametrize("number", ["123456789", "C01X00T47", "AB12345"])
def test_foreign_passports(number: str) -> None:
    r = check_passport(number)
    assert r.ok
    assert any("外国" in n for n in r.notes)


@pytest.mark.parametrize(
    ("number", "problems"),
    [
        ("", ("未填写证件号码",)),
        ("A12", ("护照号码应为 5–17 位字母或数字，实为 3 位",)),
        ("E1234-5678", ("含有非法字符：-（护照号码只能是字母和数字）",)),
        ("A" * 18, ("护照号码应为 5–17 位字母或数字，实为 18 位",)),
    ],
)
def test_bad_passports(number: str, problems: tuple[str, ...]) -> None:
    r = check_passport(number)
    assert not r.ok and r.problems == problems


@pytest.mark.parametrize("number", ["H12345678", "M12345678", "h1234567890", "Ｈ１２３４５６７８"])
def test_hk_macao_permit_valid(number: str) -> None:
    assert check_hk_macao_permit(number).ok


def test_hk_macao_permit_notes() -> None:
    assert "香港居民" in check_hk_macao_permit("H12345678").notes
    assert "澳门居民" in check_hk_macao_permit("M12345678").notes


@pytest.mark.parametrize(
    ("number", "problems"),
    [
        ("", ("未填写证件号码",)),
        ("A12345678", ("港澳居民来往内地通行证号码应以 H（香港）或 M（澳门）开头，实为 A",)),
        ("H1234567", ("H/M 后应为 8 位数字（旧版 10 位），实为“1234567”",)),
        ("H123456789", ("H/M 后应为 8 位数字（旧版 10 位），实为“123456789”",)),
        ("H1234567A", ("H/M 后应为 8 位数字（旧版 10 位），实为“1234567A”",)),
        (
            "12345678",
            (
                "港澳居民来往内地通行证号码应以 H（香港）或 M（澳门）开头，实为 1",
                "H/M 后应为 8 位数字（旧版 10 位），实为“2345678”",
            ),
        ),
    ],
)
def test_hk_macao_permit_invalid(number: str, problems: tuple[str, ...]) -> None:
    r = check_hk_macao_permit(number)
    assert not r.ok and r.problems == problems


@pytest.mark.parametrize("number", ["12345678", "1234567890", "1234 5678"])
def test_taiwan_permit_valid(number: str) -> None:
    assert check_taiwan_permit(number).ok


@pytest.mark.parametrize(
    ("number", "problems"),
    [
        ("", ("未填写证件号码",)),
        ("1234567", ("台湾居民来往大陆通行证号码应为 8 位数字（旧版 10 位），实为 7 位",)),
        ("123456789", ("台湾居民来往大陆通行证号码应为 8 位数字（旧版 10 位），实为 9 位",)),
        ("T1234567", ("含有非法字符：T（台湾居民来往大陆通行证号码只能是数字）",)),
        ("12345678901", ("台湾居民来往大陆通行证号码应为 8 位数字（旧版 10 位），实为 11 位",)),
    ],
)
def test_taiwan_permit_invalid(number: str, problems: tuple[str, ...]) -> None:
    r = check_taiwan_permit(number)
    assert not r.ok and r.problems == problems


# --- dispatcher


def test_check_identity_dispatches() -> None:
    assert check_identity(IdDocType.RESIDENT_ID, VALID_ID, today=TODAY).ok
    assert check_identity(IdDocType.CREDIT_CODE, VALID_CREDIT).ok
    assert check_identity(IdDocType.PASSPORT, "E12345678").doc_type is IdDocType.PASSPORT
    assert check_identity(IdDocType.HK_MACAO_PERMIT, "H12345678").ok
    assert check_identity(IdDocType.TAIWAN_PERMIT, "12345678").ok
    assert check_identity(IdDocType.FOREIGN_PERMANENT, "USA317801200001", today=TODAY).ok
    hmt = make_id("810000" + "19900101" + "003")
    assert check_identity(IdDocType.HMT_RESIDENCE, hmt, today=TODAY).ok
    for doc in IdDocType:
        assert check_identity(doc, "", today=TODAY).doc_type is doc


def test_check_identity_other() -> None:
    r = check_identity(IdDocType.OTHER, " 军官证 12345 ")
    assert r.ok and r.number == "军官证12345"
    assert check_identity(IdDocType.OTHER, "  ").problems == ("未填写证件号码",)


# --- mask


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("370302199001011234", "370302********1234"),
        ("", ""),
        ("ABC12", "A***2"),
        ("1234567", "1*****7"),
        ("G12345678", "G1*****78"),
        ("91350100M000100Y43", "913501********0Y43"),
    ],
)
def test_mask_number(number: str, masked: str) -> None:
    assert mask_number(number) == masked


def test_mask_never_reveals_whole_number() -> None:
    for n in range(1, 25):
        text = "9" * n
        assert "*" in mask_number(text)
        assert len(mask_number(text)) == n


def test_provinces_table() -> None:
    assert PROVINCES["11"] == "北京市"
    assert PROVINCES["65"] == "新疆维吾尔自治区"
    assert PROVINCES["81"] == "香港特别行政区"
    expected = {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
    assert {int(k) for k in PROVINCES} == expected


# --- properties

PROVINCE_CODES = sorted(PROVINCES)
ID_CHARS = "0123456789X"


@st.composite
def valid_ids(draw: st.DrawFn) -> tuple[str, date]:
    province = draw(st.sampled_from(PROVINCE_CODES))
    area_rest = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    seq = draw(st.text("0123456789", min_size=3, max_size=3))
    return make_id(province + area_rest + born.strftime("%Y%m%d") + seq), born


@given(valid_ids())
def test_property_valid_ids_pass(case: tuple[str, date]) -> None:
    number, born = case
    r = check_resident_id(number, today=TODAY)
    assert r.ok, r.problems
    assert r.birth_date == born
    assert r.sex == ("男" if int(number[16]) % 2 else "女")
    assert r.province == PROVINCES[number[:2]]
    assert check_resident_id(number.lower(), today=TODAY).ok


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.sampled_from(ID_CHARS))
def test_property_single_change_breaks_id(case: tuple[str, date], pos: int, ch: str) -> None:
    number, _ = case
    if number[pos] == ch:
        ch = ID_CHARS[(ID_CHARS.index(ch) + 1) % len(ID_CHARS)]
    mutated = number[:pos] + ch + number[pos + 1 :]
    assert not check_resident_id(mutated, today=TODAY).ok


@st.composite
def valid_credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["91", "92", "93", "31", "51", "52", "53", "11", "12", "Y1", "N2"]))
    area = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(CREDIT_CODE_ALPHABET, min_size=9, max_size=9))
    return make_credit(head + area + body)


@given(valid_credit_codes())
def test_property_valid_credit_codes_pass(code: str) -> None:
    r = check_credit_code(code)
    assert r.ok, r.problems
    assert r.suggested_kind is suggest_kind_from_credit_code(code)


@given(
    valid_credit_codes(),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(CREDIT_CODE_ALPHABET + "IOSVZ"),
)
def test_property_single_change_breaks_credit_code(code: str, pos: int, ch: str) -> None:
    if code[pos] == ch:
        ch = "I"
    mutated = code[:pos] + ch + code[pos + 1 :]
    assert not check_credit_code(mutated).ok


@given(st.text(max_size=30))
def test_property_validators_never_crash(text: str) -> None:
    for doc in IdDocType:
        r = check_identity(doc, text, today=TODAY)
        assert r.ok == (not r.problems)
        assert r.number == normalise_number(text)
    assert len(mask_number(text)) == len(normalise_number(text))


def test_region_names_province_city_and_district() -> None:
    r = check_resident_id(make_id("370302199001011" + "23"), today=TODAY)
    assert r.province == "山东省" and r.region == "山东省淄博市淄川区"
    assert "地区：山东省淄博市淄川区" in r.notes
    assert region_name("370300") == "山东省淄博市"
    assert region_name("370000") == "山东省"
    assert region_name("500101") == "重庆市万州区"  # a municipality is not named twice
    assert region_name("419001") == "河南省济源市"  # a county-level city directly under the province
    assert region_name("379999") == "山东省"  # unknown below the province: the province still named
    assert region_name("990101") is None
    assert region_name("37030") is None


def test_every_shandong_prefecture_is_named() -> None:
    cities = {
        "3701": "济南市", "3702": "青岛市", "3703": "淄博市", "3704": "枣庄市", "3705": "东营市",
        "3706": "烟台市", "3707": "潍坊市", "3708": "济宁市", "3709": "泰安市", "3710": "威海市",
        "3711": "日照市", "3713": "临沂市", "3714": "德州市", "3715": "聊城市", "3716": "滨州市",
        "3717": "菏泽市",
    }  # fmt: skip
    for prefix, city in cities.items():
        assert region_name(prefix + "00") == "山东省" + city


def test_a_former_division_code_is_named_and_marked() -> None:
    assert region_name("371202") == "山东省莱芜市莱城区（原行政区划代码）"  # merged into 济南市 in 2019


def test_credit_code_names_the_registration_area() -> None:
    r = check_credit_code(VALID_CREDIT)
    assert "登记地：福建省福州市" in r.notes and r.region == "福建省福州市"


def test_an_in_person_natural_person_gives_a_number_or_a_reason() -> None:
    from app.domain.codes import Channel, VerificationMethod

    seen = VerificationMethod.ORIGINAL_SEEN
    natural = ApplicantKind.NATURAL_PERSON
    assert in_person_identity_problems(Channel.IN_PERSON, natural, VALID_ID, "", seen) == []
    missing = in_person_identity_problems(Channel.IN_PERSON, natural, " ", "", seen)
    assert len(missing) == 2 and "请填写申请人证件号码" in missing[0] and "查验原件" in missing[1]
    reason = "申请人未携带身份证件"
    assert in_person_identity_problems(Channel.IN_PERSON, natural, "", reason, VerificationMethod.NOT_CHECKED) == []
    assert in_person_identity_problems(Channel.EMAIL, natural, "", "", VerificationMethod.NOT_CHECKED) == []
    assert in_person_identity_problems(Channel.IN_PERSON, ApplicantKind.COMMERCIAL, "", "", seen) == []
