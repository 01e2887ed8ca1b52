from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ShowcaseConfig(AppConfig):
    """The showcase renderer (no models of its own): checks, management commands."""

    name = "licensing.showcase"
    label = "showcase"
    verbose_name = "Showcase renderer"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .backends import backend_class, backend_problem

        # Production refuses to start at all with a non-commercially licensed model.
        if not settings.SHOWCASE_ALLOW_NONCOMMERCIAL_BACKENDS:
            problem = backend_problem(backend_class())
            if problem:
                raise ImproperlyConfigured(problem)
