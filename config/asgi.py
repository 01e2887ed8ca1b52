"""ASGI entry point: HTTP through Django (static files via servestatic), websockets through Channels."""
import os

# One BLAS/OpenMP thread per worker process, set before numpy loads. Parallelism comes from the worker processes;
# a second BLAS thread only spins after every call (OpenBLAS keeps its idle threads busy-waiting for a while), and
# with a chat turn's ranking every few milliseconds it never stops: about a quarter of a worker's CPU went to it
# (docs/benchmarks.md). A value set in the environment wins.
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

from django.core.asgi import get_asgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from assistant.routing import websocket_urlpatterns  # noqa: E402
from config.ws_origin import SameOriginValidator  # noqa: E402

if settings.ASSISTANT_WARM_ON_START:
    from assistant.services import assistant_warm_in_background

    assistant_warm_in_background()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
