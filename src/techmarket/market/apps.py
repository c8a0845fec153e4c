from django.apps import AppConfig


class Config(AppConfig):
    name = "techmarket.market"
    label = "market"
    verbose_name = "供需对接"
    default_auto_field = "django.db.models.BigAutoField"
