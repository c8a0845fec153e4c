from django.apps import AppConfig


class Config(AppConfig):
    name = "techmarket.registry"
    label = "registry"
    verbose_name = "技术合同登记"
    default_auto_field = "django.db.models.BigAutoField"
