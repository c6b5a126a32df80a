"""A return line as the page draws it (``beacon_web.return_line``): a fieldset described by the
line's facts (last value, target and floor standard with their marks, which way is better), its
fields when the return can be changed, else a summary of what it holds, and a line's own error
named at its value."""

from __future__ import annotations

import re

import pytest

from beacon.performance.models import KpiTarget

from test_web_returns_integrity import Q2_URL, _open_q2
from test_web_returns_monthly import OCT, URL, _full, monthly, opened  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _line(body: str, code: str) -> str:
    found = re.search(rf'<fieldset class="govuk-fieldset" aria-describedby="kpi-{code}-facts">.*?</fieldset>', body, re.S)
    assert found, f"no line {code}"
    return found.group(0)


def test_an_editable_line_has_its_facts_and_fields(client_for, opened):
    KpiTarget.objects.filter(kpi__code="A1").update(target_source="assumed")
    body = client_for("owner").get(URL).content.decode()
    a1 = _line(body, "A1")
    assert '<h3 class="govuk-fieldset__heading">A1: Percentage of calls answered</h3>' in a1
    facts = re.search(r'id="kpi-A1-facts">\s*(.*?)\s*</p>', a1, re.S).group(1)
    assert re.fullmatch(r"Last value: 75% \(2022/23 Q2\)\.\s+Target: \d+% \(assumed\)\. Floor standard: \d+%\. "
                        r"Higher is better\.", facts), facts
    assert 'id="kpi-A1-value" name="kpi-A1-value" type="text" inputmode="decimal"' in a1
    assert 'id="kpi-A1-note"' in a1 and 'id="kpi-A1-commentary"' in a1 and 'rows="2"' in a1
    a3 = _line(body, "A3")
    assert "A3 is reported monthly: enter the value for each month of 2022/23 Q3." in a3
    assert f'id="kpi-A3-{OCT}"' in a3 and 'id="kpi-A3-value"' not in a3


def test_a_field_error_marks_the_line(client_for, opened):
    body = client_for("owner").post(URL, {"action": "save", **_full(**{"kpi-A1-value": "ninety"})}).content.decode()
    a1 = _line(body, "A1")
    assert "govuk-form-group--error" in body.split('aria-describedby="kpi-A1-facts"')[0].rsplit("<div", 1)[1]
    assert 'class="govuk-error-message" id="kpi-A1-value-error"' in a1


def test_a_line_that_cannot_be_changed_shows_what_it_holds(client_for, users, data):
    _open_q2(users)
    post = {"action": "submit", "kpi-A1-value": "", "kpi-A1-note": "Figures late & <lost>", "kpi-A2-value": "9",
            "indicator-AI1-value": "1200", "commentary": "Calls rose over the summer.",
            "kpi-A1-remove": "1", "kpi-A1-remove_reason": "The survey was withdrawn"}
    assert client_for("owner").post(Q2_URL, post).status_code == 302
    a1 = _line(client_for("lead").get(Q2_URL).content.decode(), "A1")
    assert 'name="kpi-A1-value"' not in a1
    assert ('<dt class="govuk-summary-list__key">Value for 2022/23 Q2</dt><dd class="govuk-summary-list__value">–</dd>'
            in a1)
    assert '<dd class="govuk-summary-list__value">Figures late &amp; &lt;lost&gt;</dd>' in a1
    assert ('<dt class="govuk-summary-list__key">Removes what is left blank</dt>'
            '<dd class="govuk-summary-list__value">The survey was withdrawn</dd>') in a1
