"""The governance pages' addresses (clerk): included by :mod:`beacon.web.urls`, before the public
meeting pages, so that ``add``, ``cycle`` and ``papers`` are never read as a meeting's key
(:mod:`beacon.web.views.clerk`)."""

from django.urls import path

from .views import clerk

urlpatterns: list = [
    path("meetings/add/", clerk.meeting_add, name="meeting_add"),
    path("meetings/cycle/", clerk.cycle_page, name="cycle"),
    path("meetings/papers/create/", clerk.paper_create, name="paper_create"),
    path("meetings/<str:key>/manage/", clerk.meeting_manage, name="meeting_manage"),
    path("meetings/<str:key>/manage/items/<int:number>/", clerk.meeting_item, name="meeting_item"),
    path("meetings/<str:key>/manage/papers/<str:paper>/upload/", clerk.paper_upload, name="paper_upload"),
    path("meetings/<str:key>/manage/pack/", clerk.meeting_pack, name="meeting_pack"),
]
