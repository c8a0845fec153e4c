from django.apps import AppConfig


class WebConfig(AppConfig):
    """The browser front end: pages that call services and selectors, and hold no rules."""

    name = "techmarket.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"
