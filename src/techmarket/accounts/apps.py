from django.apps import AppConfig


class Config(AppConfig):
    name = "techmarket.accounts"
    label = "accounts"
    verbose_name = "账户与登记机构"
    default_auto_field = "django.db.models.BigAutoField"
