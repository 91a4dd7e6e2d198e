"""The web app: a versioned JSON API and Arabic-first HTML pages over one
``SearchService``. Imports ``search`` only; ``create_app(settings)`` builds it."""

from web.app import create_app

__all__ = ["create_app"]
