"""A quarter's report settings (cover header, contacts, producer, risk overview dates): one
writer for the page and for JSON files, which checks the values, merges or refuses a stale save
and records each changed field's history; the lead's page shows the fields, what a blank one
prints, the conflicts of a stale save and the history."""

from __future__ import annotations

import json
import re

import pytest

from beacon.core.audit import history_of
from beacon.core.models import Revision
from beacon.core.stale import StaleEdit
from beacon.domain.periods import Quarter
from beacon.reports import settings_service as svc
from beacon.reports.models import PublishedReport, ReportSettings
from beacon.reports.report_settings import DEMO_REPORT_SETTINGS, seed_report_settings

from web_fixtures import PERIOD, SLUG

URL = f"/reports/{SLUG}/settings/"
AUTHOR = {"role": "Report author", "name": "Ann Lead", "title": "Performance", "phone": "03000 000001",
          "email": "ann@example.org"}
DIRECTOR = {"role": "Relevant Director", "name": "Dan Director", "title": "", "phone": "", "email": "dan@example.org"}


def save(values, by="lead", opened=None, reason=""):
    return svc.save_report_settings(svc.SaveReportSettings(PERIOD, values, by, opened=opened, reason=reason))


def row() -> ReportSettings:
    return ReportSettings.objects.get(period=PERIOD)


def opened_now() -> dict[str, str]:
    return svc.values_of(row())


# --- the service ----------------------------------------------------------------------------
def test_each_changed_field_is_saved_with_its_history(data, clock):
    saved = save({"council": "Borsetshire County Council", "meeting_date": "5 January 2023", "contacts": [AUTHOR],
                  "risk_data_to": "2022-11-30", "decision_no": "n/a"}, reason="January Cabinet")
    assert set(saved.changed) == {"Council", "Meeting date", "Contact details", "Risk register described at"}
    r = row()
    assert r.council == "Borsetshire County Council" and r.contacts == [AUTHOR] and r.risk_data_to.isoformat() == "2022-11-30"
    revisions = {rev.field: rev for rev in history_of(r)}
    assert set(revisions) == {"council", "meeting_date", "contacts", "risk_data_to"}  # decision_no was already n/a
    assert revisions["council"].old_value == "" and revisions["council"].new_value == "Borsetshire County Council"
    assert json.loads(revisions["contacts"].new_value) == [AUTHOR] and revisions["contacts"].old_value == "[]"
    assert revisions["risk_data_to"].new_value == "2022-11-30"
    assert {(rev.changed_by, rev.reason, rev.source, rev.entity, rev.key) for rev in revisions.values()} == {
        ("lead", "January Cabinet", "report settings page", "report settings", PERIOD)}

    # the same values again: nothing changes, nothing is recorded
    assert save({"council": "Borsetshire County Council", "contacts": [AUTHOR]}).changed == ()
    assert history_of(r).count() == 4
    # a change of one contact's phone is one revision of the contacts, the old and new lists as JSON
    save({"contacts": [{**AUTHOR, "phone": "03000 000002"}, DIRECTOR]}, by="editor")
    last = history_of(r).last()
    assert last.field == "contacts" and last.changed_by == "editor"
    assert json.loads(last.old_value) == [AUTHOR]
    assert json.loads(last.new_value) == [{**AUTHOR, "phone": "03000 000002"}, DIRECTOR]
    assert row().contacts == [{**AUTHOR, "phone": "03000 000002"}, DIRECTOR]


def test_blank_contact_rows_are_left_out_and_a_save_that_changes_nothing_keeps_no_row(data):
    assert save({"contacts": [{k: "" for k in AUTHOR}, {k: " " for k in AUTHOR}], "council": ""}).changed == ()
    assert not ReportSettings.objects.filter(period=PERIOD).exists()
    save({"contacts": [{k: "" for k in AUTHOR}, AUTHOR, {}]})
    assert row().contacts == [AUTHOR]


