"""/surveys/: building, results and posters, for the office."""

from huodong.surveys.views import answering, building, results

app_name = "surveys"

urlpatterns = [*building.urlpatterns, *results.urlpatterns, *answering.urlpatterns]
