"""/m/<key>/: a meeting's public page (registration and sign-in without a login)."""

from huodong.engagement.views import public

app_name = "engagement_public"

urlpatterns = [*public.public_urlpatterns]
