"""/column/<office>/: the public column, without login."""

from django.urls import path

from huodong.publicity.feeds import ColumnFeed
from huodong.publicity.views import public

app_name = "column"
urlpatterns = [
    path("<int:office_id>/", public.home, name="home"),
    path("<int:office_id>/articles/", public.article_list, name="list"),
    path("<int:office_id>/articles/<int:article_id>/", public.article_detail, name="article"),
    path("<int:office_id>/articles/<int:article_id>/cover/", public.cover, name="cover"),
    path("<int:office_id>/attachments/<int:attachment_id>/", public.attachment, name="attachment"),
    path("<int:office_id>/feed.atom", ColumnFeed(), name="feed"),
]
