from django.urls import path

from huodong.reports.views import dashboard

urlpatterns = [
    path("<int:campaign_id>/dashboard/", dashboard.campaign_dashboard, name="dashboard"),
]
