from django.urls import path

from huodong.originality import views

app_name = "originality"
urlpatterns = [
    path("documents/<int:document_id>/report/", views.report, name="report"),
    path("documents/<int:document_id>/check/", views.check_again, name="check_again"),
    path("library/", views.library, name="library"),
    path("library/<int:reference_id>/delete/", views.reference_delete, name="reference_delete"),
    path("rescans/", views.rescans, name="rescans"),
    path("c/<int:campaign_id>/settings/", views.campaign_settings, name="campaign_settings"),
]
