from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("huodong.core.urls")),
    path("org/", include("huodong.orgs.urls")),
    path("campaigns/", include("huodong.campaigns.urls")),
    path("inbox/", include("huodong.notifications.urls")),
    path("supervision/", include("huodong.supervision.urls")),
    path("inspections/", include("huodong.inspections.urls")),
    path("participation/", include("huodong.participation.urls")),
    path("originality/", include("huodong.originality.urls")),
    path("surveys/", include("huodong.surveys.urls")),
    path("s/", include("huodong.surveys.public_urls")),
    path("engagement/", include("huodong.engagement.urls")),
    path("m/", include("huodong.engagement.public_urls")),
    path("suggestions/", include("huodong.suggestions.urls")),
    path("outcomes/", include("huodong.suggestions.outcome_urls")),
    path("mailbox/", include("huodong.suggestions.public_urls")),
    path("contests/", include("huodong.contests.urls")),
    path("c/", include("huodong.contests.public_urls")),
    path("publicity/", include("huodong.publicity.urls")),
    path("column/", include("huodong.publicity.public_urls")),
    path("reports/", include("huodong.reports.urls")),
    path("api/", include("huodong.api.urls")),
]
if settings.HUODONG_BENCH_ENDPOINTS:  # the load test's bare insert endpoint (bench/rush.py)
    urlpatterns.append(path("bench/", include("huodong.core.bench_endpoint")))
