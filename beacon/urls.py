from django.contrib import admin
from django.urls import include, path

from beacon.api.api import api

admin.site.site_header = "Beacon administration"
admin.site.site_title = "Beacon administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("beacon.web.urls")),
]
