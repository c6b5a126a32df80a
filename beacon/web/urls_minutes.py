"""The governance pages' addresses (minutes): included by :mod:`beacon.web.urls`, before the
meetings' own (so ``/meetings/<key>/minutes/...`` is matched here)."""

from django.urls import path

from .views import minutes

urlpatterns: list = [
    path("meetings/<str:key>/minutes/", minutes.read, name="minutes"),
    path("meetings/<str:key>/minutes/edit/", minutes.edit, name="minutes_edit"),
    path("meetings/<str:key>/minutes/attendance/", minutes.attendance, name="minutes_attendance"),
    path("meetings/<str:key>/minutes/declarations/", minutes.declaration, name="minutes_declaration"),
    path("meetings/<str:key>/minutes/declarations/<int:pk>/remove/", minutes.declaration_remove,
         name="minutes_declaration_remove"),
    path("meetings/<str:key>/minutes/place/", minutes.place, name="minutes_place"),
    path("meetings/<str:key>/minutes/approve/", minutes.approve, name="minutes_approve"),
    path("meetings/<str:key>/minutes/note/", minutes.note, name="minutes_note"),
    path("meetings/<str:key>/minutes/motions/<str:motion_key>/remove/", minutes.motion_remove, name="minutes_motion_remove"),
    path("meetings/<str:key>/minutes/<int:number>/", minutes.minute, name="minute_edit"),
    path("meetings/<str:key>/minutes/<int:number>/remove/", minutes.minute_remove, name="minute_remove"),
]
