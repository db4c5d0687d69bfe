"""Identifier validators (docs/domain.md §3): its examples, normalisation, and hypothesis properties."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from shian.core.pii import mask_id_number, mask_phone
from shian.entities.validators import (
    ID_WEIGHTS,
    PROVINCE_CODES,
    USCC_CHARSET,
    USCC_WEIGHTS,
    ChecksumWarning,
    license_kind,
    make_resident_id,
    make_uscc,
    normalize,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
    validate_license_number,
    validate_org_code,
    validate_resident_id,
    validate_uscc,
)

TODAY = date(2025, 6, 1)


def code_of(func, value, **kwargs):
    with pytest.raises(ValidationError) as info:
        func(value, **kwargs)
    return info.value.code


# ------------------------------------------------------------------------------------ the algorithms themselves


def test_uscc_weights_are_powers_of_three_mod_31():
    assert USCC_WEIGHTS == [pow(3, i, 31) for i in range(17)]


@pytest.mark.parametrize(
    ("code", "uscc_check", "org_check"),
    [
        # Hand-verified against docs/domain.md §3.2: both the USCC check (pos 18) and the GB 11714 check (pos 17) hold.
        ("91440101MA5CJQ4N59", "9", "5"),
        ("91350200776049653A", "A", "3"),
        ("9135021359498494XQ", "Q", "X"),
    ],
)
def test_domain_valid_examples_satisfy_both_checks(code, uscc_check, org_check):
    assert uscc_check_char(code[:17]) == uscc_check == code[17]
    assert org_code_check_char(code[8:16]) == org_check == code[16]


def test_real_code_that_fails_the_check_computes_9():
    assert uscc_check_char("91350203M0001QAY9") == "9"
    assert org_code_check_char("M0001QAY") == "9"  # the organisation code is fine; only pos 18 is off


def test_org_code_special_values():
    # c = 11 - (sum mod 11): 10 -> X, 11 -> 0
    assert org_code_check_char("59498494") == "X"
    assert org_code_check_char("00000000") == "0"


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("11010519491231002", "X"),
        ("44052418800101001", "4"),
        ("32010619900230001", "5"),  # docs/domain.md §3.3: the 1990-02-30 example's check digit is correct
    ],
)
def test_resident_id_check_chars(body, check):
    assert resident_id_check_char(body) == check


# ------------------------------------------------------------------------------------------------------ USCC


@pytest.mark.parametrize("code", ["91440101MA5CJQ4N59", "91350200776049653A", "9135021359498494XQ"])
def test_valid_uscc(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    "raw",
    [
        "９１４４０１０１ＭＡ５ＣＪＱ４Ｎ５９",
        "  91440101MA5CJQ4N59\t",
        "91440101ma5cjq4n59",
        "9144 0101 MA5C JQ4N 59",
        "\u300091440101ＭＡ5cjq4n59\u3000",
    ],
)
def test_uscc_normalisation(raw):
    assert validate_uscc(raw) == "91440101MA5CJQ4N59"


@pytest.mark.parametrize("text", ["91440101MA5CJQ4N59", "123", "JY23707250000011", "AB", "a1", "A-1", "Ａ1", ""])
def test_normalize_gives_folded_text_as_is_and_folds_anything_else(text):
    from shian.entities.validators import normalize

    folded = "".join(text.translate({0xFF21: "A"}).split()).upper()
    assert normalize(text) == folded and type(normalize(text)) is str
    if folded == text and text.isalnum():
        assert normalize(text) is text  # no copy of an already folded code


def test_uscc_wrong_check_is_a_checksum_warning_naming_the_expected_char():
    with pytest.raises(ChecksumWarning) as info:
        validate_uscc("91440101MA5CJQ4N58")
    assert info.value.code == "checksum"
    assert info.value.params["expected"] == "9"
    assert info.value.params["actual"] == "8"
    assert "应为 9，实际为 8" in info.value.messages[0]
    assert "第18位" in info.value.messages[0]


def test_uscc_illegal_char():
    with pytest.raises(ValidationError) as info:
        validate_uscc("91440101MA5CJQ4NI9")
    assert info.value.code == "charset"
    assert not isinstance(info.value, ChecksumWarning)
    assert info.value.params["char"] == "I"
    assert info.value.params["position"] == 17


@pytest.mark.parametrize("char", "IOSVZ-*中")
def test_uscc_every_excluded_char_is_charset(char):
    assert code_of(validate_uscc, "91440101MA5CJQ4N5" + char) == "charset"


def test_real_code_failing_check_is_overridable():
    with pytest.raises(ChecksumWarning) as info:
        validate_uscc("91350203M0001QAY9B")
    assert info.value.params == {"expected": "9", "actual": "B"}
    assert validate_uscc("91350203M0001QAY9B", allow_checksum_override=True) == "91350203M0001QAY9B"
    assert validate_uscc("91350203m0001qay9b ", allow_checksum_override=True) == "91350203M0001QAY9B"


def test_uscc_org_code_mismatch_is_a_warning():
    # Pos 17 changed 5 -> 6 and pos 18 recomputed: the USCC check holds, the embedded org code does not.
    prefix = "91440101MA5CJQ4N6"
    code = prefix + uscc_check_char(prefix)
    with pytest.raises(ChecksumWarning) as info:
        validate_uscc(code)
    assert info.value.params == {"org_expected": "5", "org_actual": "6"}
    assert "组织机构代码" in info.value.messages[0]
    assert validate_uscc(code, allow_checksum_override=True) == code


def test_uscc_both_checks_failing_names_both():
    with pytest.raises(ChecksumWarning) as info:
        validate_uscc("91440101MA5CJQ4N6Y")
    assert set(info.value.params) == {"expected", "actual", "org_expected", "org_actual"}
    assert "第18位" in info.value.messages[0] and "第17位" in info.value.messages[0]


def test_override_does_not_bypass_blocking_errors():
    for bad, code in [("91440101MA5CJQ4NI9", "charset"), ("9144010", "format"), ("91A40101MA5CJQ4N59", "region")]:
        assert code_of(validate_uscc, bad, allow_checksum_override=True) == code


def test_uscc_region_must_be_digits():
    prefix = "91AB0101MA5CJQ4N5"
    assert code_of(validate_uscc, prefix + uscc_check_char(prefix)) == "region"


@pytest.mark.parametrize("bad", ["", None, "   ", "9144010", "91440101MA5CJQ4N590", "91440101MA5CJQ4N5"])
def test_uscc_wrong_length_is_format(bad):
    assert code_of(validate_uscc, bad) == "format"


def test_legacy_registration_number():
    assert validate_uscc("440101000123456") == "440101000123456"
    assert validate_uscc(" ４４0101000123456 ") == "440101000123456"
    assert code_of(validate_uscc, "44010100012345A") == "format"


# ------------------------------------------------------------------------------------------- organisation code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("776049653", "776049653"),
        ("77604965-3", "776049653"),
        ("７７６０４９６５－３", "776049653"),
        ("MA5CJQ4N5", "MA5CJQ4N5"),
        ("ma5cjq4n-5", "MA5CJQ4N5"),
        ("59498494X", "59498494X"),
        ("59498494-x", "59498494X"),
    ],
)
def test_valid_org_codes(raw, expected):
    assert validate_org_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("776049654", "checksum"),
        ("77604965-4", "checksum"),
        ("7760496", "format"),
        ("7760-49653", "format"),
        ("", "format"),
        ("7760496*3", "charset"),
        ("77604965Y", "charset"),
    ],
)
def test_invalid_org_codes(raw, code):
    with pytest.raises(ValidationError) as info:
        validate_org_code(raw)
    assert info.value.code == code
    assert not isinstance(info.value, ChecksumWarning)


# -------------------------------------------------------------------------------------------------- resident ID


@pytest.mark.parametrize("value", ["11010519491231002X", "440524188001010014"])
def test_valid_resident_ids(value):
    assert validate_resident_id(value) == value


def test_resident_id_lower_x_and_full_width():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"
    assert validate_resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert validate_resident_id(" 110105 19491231 002X ") == "11010519491231002X"


def test_resident_id_wrong_check():
    with pytest.raises(ValidationError) as info:
        validate_resident_id("110105194912310021")
    assert info.value.code == "checksum"
    assert not isinstance(info.value, ChecksumWarning)  # blocking for IDs
    assert info.value.params == {"expected": "X", "actual": "1"}


def test_resident_id_impossible_date_is_reported_before_checksum():
    assert code_of(validate_resident_id, "320106199002300015") == "date"
    assert code_of(validate_resident_id, "320106199002300018") == "date"


def test_resident_id_future_birth_date():
    future = make_resident_id(region="110105", birth=TODAY + timedelta(days=1), seq=1)
    assert code_of(validate_resident_id, future, today=TODAY) == "date"
    born_today = make_resident_id(region="110105", birth=TODAY, seq=1)
    assert validate_resident_id(born_today, today=TODAY) == born_today


def test_resident_id_future_with_default_today():
    future = make_resident_id(region="110105", birth=date.today() + timedelta(days=400), seq=1)
    assert code_of(validate_resident_id, future) == "date"


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "30", "38", "40", "47", "55", "60", "66", "72", "99"])
def test_resident_id_unknown_province_is_region(province):
    value = make_resident_id(region=province + "0105", birth=date(1990, 1, 1), seq=12)
    assert code_of(validate_resident_id, value) == "region"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "format"),
        (None, "format"),
        ("1101051949123100", "format"),
        ("11010519491231002X1", "format"),
        ("1101051949123100XX", "charset"),
        ("11010519491231002Y", "charset"),
        ("A1010519491231002X", "charset"),
        ("11010549123100X", "charset"),
    ],
)
def test_resident_id_format_and_charset(raw, code):
    assert code_of(validate_resident_id, raw) == code


def test_legacy_15_digit_resident_id():
    assert validate_resident_id("110105491231002") == "11010519491231002X"
    assert validate_resident_id(110105491231002) == "11010519491231002X"
    assert code_of(validate_resident_id, "110105490230002") == "date"
    assert code_of(validate_resident_id, "990105491231002") == "region"


def test_resident_id_int_input():
    assert validate_resident_id(440524188001010014) == "440524188001010014"


# ----------------------------------------------------------------------------------------------------- licences


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("JY13707250012345", "JY"),
        ("JY23703040000017", "JY"),
        ("jy 3 370725 000001 8", "JY"),
        ("ＪＹ１３７０７２５００１２３４５", "JY"),
        ("SC10637072500123", "SC"),
        ("SC20137030400019", "SC"),
        ("sc10637072500123", "SC"),
    ],
)
def test_valid_licences(raw, kind):
    assert validate_license_number(raw) == normalize(raw)
    assert license_kind(raw) == kind


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "format"),
        ("XK13707250012345", "format"),
        ("13707250012345", "format"),
        ("JY1370725001234", "format"),
        ("JY137072500123456", "format"),
        ("JY03707250012345", "format"),  # format code 0
        ("JY1370725001234A", "charset"),
        ("JY1A707250012345", "charset"),
        ("SC30637072500123", "format"),  # category must start with 1 or 2
        ("SC0063707250012", "format"),
        ("SC1063707250012X", "charset"),
        ("JY19907250012345", "region"),
        ("JY10007250012345", "region"),
        ("SC10699072500123", "region"),
    ],
)
def test_invalid_licences(raw, code):
    assert code_of(validate_license_number, raw) == code


def test_license_kind_raises_validation_error():
    assert code_of(license_kind, "nope") == "format"


# ------------------------------------------------------------------------------------------------------ masking


def test_masks():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["", None, "1", "1234", "12345678"])
def test_short_id_fully_masked(value):
    out = mask_id_number(value)
    assert out == "*" * len(value or "")


@pytest.mark.parametrize("value", ["", None, "1", "1234567"])
def test_short_phone_fully_masked(value):
    assert mask_phone(value) == "*" * len(value or "")


# --------------------------------------------------------------------------------------------------- generators


def test_make_uscc_reproduces_domain_examples():
    assert make_uscc(region="440101", org_base="MA5CJQ4N") == "91440101MA5CJQ4N59"
    assert make_uscc(region="350200", org_base="77604965") == "91350200776049653A"
    assert make_uscc(type_code="91", region="350213", org_base="59498494") == "9135021359498494XQ"


def test_make_resident_id_reproduces_domain_example():
    assert make_resident_id(region="110105", birth=date(1949, 12, 31), seq=2) == "11010519491231002X"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region": "44010", "org_base": "MA5CJQ4N"},
        {"region": "4401A1", "org_base": "MA5CJQ4N"},
        {"region": "440101", "org_base": "MA5CJQ4I"},
        {"region": "440101", "org_base": "MA5CJQ4"},
        {"type_code": "9", "region": "440101", "org_base": "MA5CJQ4N"},
        {"type_code": "9O", "region": "440101", "org_base": "MA5CJQ4N"},
    ],
)
def test_make_uscc_rejects_bad_parts(kwargs):
    with pytest.raises(ValidationError):
        make_uscc(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region": "11010", "birth": date(1990, 1, 1), "seq": 1},
        {"region": "110105", "birth": "1990-01-01", "seq": 1},
        {"region": "110105", "birth": date(1990, 1, 1), "seq": 1000},
        {"region": "110105", "birth": date(1990, 1, 1), "seq": -1},
        {"region": "110105", "birth": date(1990, 1, 1), "seq": "1"},
    ],
)
def test_make_resident_id_rejects_bad_parts(kwargs):
    with pytest.raises(ValidationError):
        make_resident_id(**kwargs)


# ------------------------------------------------------------------------------------------------- properties

uscc_chars = st.sampled_from(USCC_CHARSET)
type_codes = st.text(uscc_chars, min_size=2, max_size=2)
regions6 = st.text(st.sampled_from("0123456789"), min_size=6, max_size=6)
org_bases = st.text(uscc_chars, min_size=8, max_size=8)


@st.composite
def valid_usccs(draw):
    return make_uscc(type_code=draw(type_codes), region=draw(regions6), org_base=draw(org_bases))


@st.composite
def valid_resident_ids(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest = draw(st.text(st.sampled_from("0123456789"), min_size=4, max_size=4))
    birth = draw(st.dates(min_value=date(1880, 1, 1), max_value=TODAY))
    seq = draw(st.integers(0, 999))
    return make_resident_id(region=province + rest, birth=birth, seq=seq)


@given(valid_usccs())
def test_generated_usccs_pass(code):
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code
    assert validate_org_code(code[8:17]) == code[8:17]


@given(valid_usccs(), st.integers(0, 17), st.data())
def test_any_single_substitution_of_a_uscc_is_detected(code, position, data):
    replacement = data.draw(st.sampled_from(USCC_CHARSET.replace(code[position], "")))
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(mutated)


def test_uscc_substitution_detection_proof_for_all_positions():
    """Exhaustive form of the property: every weight is a unit mod 31 (31 is prime, weights are 3^k), and a
    substitution changes a value by 1..30, so Σ mod 31 always changes for pos 1-17; pos 18 is compared directly.
    """
    assert all(w % 31 for w in USCC_WEIGHTS)
    code = "91440101MA5CJQ4N59"
    for position in range(18):
        for replacement in USCC_CHARSET:
            if replacement == code[position]:
                continue
            mutated = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_uscc(mutated)


@given(valid_resident_ids())
def test_generated_resident_ids_pass(value):
    assert validate_resident_id(value, today=TODAY) == value


@given(valid_resident_ids(), st.integers(0, 17), st.data())
def test_any_single_digit_change_of_a_resident_id_is_detected(value, position, data):
    replacement = data.draw(st.sampled_from("0123456789X".replace(value[position], "")))
    mutated = value[:position] + replacement + value[position + 1 :]
    with pytest.raises(ValidationError) as info:
        validate_resident_id(mutated, today=TODAY)
    allowed = {"checksum", "charset"}
    if position < 6:
        allowed.add("region")
    if 6 <= position < 14:
        allowed.add("date")
    assert info.value.code in allowed


def test_resident_id_substitution_detection_proof_for_all_positions():
    assert all(w % 11 for w in ID_WEIGHTS)  # 11 is prime: a digit change of 1..9 always changes Σ mod 11
    value = "11010519491231002X"
    for position in range(18):
        for replacement in "0123456789X":
            if replacement == value[position]:
                continue
            mutated = value[:position] + replacement + value[position + 1 :]
            with pytest.raises(ValidationError):
                validate_resident_id(mutated, today=TODAY)


VALIDATORS = [validate_uscc, validate_org_code, validate_resident_id, validate_license_number, license_kind]


@settings(max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-xjysc ０１ＳＣ\u3000", max_size=20)))
def test_validators_only_raise_validation_error_on_text(text):
    for func in VALIDATORS:
        try:
            result = func(text)
        except ValidationError as exc:
            assert exc.code in {"format", "charset", "region", "date", "checksum"}
        else:
            assert isinstance(result, str)
    try:
        validate_uscc(text, allow_checksum_override=True)
    except ValidationError as exc:
        assert exc.code != "checksum"
    assert isinstance(normalize(text), str)


class Unprintable:
    def __str__(self):
        raise RuntimeError("boom")


@pytest.mark.parametrize(
    "value",
    [None, 0, -1, 3.14, float("nan"), 10**5000, True, b"\xff\xfe", b"91440101MA5CJQ4N59", "9" * 10_000, [], {}],
    ids=lambda v: type(v).__name__,
)
def test_validators_only_raise_validation_error_on_odd_types(value):
    for func in VALIDATORS:
        try:
            func(value)
        except ValidationError as exc:
            assert exc.code
    with pytest.raises(ValidationError):
        validate_uscc(Unprintable())
    with pytest.raises(ValidationError):
        normalize(Unprintable())


def test_bytes_are_decoded():
    assert validate_uscc(b"91440101MA5CJQ4N59") == "91440101MA5CJQ4N59"


@given(st.one_of(st.none(), st.text(), st.integers(), st.binary(), st.floats()))
def test_masking_never_raises_and_keeps_length(value):
    for mask in (mask_id_number, mask_phone):
        out = mask(value)
        assert isinstance(out, str)
        if isinstance(value, str):
            assert len(out) == len(value.strip())
    assert mask_id_number(Unprintable()) == ""
    assert mask_phone(Unprintable()) == ""


class _Text(str):
    """A str subclass: the validators' plain-code fast path takes exact str only, so this takes the full path."""


