from django.urls import path

from huodong.inspections import views

app_name = "inspections"
urlpatterns = [
    path("<int:campaign_id>/", views.inspection_list, name="inspections"),
    path("<int:campaign_id>/export.xlsx", views.inspection_export, name="inspection_export"),
    path("<int:campaign_id>/new/", views.inspection_create, name="inspection_new"),
    path("<int:campaign_id>/<int:inspection_id>/", views.inspection_detail, name="inspection"),
    path("<int:campaign_id>/notices/", views.notice_list, name="notices"),
    path("<int:campaign_id>/notices/export.xlsx", views.notice_export, name="notice_export"),
    path("<int:campaign_id>/notices/new/", views.notice_create, name="notice_new"),
    path("<int:campaign_id>/notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("<int:campaign_id>/notices/<int:notice_id>/edit/", views.notice_edit, name="notice_edit"),
    path(
        "<int:campaign_id>/notices/<int:notice_id>/publish/",
        views.notice_publish,
        name="notice_publish",
    ),
    path(
        "<int:campaign_id>/notices/<int:notice_id>/notice.docx",
        views.notice_docx,
        name="notice_docx",
    ),
    path("<int:campaign_id>/orders/", views.order_list, name="orders"),
    path("<int:campaign_id>/orders/export.xlsx", views.order_export, name="order_export"),
    path("<int:campaign_id>/orders/new/", views.order_create, name="order_new"),
    path("<int:campaign_id>/orders/<int:order_id>/", views.order_detail, name="order"),
    path(
        "<int:campaign_id>/orders/<int:order_id>/answer/", views.order_answer, name="order_answer"
    ),
    path(
        "<int:campaign_id>/orders/<int:order_id>/return/", views.order_return, name="order_return"
    ),
    path("<int:campaign_id>/orders/<int:order_id>/close/", views.order_close, name="order_close"),
    path(
        "<int:campaign_id>/orders/<int:order_id>/answers/<int:answer_id>/file",
        views.order_attachment,
        name="order_attachment",
    ),
    path("<int:campaign_id>/accountability/", views.ledger, name="ledger"),
    path("<int:campaign_id>/accountability/export.xlsx", views.ledger_export, name="ledger_export"),
    path("<int:campaign_id>/accountability/new/", views.ledger_create, name="ledger_new"),
]
