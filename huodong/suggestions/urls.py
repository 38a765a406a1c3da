from huodong.suggestions.views.pool import urlpatterns as pool_urlpatterns

app_name = "suggestions"

urlpatterns = [*pool_urlpatterns]