def test_values_are_checked_and_errors_name_the_field(data):
    with pytest.raises(svc.SettingsError) as caught:
        save({"council": "x" * 201, "meeting_date": "5 January 2023", "producer_email": "performance at kent",
              "risk_data_to": "31/11/2022", "contacts": [AUTHOR, {**DIRECTOR, "email": "dan@"}, {"role": "r" * 201}]})
    errors = caught.value.field_errors
    assert errors == {
        "council": "must be 200 characters or fewer (it has 201)",
        "producer_email": "'performance at kent' is not an email address (write it like name@example.org)",
        "risk_data_to": "'31/11/2022' is not a date (write it like 15/11/2022 or 15 November 2022)",
        "contact-2-email": "'dan@' is not an email address (write it like name@example.org)",
        "contact-3-role": "must be 200 characters or fewer (it has 201)",
    }
    text = str(caught.value)  # the command line names the fields as a settings file does
    assert "council: must be 200 characters" in text and "contacts[2].email: 'dan@'" in text
    assert not ReportSettings.objects.exists() and not Revision.objects.exists()  # nothing saved

    with pytest.raises(svc.SettingsError) as caught:
        save({"risk_data_to": "2022-06-15", "risk_compare_to": "2022-06-30"})
    assert caught.value.field_errors == {
        "risk_compare_to": "must be in a month before the one the overview describes (June 2022); it is June 2022"}
    with pytest.raises(svc.SettingsError) as caught:  # against the default: the end of the previous quarter
        save({"risk_compare_to": "2022-10-01"})
    assert "September 2022" in caught.value.field_errors["risk_compare_to"]
    with pytest.raises(svc.SettingsError) as caught:
        save({"colour": "red"})
    assert list(caught.value.field_errors) == ["colour"]
    with pytest.raises(svc.SettingsError, match="period"):
        svc.save_report_settings(svc.SaveReportSettings("spring", {"council": "x"}, "lead"))
    assert not ReportSettings.objects.exists()


def test_the_risk_dates_are_checked_when_they_change(data):
    import datetime as dt

    # dates held from before the check: a save of another field is not refused for them
    ReportSettings.objects.create(period=PERIOD, risk_data_to=dt.date(2022, 6, 30), risk_compare_to=dt.date(2022, 9, 30))
    assert save({"council": "Kent County Council"}).changed == ("Council",)
    with pytest.raises(svc.SettingsError, match="risk_compare_to: must be in a month before"):
        save({"risk_data_to": "2022-07-31"})
    assert save({"risk_data_to": "2022-11-30"}).changed == ("Risk register described at",)


def test_a_stale_save_merges_a_field_left_alone_and_refuses_a_conflict(data):
    save({"council": "Kent County Council", "to_text": "Cabinet", "contacts": [AUTHOR]})
    opened = opened_now()
    save({"council": "Kent CC"}, by="other")  # someone else, after this form was opened

    # this form changed only To: merged, the other person's council kept
    saved = save({**opened, "to_text": "Cabinet Committee"}, opened=opened)
    assert saved.changed == ("To",)
    assert (row().council, row().to_text) == ("Kent CC", "Cabinet Committee")

    # this form changed the council too, differently: refused, nothing saved, then / now / typed
    before = history_of(row()).count()
    with pytest.raises(StaleEdit) as caught:
        save({**opened, "council": "Kent County Council (Cabinet)", "meeting_date": "5 January 2023"}, opened=opened)
    exc = caught.value
    assert "changed since you opened it: nothing was saved" in exc.message
    assert [(c.field, c.label, c.opened, c.current, c.submitted) for c in exc.changes] == [
        ("council", "Council", "Kent County Council", "Kent CC", "Kent County Council (Cabinet)")]
    assert row().meeting_date == "" and history_of(row()).count() == before

    # the contacts compare as a whole list; a conflict reads as people write contacts, not JSON
    opened = opened_now()
    save({"contacts": [AUTHOR, DIRECTOR]}, by="other")
    with pytest.raises(StaleEdit) as caught:
        save({"contacts": [{**AUTHOR, "phone": "01234 567890"}]}, opened=opened)
    change = caught.value.changes[0]
    assert change.label == "Contact details"
    assert change.opened == "Report author: Ann Lead, Performance, 03000 000001, ann@example.org"
    assert change.current == change.opened + "\nRelevant Director: Dan Director, dan@example.org"
    assert change.submitted == "Report author: Ann Lead, Performance, 01234 567890, ann@example.org"
    assert row().contacts == [AUTHOR, DIRECTOR]


def test_a_json_file_goes_through_the_same_writer_records_revisions_and_loads_once(data, tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps([{"period": PERIOD, "council": "Borsetshire County Council", "contacts": [AUTHOR],
                                 "risk_data_to": "2022-11-30"},
                                {"period": "2022/23 Q3", "to_text": "County Council"}]), encoding="utf-8")
    assert seed_report_settings(path, by="loader", reason="spring papers") == [PERIOD, "2022/23 Q3"]
    r = row()
    fields = {rev.field: rev for rev in history_of(r)}
    assert set(fields) == {"council", "contacts", "risk_data_to"}
    assert {(rev.changed_by, rev.reason, rev.source) for rev in fields.values()} == {
        ("loader", "spring papers", "report settings file settings.json")}
    assert json.loads(fields["contacts"].new_value) == [AUTHOR]
    count = Revision.objects.count()
    snapshot = list(ReportSettings.objects.order_by("period").values())

    seed_report_settings(path, by="loader")  # the same file again changes nothing
    assert Revision.objects.count() == count
    assert list(ReportSettings.objects.order_by("period").values()) == snapshot

    # a field the file leaves out keeps its value; an entry in error loads nothing of the file
    path.write_text(json.dumps([{"period": PERIOD, "to_text": "Cabinet"},
                                {"period": "2022/23 Q3", "producer_email": "nobody"}]), encoding="utf-8")
    with pytest.raises(svc.SettingsError, match=r"entry 2 \(2022/23 Q3\): producer_email: 'nobody' is not an email"):
        seed_report_settings(path, by="loader")
    assert row().to_text == "" and Revision.objects.count() == count
    path.write_text(json.dumps({"period": PERIOD, "to_text": "Cabinet"}), encoding="utf-8")
    seed_report_settings(path, by="loader")
    assert (row().to_text, row().council) == ("Cabinet", "Borsetshire County Council")


