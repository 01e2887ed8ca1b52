"""System check: the configured renderer backend must be allowed to serve a shop."""
from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.compatibility)
def check_renderer_backend(app_configs=None, **kwargs) -> list[Error]:
    from .backends import backend_class, backend_problem

    try:
        problem = backend_problem(backend_class())
    except ImproperlyConfigured as exc:
        problem = str(exc)
    if problem:
        return [Error(problem, hint="Use licensing.showcase.backends.LocalCompositorBackend or a commercially "
                                    "licensed model.", id="showcase.E001")]
    return []