def _outcome(func, value, **kwargs):
    try:
        return "ok", func(value, **kwargs)
    except ValidationError as exc:
        return type(exc).__name__, exc.code, exc.messages


_CODE_CHARS = st.sampled_from(USCC_CHARSET + "IOSVZ0123456789 a-")


@settings(max_examples=400)
@given(
    st.one_of(
        st.text(_CODE_CHARS, min_size=16, max_size=19),
        st.builds(
            lambda region, base, kind: make_uscc(type_code=kind, region=region, org_base=base),
            st.sampled_from(["370725", "440101", "110000"]),
            st.text(st.sampled_from(USCC_CHARSET), min_size=8, max_size=8),
            st.sampled_from(["91", "92", "12", "Y1"]),
        ),
    ),
    st.booleans(),
)
def test_uscc_fast_path_agrees_with_the_full_checks(text, override):
    """A folded code with every character in place skips the folding and position checks: same result, same
    error (code and message), whatever the text."""
    assert _outcome(validate_uscc, text, allow_checksum_override=override) == _outcome(
        validate_uscc, _Text(text), allow_checksum_override=override
    )


@settings(max_examples=400)
@given(
    st.one_of(
        st.builds(
            lambda a, b: a + b, st.sampled_from(["JY", "SC", "JX", "jy", "S C"]), st.text("0123456789 ", max_size=15)
        ),
        st.builds(
            lambda kind, digit, region, rest: f"{kind}{digit}{region}{rest}",
            st.sampled_from(["JY", "SC"]),
            st.sampled_from("0123"),
            st.sampled_from(["370725", "990101", "113701", "003707"]),
            st.text("0123456789", min_size=7, max_size=7),
        ),
    )
)
def test_license_fast_path_agrees_with_the_full_checks(text):
    assert _outcome(validate_license_number, text) == _outcome(validate_license_number, _Text(text))
