from django.apps import AppConfig
from django.conf import settings


class Config(AppConfig):
    name = "techmarket.stats"
    label = "stats"
    verbose_name = "统计与计划"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Under a WSGI server other than `techmarket serve`, mark a refresh as wanted after each
        registry commit; run `techmarket stats refresh --watch` beside it to do the refreshing
        (the command line refreshes before it reads, so it does not need this)."""
        if getattr(settings, "STATS_REFRESH_AFTER_COMMIT", False):
            from techmarket.stats.refresher import refresh_after_registry_commits

            refresh_after_registry_commits()
