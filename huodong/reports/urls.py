from django.urls import include, path

app_name = "reports"
urlpatterns = [
    path("", include("huodong.reports.dashboard_urls")),
    path("", include("huodong.reports.document_urls")),
]
