from django.apps import AppConfig


class Config(AppConfig):
    name = "techmarket.entities"
    label = "entities"
    verbose_name = "创新主体"
    default_auto_field = "django.db.models.BigAutoField"
