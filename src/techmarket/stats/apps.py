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
            from techmarket.registry.hooks import subscribe_after_audit_commit
            from techmarket.stats.refresher import request_refresh_after_commit

            subscribe_after_audit_commit(request_refresh_after_commit)
