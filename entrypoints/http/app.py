"""The Litestar application: API under /api/v1, OpenAPI at /docs, problem+json errors, metrics."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from entrypoints.container import Container
from entrypoints.embedded import lifespans
from entrypoints.http.auth import bearer_auth
from entrypoints.http.controllers.auth import AuthController, MeController
from entrypoints.http.controllers.credits import CreditsController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.tasks import SharedController, TasksController
from entrypoints.http.errors import EXCEPTION_HANDLERS

JSON_BODY_LIMIT = 1024 * 1024


def create_app(container: Container) -> Litestar:
    settings = container.settings()
    api = Router(
        path="/api/v1",
        route_handlers=[AuthController, MeController, CreditsController, SharedController],
        middleware=[bearer_auth],
        security=[{"bearer": []}],
    )
    # Only the task routes take uploads (no other route there has a body); the limit is enforced while streaming.
    uploads = Router(
        path="/api/v1",
        route_handlers=[TasksController],
        middleware=[bearer_auth],
        security=[{"bearer": []}],
        request_max_body_size=settings.max_upload_bytes,
    )
    return Litestar(
        route_handlers=[api, uploads, HealthController],
        state=State({"container": container}),
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespans(container),
        request_max_body_size=JSON_BODY_LIMIT,
        openapi_config=OpenAPIConfig(
            title="Pixelmill",
            version="1.0.0",
            description="Asynchronous image processing with credit billing.",
            path="/docs",
            render_plugins=[SwaggerRenderPlugin(path="/"), ScalarRenderPlugin(path="/scalar")],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
        ),
    )
