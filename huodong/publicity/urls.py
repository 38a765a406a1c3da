"""/publicity/: the column's staff pages and the publicity log."""

from django.urls import path

from huodong.publicity.views import log, staff

app_name = "publicity"
urlpatterns = [
    path("", staff.article_list, name="list"),
    path("export.xlsx", staff.article_list_export, name="list_export"),
    path("new/", staff.article_create, name="create"),
    path("review/", staff.review_queue, name="review"),
    path("sources/", staff.sources, name="sources"),
    path(
        "sources/reflections/<int:reflection_id>/draft/",
        staff.draft_from_reflection,
        name="draft_from_reflection",
    ),
    path("sources/entries/<int:entry_id>/draft/", staff.draft_from_entry, name="draft_from_entry"),
    path("articles/<int:article_id>/", staff.article_detail, name="detail"),
    path("articles/<int:article_id>/edit/", staff.article_edit, name="edit"),
    path("articles/<int:article_id>/submit/", staff.article_submit, name="submit"),
    path("articles/<int:article_id>/publish/", staff.article_publish, name="publish"),
    path("articles/<int:article_id>/return/", staff.article_return, name="return"),
    path("articles/<int:article_id>/withdraw/", staff.article_withdraw, name="withdraw"),
    path("articles/<int:article_id>/delete/", staff.article_delete, name="delete"),
    path("articles/<int:article_id>/cover/", staff.cover, name="cover"),
    path("articles/<int:article_id>/attachments/", staff.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", staff.attachment_download, name="attachment"),
    path(
        "attachments/<int:attachment_id>/delete/",
        staff.attachment_delete,
        name="attachment_delete",
    ),
    path("articles/<int:article_id>/share/", staff.share_card, name="share"),
    path("articles/<int:article_id>/share.svg", staff.share_svg, name="share_svg"),
    path("campaigns/<int:campaign_id>/log/", log.log, name="log"),
    path("campaigns/<int:campaign_id>/log.xlsx", log.log_export, name="log_export"),
    path("campaigns/<int:campaign_id>/log/add/", log.placement_add, name="placement_add"),
    path("placements/<int:placement_id>/delete/", log.placement_delete, name="placement_delete"),
]
