"""The signed-in person's notifications (``/notifications/``: newest first, unread said in words,
"Mark as read" and "Mark all as read" as plain forms) and how they hear of them
(``/notifications/preferences/``). The records and the e-mails are
:mod:`beacon.core.notifications`'."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from beacon.core import clock
from beacon.core import notifications as notes
from beacon.core.models import Notification
from beacon.domain.notifications import Delivery, NotificationKind, when_words

from ..forms.notifications import MarkReadForm, PreferencesForm

PER_PAGE = 50


def _page_url(number: int) -> str:
    base = reverse("web:notifications")
    return base if number <= 1 else f"{base}?{urlencode({'page': number})}"


def _safe_path(url: str) -> str:
    """A notification's link, only when it is a path in Beacon (never another site)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


@login_required
def index(request):
    user = request.user
    if request.method == "POST":
        page = request.POST.get("page", "")
        back = _page_url(int(page)) if page.isdigit() else _page_url(1)
        if request.POST.get("action") == "read_all":
            count = notes.mark_all_read(user.pk)
            messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read."
                             if count else "There were no unread notifications.")
            return redirect(back)
        form = MarkReadForm(request.POST)
        if form.is_valid() and notes.mark_read(user.pk, form.cleaned_data["notification"]):
            messages.success(request, "The notification was marked as read.")
        else:
            messages.error(request, "That notification was not marked as read: it is not one of yours.")
        return redirect(back)
    rows = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    today = clock.today()
    items = [{
        "row": row,
        "kind": NotificationKind(row.kind).label if row.kind in NotificationKind._value2member_map_ else row.kind,
        "url": _safe_path(row.url),
        "due": when_words(row.due, today) if row.due else "",
        "created": clock.in_council_time(row.created_at),
    } for row in page.object_list]
    unread = notes.unread_count(user.pk)
    preference = notes.preference_for(user.pk)
    context = {
        "page": page,
        "items": items,
        "unread": unread,
        "total": paginator.count,
        "delivery": preference.delivery.label,
        "has_email": bool(user.email),
        "newer_url": _page_url(page.previous_page_number()) if page.has_previous() else "",
        "older_url": _page_url(page.next_page_number()) if page.has_next() else "",
    }
    return render(request, "web/notifications.html", context)


@login_required
def preferences(request):
    user = request.user
    current = notes.preference_for(user.pk)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            notes.save_preference(user.pk, Delivery(form.cleaned_data["delivery"]),
                                  [NotificationKind(k) for k in form.cleaned_data["muted"]])
            messages.success(request, "Your notification settings were saved.")
            return redirect("web:notification_preferences")
    else:
        form = PreferencesForm(initial={"delivery": current.delivery.value,
                                        "muted": sorted(k.value for k in current.muted)})
    # the radios' error links to the first radio ("delivery"), which Django's summary cannot name
    errors = {name: " ".join(form.errors[name]) for name in ("delivery", "muted") if name in form.errors}
    context = {"form": form, "errors": errors,
               "has_email": bool(user.email), "email": user.email}
    return render(request, "web/notification_preferences.html", context)
