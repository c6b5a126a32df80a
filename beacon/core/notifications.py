"""Reminders and notifications: what a person is told about, once, and how it reaches them.

* :class:`Notice` is one thing to tell one person (``event_key`` names the event, unique per
  person); :func:`notify` records the notices not recorded yet (never twice for the same person
  and event, even when two workers run at once: the database's unique constraint decides) and
  e-mails at once those whose owner chose :attr:`~beacon.domain.notifications.Delivery.IMMEDIATE`
  (and has an e-mail address, and has not muted the kind).
* :func:`register_source` adds a reminder source: a function from today's date to the notices
  due that day (returns due and late, actions overdue, papers due...). Apps register theirs in
  ``AppConfig.ready``.
* :func:`run_reminders` is the daily run (the ``send-reminders`` job, ``beacon remind``): it asks
  every source, notifies, sends the immediate e-mails still unsent and the day's digests.

E-mails go through Django's mail framework (``EMAIL_BACKEND``: console, file or SMTP; see
docs/notifications.md). A notification is e-mailed at most once: a sender first claims it by
setting ``emailed_at`` where it is still empty (one UPDATE; only one process wins), and a digest
is claimed by moving ``NotificationPreference.last_digest_on`` to today the same way.

Immediate e-mails are sent after the surrounding transaction commits (``transaction.on_commit``),
so an event rolled back is never e-mailed. In tests wrapped in a transaction, use
``django_capture_on_commit_callbacks(execute=True)`` to see them in ``mail.outbox``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q

from beacon.core.pages import page_path
from beacon.domain import notifications as rules
from beacon.domain.jobs import JobResult
from beacon.domain.notifications import Delivery, NotificationKind

from . import clock, jobs
from .locks import named_lock
from .models import Job, Notification, NotificationPreference

__all__ = ["Notice", "notify", "register_source", "sources", "run_reminders", "send_digests",
           "send_pending_immediate", "preference_for", "unread_count", "mark_read", "mark_all_read",
           "RunSummary"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One thing to tell one person."""

    user_id: int
    event_key: str  # the event, unique per person: e.g. "risk_flagged:CRR0001:CS1:red:2022/23 Q2"
    kind: NotificationKind
    subject: str
    body: str = ""
    url: str = ""  # a path in the web app, e.g. /risks/CRR0001/
    due: datetime.date | None = None


# --- sources ----------------------------------------------------------------------------------

_SOURCES: dict[str, Callable[[datetime.date], Iterable[Notice]]] = {}


def register_source(name: str, fn: Callable[[datetime.date], Iterable[Notice]]) -> None:
    """Add (or replace, by name) a reminder source the daily run calls with today's date."""
    _SOURCES[name] = fn


def sources() -> dict[str, Callable[[datetime.date], Iterable[Notice]]]:
    return dict(_SOURCES)


# --- recording --------------------------------------------------------------------------------

_FIELD_LIMITS = {"event_key": 300, "subject": 300, "url": 500}


def _row(notice: Notice, now: datetime.datetime) -> Notification:
    return Notification(
        user_id=notice.user_id, event_key=notice.event_key[:300], kind=NotificationKind(notice.kind).value,
        subject=notice.subject[:300], body=notice.body, url=notice.url[:500], due=notice.due, created_at=now,
    )


def notify(notices: Iterable[Notice]) -> int:
    """Record the notices not recorded yet (one per person and event, ever) and e-mail at once
    those whose owner wants each notification by e-mail. Returns how many were new."""
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        if not notice.event_key:
            raise ValueError("a notice needs an event_key")
        wanted.setdefault((notice.user_id, notice.event_key[:300]), notice)
    if not wanted:
        return 0
    now = clock.now()
    with transaction.atomic():
        before = _recorded(wanted)
        fresh = [notice for key, notice in wanted.items() if key not in before]
        if not fresh:
            return 0
        # ignore_conflicts: a row another worker wrote in the meantime stays as it is (the
        # unique constraint on user and event_key is the one judge of "already told")
        Notification.objects.bulk_create([_row(n, now) for n in fresh], ignore_conflicts=True, batch_size=500)
        after = _recorded({(n.user_id, n.event_key[:300]): n for n in fresh})
        new_ids = [pk for pk, created_at in after.values() if created_at == now]
    if new_ids:
        transaction.on_commit(lambda: _send_after_commit(new_ids))
    return len(new_ids)


