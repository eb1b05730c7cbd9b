"""The Litestar application: API under /api/v1, OpenAPI at /docs, problem+json errors, limits, metrics."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from entrypoints.container import Container
from entrypoints.embedded import lifespans
from entrypoints.http.auth import bearer_auth, scope_guard
from entrypoints.http.controllers.api_keys import ApiKeysController
from entrypoints.http.controllers.presets import PresetsController
from entrypoints.http.controllers.accounts import AccountAuthController, AccountMeController
from entrypoints.http.controllers.webhook_endpoints import WebhookEndpointsController
from entrypoints.http.controllers.admin import AdminController, admins_only
from entrypoints.http.controllers.auth import AuthController, MeController
from entrypoints.http.controllers.billing import OrdersController, PlansController, WebhooksController
from entrypoints.http.controllers.credits import CreditsController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.sandbox import sandbox_routes
from entrypoints.http.controllers.share_links import ShareLinksController, SharedController
from entrypoints.http.controllers.tasks import TasksController
from entrypoints.http.dashboard.error_pages import ErrorPages
from entrypoints.http.dashboard.router import dashboard_routers
from entrypoints.http.dashboard.session import Refresher, SessionServices
from entrypoints.http.dashboard.views import template_config
from entrypoints.http.dependencies import app_dependencies
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.form_hints import cache_form_type_hints
from entrypoints.http.metrics import MetricsController, prometheus_config
from entrypoints.http.rate_limits import LIMITER, rate_limit_middleware
from entrypoints.http.request_context import request_context, tag_response
from entrypoints.http.schemas.json_text import JsonTextSchemas
from entrypoints.http.security_headers import security_headers
from entrypoints.settings import Settings

JSON_BODY_LIMIT = 1024 * 1024


def create_app(container: Container) -> Litestar:
    cache_form_type_hints()
    settings: Settings = container.settings()
    api_middleware = [bearer_auth(container.resolve_bearer, container.ensure_active), *rate_limit_middleware(settings)]
    api = Router(
        path="/api/v1",
        route_handlers=[
            AuthController,
            MeController,
            AccountAuthController,
            AccountMeController,
            CreditsController,
            SharedController,
            ShareLinksController,
            PlansController,
            OrdersController,
            WebhooksController,
            ApiKeysController,
            PresetsController,
            WebhookEndpointsController,
        ],
        middleware=api_middleware,
        guards=[scope_guard],
        security=[{"bearer": []}],
    )
    # Only the task routes take uploads (no other route there has a body); the limit is enforced while streaming.
    uploads = Router(
        path="/api/v1",
        route_handlers=[TasksController],
        middleware=api_middleware,
        guards=[scope_guard],
        security=[{"bearer": []}],
        request_max_body_size=settings.max_upload_bytes,
    )
    # Without the scope guard: admins_only answers 404 to API keys too, so these routes look absent to all but admins.
    admin = Router(
        path="/api/v1",
        route_handlers=[AdminController],
        middleware=api_middleware,
        guards=[admins_only(container.require_admin)],
        security=[{"bearer": []}],
    )
    # Functions, not the providers themselves (see bearer_auth): each request gets fresh use cases and tests' overrides.
    session = SessionServices(
        authenticate=lambda: container.authenticate(),
        ensure_active=lambda: container.ensure_active(),
        refresher=Refresher(lambda: container.refresh_session()),  # one per app: routers share its recent rotations
        csrf_secret=settings.jwt_secret,
        cookie_seconds=settings.refresh_token_seconds,
    )
    pages = ErrorPages(
        authenticate=lambda: container.authenticate(),
        get_me=lambda: container.get_me(),
        csrf_secret=settings.jwt_secret,
        max_upload_bytes=settings.max_upload_bytes,
    )
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    return Litestar(
        route_handlers=[
            api, uploads, admin, HealthController, MetricsController, *dashboard_routers(settings, session, pages, lambda: container.require_admin()),
            *sandbox_routes(settings),
        ],
        template_config=template_config(),
        plugins=[JsonTextSchemas()],  # JSON text fields of forms documented as the JSON they hold
        dependencies=app_dependencies(container),  # every use case, typed, by its provider's name
        state=State({LIMITER: container.rate_limiter()}),
        # An unknown address, or a method a route lacks, is a page for a browser on a dashboard path.
        exception_handlers={  # type: ignore[arg-type]
            **EXCEPTION_HANDLERS, NotFoundException: pages.routing_error, MethodNotAllowedException: pages.routing_error
        },
        lifespan=lifespans(container),
        middleware=[request_context, prometheus_config.middleware],
        # Outside the exception handlers, so error answers get the headers and the access log line too.
        before_send=[security_headers, tag_response],
        logging_config=None,  # logging is configured once, as JSON (logging_setup.py); Litestar's would replace it
        cors_config=CORSConfig(allow_origins=origins, allow_credentials=False) if origins else None,
        request_max_body_size=JSON_BODY_LIMIT,
        openapi_config=OpenAPIConfig(
            title="Pixelmill",
            version="1.0.0",
            description="Asynchronous image processing with credit billing.",
            path="/docs",
            render_plugins=[
                SwaggerRenderPlugin(path="/"), ScalarRenderPlugin(path="/scalar"), RedocRenderPlugin(path="/redoc")
            ],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT or pxm_ API key")}
            ),
        ),
    )
