"""Views of the questionnaires: answering."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
# Under /s/: the short public link a QR code carries.
public_urlpatterns: list[URLPattern] = []
