"""/api/: the open API (v1, by django-ninja) and the office's integrations pages."""

from django.urls import path

from huodong.api import views
from huodong.api.v1 import api

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("integrations/", views.integration_list, name="integrations"),
    path("integrations/<int:integration_id>/", views.integration_detail, name="integration"),
    path(
        "integrations/<int:integration_id>/tokens/",
        views.integration_token_new,
        name="integration_token_new",
    ),
    path(
        "integrations/<int:integration_id>/tokens/<int:token_id>/revoke/",
        views.integration_token_revoke_view,
        name="integration_token_revoke",
    ),
    path(
        "integrations/<int:integration_id>/revoke/",
        views.integration_revoke_view,
        name="integration_revoke",
    ),
]
