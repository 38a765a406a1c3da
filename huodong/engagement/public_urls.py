from django.urls import path  # noqa: F401

app_name = "engagement_public"

urlpatterns: list = []
