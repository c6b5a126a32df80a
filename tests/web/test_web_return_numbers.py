"""How a number typed into a return becomes a value (issue 10): the digits 0-9, an optional
sign, thousands commas, a decimal point and a trailing ``%``. Exponents (``1e2``), full-width or
other scripts' digits, NaN and Infinity are refused with a reason, on the page, in the API and
in an uploaded file alike, rather than stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from web_fixtures import NEXT_SLUG

from beacon.core.models import ApiToken
from beacon.returns.entries import parse_entered
from beacon.returns.models import ReturnLine, number_text

URL = f"/returns/{NEXT_SLUG}/AA/"


@pytest.mark.parametrize(("text", "value"), [
    ("1,300", Decimal(1300)), ("97%", Decimal(97)), ("96.5", Decimal("96.5")), ("  42  ", Decimal(42)),
    ("\t12.25\n", Decimal("12.25")), ("-3", Decimal(-3)), ("+4", Decimal(4)), ("1,234,567.5", Decimal("1234567.5")),
    ("97 %", Decimal(97)), ("0.5", Decimal("0.5")), ("", None), ("   ", None), (None, None),
])
def test_numbers_as_people_type_them_are_accepted(text, value):
    assert parse_entered(text) == value


@pytest.mark.parametrize(("text", "reason"), [
    ("1e2", "'1e2' is written with an exponent: type the number in full, for example 100"),
    ("1E-3", "'1E-3' is written with an exponent: type the number in full, for example 0.001"),
    ("2.5e+3", "written with an exponent"),
    ("１２３", "'１２３' has characters that are not the digits 0 to 9: type the number with the digits 0 to 9"),
    ("٣", "not the digits 0 to 9"),  # Arabic-Indic three
    ("१२", "not the digits 0 to 9"),  # Devanagari
    ("12\u00b2", "not the digits 0 to 9"),  # a superscript two
    ("NaN", "'NaN' is not a number"),
    ("nan", "'nan' is not a number"),
    ("Infinity", "'Infinity' is not a number"),
    ("-inf", "'-inf' is not a number"),
    ("ninety", "'ninety' is not a number (use . as the decimal point)"),
    ("1,30", "is not a number"),
    ("1_000", "is not a number"),
    ("0x10", "is not a number"),
    ("12,5", "is not a number"),
    ("1.2.3", "is not a number"),
    ("%", "is not a number"),
    ("1e20", "written with an exponent"),
    ("123456789012345678", "too large"),
    ("0.12345678901", "more than 10 decimal places"),
])
def test_odd_numbers_are_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError) as exc:
        parse_entered(text)
    assert reason in str(exc.value)


@given(st.text(max_size=24))
def test_whatever_is_accepted_is_a_finite_decimal_whose_plain_text_reparses_to_itself(text):
    try:
        value = parse_entered(text)
    except ValueError:
        return
    if value is None:
        assert not text.strip()
        return
    assert isinstance(value, Decimal) and value.is_finite()
    plain = number_text(value)
    assert plain.isascii() and "e" not in plain.lower()
    assert parse_entered(plain) == value


@given(st.text(alphabet="0123456789,.+-% eE\u00a0\uff11\u0663nafiNIty", max_size=16))
def test_number_like_text_is_accepted_only_as_a_finite_plain_number(text):
    try:
        value = parse_entered(text)
    except ValueError:
        return
    if value is not None:
        assert value.is_finite() and parse_entered(number_text(value)) == value
        assert not any(c in text for c in "eE\uff11\u0663nafiNIty")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12),
       st.booleans(), st.booleans())
def test_a_plain_number_is_read_back_exactly(value, commas, percent):
    text = f"{value:,f}" if commas else format(value, "f")
    assert parse_entered(f" {text}{'%' if percent else ''} ") == value


# --- on the page and in the API: the same rule --------------------------------------------
def test_the_return_page_refuses_an_exponent_and_full_width_digits(client_for, open_period):
    response = client_for("owner").post(URL, {"action": "save", "kpi-A1-value": "1e2", "kpi-A2-value": "１２",
                                               "indicator-AI1-value": "1,300"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "A1 value: &#x27;1e2&#x27; is written with an exponent" in body
    assert "A2 value: &#x27;１２&#x27; has characters that are not the digits 0 to 9" in body
    assert not ReturnLine.objects.exists()


def test_the_api_refuses_text_with_an_exponent_or_other_digits(client, users, open_period):
    _, token = ApiToken.issue(users["owner"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for text, reason in (("1e2", "written with an exponent"), ("１２", "not the digits 0 to 9"), ("NaN", "is not a number")):
        response = client.put(f"/api/returns/{NEXT_SLUG}/AA", {"lines": [{"code": "A1", "value": text}]},
                              content_type="application/json", **auth)
        assert response.status_code == 400, (text, response.content)
        assert reason in response.content.decode()
    assert not ReturnLine.objects.exists()
    response = client.put(f"/api/returns/{NEXT_SLUG}/AA", {"lines": [{"code": "A1", "value": " 97% "}]},
                          content_type="application/json", **auth)
    assert response.status_code == 200
    assert ReturnLine.objects.get(kpi__code="A1").value == Decimal(97)