def test_the_demo_settings_load_as_written_and_only_once(db):
    seed_report_settings(DEMO_REPORT_SETTINGS, by="demo")
    written = json.loads(DEMO_REPORT_SETTINGS.read_text(encoding="utf-8"))
    r = row()
    for name in svc.FIELDS:
        held = getattr(r, name)
        assert (held.isoformat() if hasattr(held, "isoformat") else held) == written[name], name
    count = Revision.objects.count()
    assert count > 0
    seed_report_settings(DEMO_REPORT_SETTINGS, by="demo")
    assert Revision.objects.count() == count


# --- the page ---------------------------------------------------------------------------------
def _opened(page: str) -> str:
    return re.search(r'name="opened" value="([^"]*)"', page).group(1)


def _form(page: str) -> dict[str, str]:
    """What the page's form would send as it is (text inputs and text areas)."""
    data = {name: value for name, value in re.findall(r'<input class="govuk-input[^"]*" id="[^"]*" name="([^"]+)" type="[^"]+" value="([^"]*)"', page)}
    data.update(dict(re.findall(r'<textarea class="govuk-textarea[^"]*" id="[^"]*" name="([^"]+)" rows="\d+"[^>]*>([^<]*)</textarea>', page)))
    data = {k: v.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"') for k, v in data.items()}
    data["opened"] = _opened(page)
    return data


@pytest.mark.parametrize("who, status", [("lead", 200), ("owner", 403), ("reader", 403), ("riskmanager", 403),
                                         ("norole", 403)])
def test_only_the_lead_opens_and_saves_the_page(client_for, who, status):
    c = client_for(who)
    assert c.get(URL).status_code == status
    response = c.post(URL, {"council": "Someone Else's Council"})
    if who == "lead":
        assert response.status_code == 302 and row().council == "Someone Else's Council"
    else:
        assert response.status_code == 403 and not ReportSettings.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client_for, data):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    response = client_for(None).post(URL, {"council": "x"})
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert not ReportSettings.objects.exists()


def test_the_build_page_links_to_the_settings(client_for):
    page = client_for("lead").get(f"/reports/{SLUG}/build/").content.decode()
    assert f'href="{URL}"' in page and "Change the report's details (cover header, contacts)" in page


def test_the_lead_saves_the_details_and_sees_their_history(client_for):
    lead = client_for("lead")
    page = lead.get(URL).content.decode()
    # every field, four contact rows, and what a blank field prints
    for name in svc.FIELDS:
        if name != "contacts":
            assert f'name="{name}"' in page, name
    assert 'name="contact-4-email"' in page and 'name="contact-5-email"' not in page
    assert "Left blank, the cover prints “Quarterly Performance Report, Quarter 2, 2022/23”." in page
    assert "Left blank, the cover prints “Cabinet”." in page
    assert "the end of the quarter (30 September 2022)" in page and "the end of the previous quarter (30 June 2022)" in page
    assert "No changes are recorded yet." in page

    data = _form(page)
    data.update({"council": "Borsetshire County Council", "from_text": "Leader\r\nChief Executive",
                 "producer_email": "perf@example.org", "reason": "new council",
                 **{f"contact-2-{k}": v for k, v in AUTHOR.items()}})  # row 1 left blank
    response = lead.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    r = row()
    assert r.council == "Borsetshire County Council" and r.from_text == "Leader\nChief Executive"
    assert r.contacts == [AUTHOR] and r.producer_email == "perf@example.org"
    page = lead.get(URL).content.decode()
    assert "The report settings for Quarter 2, 2022/23 were saved: Council, From, Contact details, Producer&#x27;s email address changed." in page
    history = page.split("Changes to these details")[1]
    assert "Borsetshire County Council" in history and "Report author: Ann Lead, Performance, 03000 000001, ann@example.org" in history
    assert ">lead<" in history and "new council" in history and "[{" not in history  # contacts in words, not JSON
    # the form shows the contact in its first row now
    assert 'id="contact-1-name" name="contact-1-name" type="text" value="Ann Lead"' in page

    # saving the page as it is changes nothing
    response = lead.post(URL, _form(page))
    assert response.status_code == 302
    assert "Nothing was changed" in lead.get(URL).content.decode()
    assert history_of(row()).count() == 4