def _send_after_commit(ids: list[int]) -> None:
    """The immediate e-mails of new notifications; a failure is logged, never raised into the
    request or job that made them (the daily run sends what is still unsent)."""
    try:
        send_pending_immediate(ids=ids)
    except Exception:
        log.exception("the immediate e-mails of %s notifications were not sent; the daily run will", len(ids))


def _recorded(wanted: dict[tuple[int, str], Notice]) -> dict[tuple[int, str], tuple]:
    """Those of ``wanted`` (person, event) already recorded: -> (pk, created_at)."""
    found: dict[tuple[int, str], tuple] = {}
    keys = sorted({key for _, key in wanted})
    users = {user_id for user_id, _ in wanted}
    for start in range(0, len(keys), 500):
        rows = Notification.objects.filter(event_key__in=keys[start:start + 500])
        if len(users) <= 500:
            rows = rows.filter(user_id__in=users)
        for pk, user_id, key, created_at in rows.values_list("pk", "user_id", "event_key", "created_at"):
            if (user_id, key) in wanted:
                found[(user_id, key)] = (pk, created_at)
    return found


# --- preferences ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preference:
    delivery: Delivery
    muted: frozenset[NotificationKind]
    last_digest_on: datetime.date | None


_DEFAULT = Preference(Delivery(NotificationPreference._meta.get_field("delivery").default), frozenset(), None)


def preference_for(user_id: int) -> Preference:
    row = NotificationPreference.objects.filter(user_id=user_id).first()
    return _preference(row)


def _preference(row: NotificationPreference | None) -> Preference:
    if row is None:
        return _DEFAULT
    muted = frozenset(NotificationKind(k) for k in (row.muted_kinds or []) if k in NotificationKind._value2member_map_)
    return Preference(Delivery(row.delivery), muted, row.last_digest_on)


def save_preference(user_id: int, delivery: Delivery, muted: Iterable[NotificationKind]) -> None:
    """Set how a person hears of their notifications (their own choice: no audit trail needed)."""
    kinds = sorted({NotificationKind(k).value for k in muted})
    NotificationPreference.objects.update_or_create(user_id=user_id,
                                                    defaults={"delivery": Delivery(delivery).value,
                                                              "muted_kinds": kinds})


# --- the list ---------------------------------------------------------------------------------

def unread_count(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def mark_read(user_id: int, notification_id: int) -> bool:
    """Mark one of the person's own notifications read; False when it is not theirs (or gone)."""
    return bool(Notification.objects.filter(pk=notification_id, user_id=user_id, read_at__isnull=True)
                .update(read_at=clock.now())) or Notification.objects.filter(pk=notification_id,
                                                                             user_id=user_id).exists()


def mark_all_read(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=clock.now())


# --- e-mail -----------------------------------------------------------------------------------

def _site_url() -> str:
    return getattr(settings, "BEACON_SITE_URL", "").rstrip("/")


def absolute(path: str) -> str:
    if not path or "://" in path:
        return path
    return _site_url() + path


def _page(name: str) -> str:
    """A page of the web application, absolute ("" when the web application is not installed)."""
    path = page_path(name)
    return absolute(path) if path else ""


def _message(row: Notification) -> rules.Message:
    return rules.Message(kind=NotificationKind(row.kind), subject=row.subject, body=row.body,
                         url=absolute(row.url), due=row.due)


def _claim(pks: list[int], at: datetime.datetime) -> list[int]:
    """The notifications this process may e-mail: those whose ``emailed_at`` it set from empty."""
    claimed = []
    for pk in pks:
        if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=at):
            claimed.append(pk)
    return claimed


