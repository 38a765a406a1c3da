from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "huodong.engagement"
    verbose_name = _("Meetings, enterprise visits and online activities")

    def ready(self) -> None:
        from huodong.engagement import signals  # noqa: F401
