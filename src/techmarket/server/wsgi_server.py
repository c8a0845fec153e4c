"""gunicorn, started in this process through its Python API (no shell, no PATH lookup)."""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication

# Collections of the young generation every 100,000 allocations instead of Python's 700: a
# page allocates many short-lived objects and reference counting frees nearly all of them
# (docs/performance.md, "Garbage collection").
GC_THRESHOLDS = (100_000, 50, 100)


def load_before_forking() -> None:
    """What each worker's first requests would otherwise load, loaded once in the master:
    the URL map (importing every view and building the API's schemas, about 1.5 s of CPU a
    worker, all inside the first request it answered) and the region codes (a CSV)."""
    from django.urls import get_resolver

    from techmarket.codes.regions import get_region

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf
    get_region("110000")


def settle_before_forking() -> None:
    """Everything loaded so far (Django, the URL map, the models, the code of the templates)
    lives as long as the server: frozen out of the garbage collector's passes, which walked it
    again and again in every worker (about a third of a page's CPU), and collections less often.
    The workers forked next inherit both."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def default_workers() -> int:
    """Two worker processes per core this process may run on, and never fewer than two."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, 2 * cores)


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    # One thread: gunicorn's sync worker, which accepts a connection only when it is free, so
    # waiting requests queue in the kernel and go to whichever worker frees first. With threads,
    # a worker keeps its keep-alive connections, and one that got more of them answered them
    # slower: p95 2–3× the median under 16 clients (docs/performance.md, "Workers").
    threads: int = 1
    # Certificates and reports are rendered in the request; give them time.
    timeout: int = 120

    @property
    def bind(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.bind}/"

    def gunicorn_settings(self) -> dict[str, Any]:
        return {
            "bind": self.bind,
            "workers": self.workers,
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "threads": self.threads,
            "timeout": self.timeout,
            # Load Django once in the master so a broken configuration fails before forking.
            "preload_app": True,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "techmarket",
            # No control socket: nothing here drives it, and its default path is shared by
            # every gunicorn of the same user.
            "control_socket_disable": True,
        }


class _Server(BaseApplication):
    def __init__(self, application: Any, settings: dict[str, Any]) -> None:
        self._application = application
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._application


def run(options: ServerOptions) -> None:
    """Serve the Django application until interrupted (SIGINT or SIGTERM)."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    application = get_wsgi_application()
    load_before_forking()
    # Forked workers must not share the master's database connections.
    connections.close_all()
    settle_before_forking()
    _Server(application, options.gunicorn_settings()).run()