def _unclaim(pks: list[int]) -> None:
    Notification.objects.filter(pk__in=pks).update(emailed_at=None)


def send_pending_immediate(ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """E-mail, one message each, the notifications not e-mailed yet of people who want them at
    once (with an address, kind not muted); ``ids`` limits it to those. Returns e-mails sent."""
    today = today or clock.today()
    User = get_user_model()
    rows = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True).exclude(user__email="")
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    immediate_users = NotificationPreference.objects.filter(delivery=Delivery.IMMEDIATE.value)
    rows = rows.filter(user_id__in=immediate_users.values("user_id"), user__is_active=True)
    rows = list(rows.order_by("pk"))
    if not rows:
        return 0
    prefs = {p.user_id: _preference(p) for p in NotificationPreference.objects.filter(
        user_id__in={r.user_id for r in rows})}
    emails = dict(User.objects.filter(pk__in=prefs).values_list("pk", "email"))
    sent = 0
    connection = get_connection()
    for row in rows:
        pref = prefs.get(row.user_id, _DEFAULT)
        if pref.delivery != Delivery.IMMEDIATE or NotificationKind(row.kind) in pref.muted:
            continue
        if not _claim([row.pk], clock.now()):
            continue  # another process sent it
        subject, body = rules.immediate_email(_message(row), today, _page("web:notification_preferences"))
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [emails[row.user_id]],
                         connection=connection).send()
        except Exception:  # the mail server refused or is down: try again on the next run
            log.exception("notification %s: the e-mail was not sent", row.pk)
            _unclaim([row.pk])
            continue
        sent += 1
    return sent


def send_digests(today: datetime.date | None = None) -> int:
    """Send each person who chose the daily digest (the default) one e-mail listing their
    notifications not yet e-mailed nor read on the notifications page (kinds muted left out), at
    most once a day. Returns digests sent."""
    today = today or clock.today()
    User = get_user_model()
    pending = (Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True, user__is_active=True)
               .exclude(user__email=""))
    not_digest = NotificationPreference.objects.exclude(delivery=Delivery.DAILY_DIGEST.value).values("user_id")
    user_ids = sorted(set(pending.exclude(user_id__in=not_digest).values_list("user_id", flat=True)))
    sent = 0
    for user_id in user_ids:
        pref_row, _ = NotificationPreference.objects.get_or_create(user_id=user_id)
        pref = _preference(pref_row)
        if pref.delivery != Delivery.DAILY_DIGEST:
            continue
        rows = [r for r in Notification.objects.filter(user_id=user_id, emailed_at__isnull=True,
                                                       read_at__isnull=True).order_by("pk")
                if NotificationKind(r.kind) not in pref.muted]
        if not rows:
            continue
        # claim today's digest: only the process that moves last_digest_on to today sends it
        previous = pref_row.last_digest_on
        claimed = (NotificationPreference.objects.filter(pk=pref_row.pk)
                   .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
                   .update(last_digest_on=today))
        if not claimed:
            continue
        # today's digest is this process's alone: claim its rows in one UPDATE (a row an
        # immediate sender took meanwhile, after a change of preference, is left out)
        stamp = clock.now()
        Notification.objects.filter(pk__in=[r.pk for r in rows], emailed_at__isnull=True).update(emailed_at=stamp)
        pks = set(Notification.objects.filter(pk__in=[r.pk for r in rows], emailed_at=stamp)
                  .values_list("pk", flat=True))
        rows = [r for r in rows if r.pk in pks]
        pks = list(pks)
        if not rows:
            NotificationPreference.objects.filter(pk=pref_row.pk).update(last_digest_on=previous)
            continue
        subject, body = rules.digest_email([_message(r) for r in rows], today, _page("web:notifications"),
                                           _page("web:notification_preferences"))
        email = User.objects.filter(pk=user_id).values_list("email", flat=True).first()
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]).send()
        except Exception:
            log.exception("user %s: the digest was not sent", user_id)
            _unclaim(pks)
            NotificationPreference.objects.filter(pk=pref_row.pk).update(last_digest_on=previous)
            continue
        sent += 1
    return sent


