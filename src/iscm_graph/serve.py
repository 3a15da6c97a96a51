"""Running the app under gunicorn (a production WSGI server), configured from the settings."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, settings, options: dict):
        self.settings, self.options = settings, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .web import create_app
        return create_app(self.settings)


def serve(settings, host: str, port: int, workers: int) -> None:
    from .build import current_build

    from .web.state import open_store
    from .build import read_manifest

    path = current_build(settings)        # fail fast, with a clear message, when there is no build
    store = open_store(settings, path, read_manifest(path))
    if settings.store != "embedded":
        store.query("ASK {}")             # an unreachable external store is a start-up error
    _Server(settings, {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
                       "threads": 4, "accesslog": "-", "timeout": 60, "graceful_timeout": 5}).run()
