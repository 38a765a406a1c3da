"""The report pages (工作简报, 活动总结), included by `reports.urls` under app_name "reports"."""

from django.urls import path

from huodong.reports.views import documents

urlpatterns = [
    path("<int:campaign_id>/documents/", documents.document_list, name="documents"),
    path("<int:campaign_id>/documents/new/", documents.document_create, name="document_create"),
    path("documents/<int:draft_id>/", documents.document_detail, name="document"),
    path("documents/<int:draft_id>/refresh/", documents.document_refresh, name="document_refresh"),
    path(
        "documents/<int:draft_id>/finalise/",
        documents.document_finalise,
        name="document_finalise",
    ),
    path("documents/<int:draft_id>/delete/", documents.document_delete, name="document_delete"),
    path("documents/<int:draft_id>/docx/", documents.document_docx, name="document_docx"),
]
