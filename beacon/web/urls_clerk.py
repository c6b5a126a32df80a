"""The governance pages' addresses (clerk): included by :mod:`beacon.web.urls`."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