def test_errors_are_shown_at_their_fields(client_for, data):
    lead = client_for("lead")
    data = _form(lead.get(URL).content.decode())
    data.update({"producer_email": "nobody", "risk_data_to": "tomorrow", **{f"contact-2-{k}": v for k, v in AUTHOR.items()},
                 "contact-2-email": "ann@"})
    response = lead.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The report settings were not saved. Correct the fields below, then save again." in page
    assert '<a href="#producer_email">Producer&#x27;s email address: &#x27;nobody&#x27; is not an email address' in page
    assert '<a href="#risk_data_to">Risk register described at: &#x27;tomorrow&#x27; is not a date' in page
    assert '<a href="#contact-2-email">Contact 2 email address: &#x27;ann@&#x27; is not an email address' in page
    assert 'aria-describedby="contact-2-email-error"' in page
    assert 'value="Ann Lead"' in page  # what was typed stays
    assert not ReportSettings.objects.exists()


def test_a_stale_save_on_the_page_is_refused_with_then_now_typed_or_merged(client_for, data):
    save({"council": "Kent County Council", "to_text": "Cabinet"})
    lead = client_for("lead")
    page_a = _form(lead.get(URL).content.decode())
    save({"council": "Kent CC", "meeting_date": "5 January 2023"}, by="other")

    # a conflicting change: refused, nothing saved, each field then / now / typed
    response = lead.post(URL, {**page_a, "council": "Kent County Council (Cabinet)", "decision_no": "23/00001"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "The report settings for Quarter 2, 2022/23 changed since you opened it: nothing was saved." in page
    table = page.split("What changed since you opened the page")[1].split("</table>")[0]
    assert re.search(r">Council</th><td[^>]*>Kent County Council</td><td[^>]*>Kent CC</td><td[^>]*>Kent County Council \(Cabinet\)</td>", table)
    assert '<a href="#council">Council was Kent County Council when you opened the form and is now Kent CC; you entered Kent County Council (Cabinet)</a>' in page
    assert (row().council, row().decision_no) == ("Kent CC", "n/a")
    # the page now shows the other person's change to a field this form left alone, and saving
    # it again (after checking) keeps what was typed
    again = _form(page)
    assert again["meeting_date"] == "5 January 2023" and again["council"] == "Kent County Council (Cabinet)"
    assert lead.post(URL, again).status_code == 302
    assert (row().council, row().decision_no, row().meeting_date) == ("Kent County Council (Cabinet)", "23/00001", "5 January 2023")

    # a change to a field the other person left alone merges
    page_b = _form(lead.get(URL).content.decode())
    save({"council": "Kent"}, by="other")
    assert lead.post(URL, {**page_b, "to_text": "County Council"}).status_code == 302
    assert (row().council, row().to_text) == ("Kent", "County Council")


def test_a_published_quarter_can_be_edited_and_its_edition_does_not_change(client_for, data):
    from beacon.reports.publish import publish
    from beacon.web.services.reports import draft_checks

    q = Quarter.parse(PERIOD)
    save({"council": "Kent County Council"})
    publish(q, "lead", {c.id: "accepted for the test" for c in draft_checks(q) if not c.passed})
    edition = PublishedReport.objects.get(period=PERIOD)
    frozen = (json.dumps(edition.context, sort_keys=True), {f.format: f.sha256 for f in edition.files.all()})
    lead = client_for("lead")
    page = lead.get(URL).content.decode()
    assert "Changes here do not change the published edition: they are used by the next corrected edition." in page
    assert f'href="/reports/{SLUG}/"' in page  # back to the published report
    assert lead.post(URL, {**_form(page), "council": "Kent CC"}).status_code == 302
    assert row().council == "Kent CC"
    edition.refresh_from_db()
    assert (json.dumps(edition.context, sort_keys=True), {f.format: f.sha256 for f in edition.files.all()}) == frozen
    assert "Kent County Council" in json.dumps(edition.context)


def test_entries_are_kept_when_the_page_had_expired(users, data):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(users["lead"])
    data = _form(c.get(URL).content.decode())
    response = c.post(URL, {**data, "council": "Borsetshire County Council", "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403 and not ReportSettings.objects.exists()
    page = c.get(URL).content.decode()
    assert "Your unsaved entries were kept: check them and save." in page
    assert 'value="Borsetshire County Council"' in page
    form = _form(page)
    form["csrfmiddlewaretoken"] = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert c.post(URL, form).status_code == 302 and row().council == "Borsetshire County Council"
