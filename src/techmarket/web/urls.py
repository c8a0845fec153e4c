"""Routes of the browser front end."""

from django.urls import path

from techmarket.registry.certificates import VERIFY_PATH
from techmarket.web import views

app_name = "web"

urlpatterns = [
    # The printed QR codes open this address: its path is fixed with the certificate.
    path(f"{VERIFY_PATH.strip('/')}/<str:code>", views.verify, name="verify"),
]
