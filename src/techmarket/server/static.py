"""Static files for the production server: collected once at start, re-collected only when changed."""

from __future__ import annotations


def collect_static() -> None:
    """Copy the apps' static files into STATIC_ROOT under hashed, compressed names.

    Idempotent: files already there and unchanged are skipped, so a restart is quick.
    """
    from django.conf import settings
    from django.core.management import call_command

    if settings.DEBUG:
        return  # development serves the files straight from the apps (WHITENOISE_USE_FINDERS)
    call_command("collectstatic", interactive=False, verbosity=0)
