from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "huodong.publicity"
    verbose_name = _("Public column and publicity")
