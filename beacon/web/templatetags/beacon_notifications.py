"""The header's "Notifications (n unread)" link: one COUNT query, for signed-in people only,
made once per request however often the template asks."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from beacon.core.notifications import unread_count
from beacon.domain.notifications import unread_words

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_link(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = getattr(request, "_beacon_unread", None)
    if count is None:
        count = request._beacon_unread = unread_count(user.pk)
    return format_html('<a class="govuk-header__link beacon-account__notifications" href="{}">{}</a>',
                       reverse("web:notifications"), unread_words(count))