# --- the daily run ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RunSummary:
    today: datetime.date
    new: int
    immediate: int
    digests: int
    by_source: tuple[tuple[str, int], ...]

    def words(self) -> str:
        parts = ", ".join(f"{name} {count}" for name, count in self.by_source) or "no sources"
        return (f"Reminders for {self.today.isoformat()}: {self.new} new notification"
                f"{'s' if self.new != 1 else ''} ({parts}); {self.immediate} e-mail"
                f"{'s' if self.immediate != 1 else ''} sent at once, {self.digests} digest"
                f"{'s' if self.digests != 1 else ''}.")


def run_reminders(today: datetime.date | None = None) -> int:
    """Gather every source's notices for ``today``, notify them, send the daily digests due;
    returns how many notifications were new."""
    return run_reminders_summary(today).new


def run_reminders_summary(today: datetime.date | None = None, progress: jobs.Progress | None = None) -> RunSummary:
    """:func:`run_reminders`, saying what it did (and reporting its steps to a job's ``progress``)."""
    today = today or clock.today()
    names = sorted(_SOURCES)
    if progress is not None:
        progress.total(len(names) + 2)
    total = 0
    by_source = []
    for name in names:
        new = notify(list(_SOURCES[name](today)))
        by_source.append((name, new))
        total += new
        if progress is not None:
            progress.step(f"{name}: {new} new")
    immediate = send_pending_immediate(today=today)
    if progress is not None:
        progress.step(f"{immediate} e-mails sent at once")
    digests = send_digests(today)
    if progress is not None:
        progress.step(f"{digests} digests sent")
    return RunSummary(today, total, immediate, digests, tuple(by_source))


# --- the daily job ----------------------------------------------------------------------------

SEND_REMINDERS = "send-reminders"
_SCHEDULE_LOCK = "send-reminders schedule"
_started_on: datetime.date | None = None  # this process has started (or found) today's job


def reminders_key(day: datetime.date) -> str:
    """The job's key: one run a day, whichever worker starts it."""
    return f"{SEND_REMINDERS}:{day.isoformat()}"


def reminders_at() -> datetime.time | None:
    """``BEACON_REMINDERS_AT`` (``07:00``, council time) as a time; None when it is empty or
    ``off`` (no worker starts the daily run; ``beacon remind`` still does)."""
    text = str(getattr(settings, "BEACON_REMINDERS_AT", "07:00") or "").strip()
    if not text or text.lower() in ("off", "none", "never"):
        return None
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"BEACON_REMINDERS_AT must be a time such as 07:00 (got {text!r})") from None


@jobs.job(SEND_REMINDERS, "Send the reminders for {date}")
def send_reminders_job(progress: jobs.Progress, *, date: str) -> JobResult:
    """The daily run as a job (started by the worker loop or ``beacon remind``)."""
    summary = run_reminders_summary(datetime.date.fromisoformat(date), progress)
    return JobResult(summary.words(), url="")


def start_daily_reminders() -> jobs.JobView | None:
    """Start today's ``send-reminders`` job when ``BEACON_REMINDERS_AT`` has passed and no job
    of today's key exists (whatever its state): called by every worker's loop; one query a day per
    worker once started, none before the time. Returns the job started (None: not now, or done)."""
    global _started_on
    at = reminders_at()
    if at is None:
        return None
    local = clock.local_now()
    today = local.date()
    if _started_on == today or local.time().replace(tzinfo=None) < at:
        return None
    key = reminders_key(today)
    with transaction.atomic():
        named_lock(_SCHEDULE_LOCK, timeout=30)  # two workers at once: the second finds the first's job
        if Job.objects.filter(key=key).exists():
            _started_on = today
            return None
        view = jobs.start(SEND_REMINDERS, by="beacon worker", key=key, date=today.isoformat())
    _started_on = today
    log.info("started the reminders for %s (job %s)", today.isoformat(), view.id)
    return view


jobs.schedule(SEND_REMINDERS, start_daily_reminders)
