"""The governance pages' addresses (meetings): included by :mod:`beacon.web.urls`.

The public side (issue 12, item 6): the bodies and their calendars, a meeting, a person, the
decisions, a body's iCalendar feed, the dispatched packs and the open data
(:mod:`beacon.web.views.meetings`). Fixed words (``bodies``, ``open-data``) come before a
meeting's key."""

from django.urls import path

from .views import meetings

urlpatterns: list = [
    path("meetings/", meetings.index, name="meetings"),
    path("meetings/open-data/", meetings.open_data, name="meetings_open_data"),
    path("meetings/open-data/<str:name>.<str:fmt>", meetings.open_data_file, name="meetings_open_data_file"),
    path("meetings/bodies/<str:code>/", meetings.body_meetings, name="body_meetings"),
    path("meetings/bodies/<str:code>/calendar.ics", meetings.body_ical, name="body_ical"),
    path("meetings/<str:key>/", meetings.meeting, name="meeting"),
    path("meetings/<str:key>/pack-v<int:version>-<str:audience>.<str:fmt>", meetings.pack_file, name="pack_file"),
    path("people/<str:key>/", meetings.person, name="person"),
    path("decisions/", meetings.decisions, name="decisions"),
]
