"""``beacon remind``: listed by ``beacon --help``, explained by ``beacon remind --help``, and run
through the console script it sends the day's reminders (each once, however often it runs)."""

from __future__ import annotations

import pytest

from beacon.cli import main


def test_remind_is_listed_and_explained(capsys):
    assert main(["--help"]) == 0
    assert "  remind " in capsys.readouterr().out
    assert main(["remind", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--date YYYY-MM-DD" in out and "Nobody is told twice about one event" in out
    assert "BEACON_REMINDERS_AT" in out


@pytest.mark.django_db(transaction=True)
def test_remind_through_the_console_script(capsys, settings):
    from django.contrib.auth.models import User
    from django.core import mail

    from beacon.core import notifications as n
    from beacon.domain.notifications import NotificationKind

    user = User.objects.create_user("someone", email="someone@example.org")
    n.register_source("test-cli", lambda today: [n.Notice(user.pk, f"cli:{today}", NotificationKind.PAPER_DUE,
                                                           "A paper is due")])
    try:
        for _ in range(2):
            assert main(["remind", "--date", "2023-01-05", "--skip-checks", "--verbosity", "0"]) == 0
    finally:
        n._SOURCES.pop("test-cli")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Reminders for 2023-01-05: 1 new notification (")
    assert out[1].startswith("Reminders for 2023-01-05: 0 new notifications (")
    assert [m.subject for m in mail.outbox] == ["Beacon: 1 new notification (Thursday, 5 January 2023)"]
    assert main(["remind", "--date", "5/1/2023", "--skip-checks"]) == 1
    assert "--date: '5/1/2023' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
