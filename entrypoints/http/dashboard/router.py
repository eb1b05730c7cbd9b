"""The dashboard's routers: pages on the cookie session with CSRF-checked forms, and its static assets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Router
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.static_files import create_static_files_router

from application.use_cases.admin.require_admin import RequireAdmin
from entrypoints.http.dashboard.admin_guard import admin_pages_only
from entrypoints.http.dashboard.controllers.account import AccountController
from entrypoints.http.dashboard.controllers.account_settings import AccountSettingsController
from entrypoints.http.dashboard.controllers.admin import AdminPagesController
from entrypoints.http.dashboard.controllers.api_keys import ApiKeysPageController
from entrypoints.http.dashboard.controllers.batch_upload import BatchUploadController
from entrypoints.http.dashboard.controllers.billing import BuyController
from entrypoints.http.dashboard.controllers.home import HomeController
from entrypoints.http.dashboard.controllers.ledger import LedgerController
from entrypoints.http.dashboard.controllers.mail_links import MailLinksController
from entrypoints.http.dashboard.controllers.presets import PresetsPageController
from entrypoints.http.dashboard.controllers.share_page import SharePageController
from entrypoints.http.dashboard.controllers.task_shares import TaskSharesController
from entrypoints.http.dashboard.controllers.tasks import TaskEventsController, TaskPagesController
from entrypoints.http.dashboard.controllers.webhooks import WebhooksPageController
from entrypoints.http.dashboard.csrf import verify_csrf
from entrypoints.http.dashboard.error_pages import ErrorPages
from entrypoints.http.dashboard.errors import exception_pages
from entrypoints.http.dashboard.session import DashboardSession, SessionServices, session_required
from entrypoints.http.dashboard.views import provide_viewer
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.rate_limits import rate_limit_middleware
from entrypoints.settings import Settings

STATIC = Path(__file__).parent / "static"
ASSETS_PATH = "/assets"


def dashboard_routers(
    settings: Settings, session: SessionServices, pages: ErrorPages, require_admin: Callable[[], RequireAdmin]
) -> list[Router]:
    """The routers, given by the app factory the session's services (one per app), the error pages and the admin check."""
    common: dict[str, Any] = {
        "path": "/",
        "middleware": [DefineMiddleware(DashboardSession, services=session), *rate_limit_middleware(settings)],
        "before_request": verify_csrf,
        "exception_handlers": exception_pages(pages),
        "dependencies": {"viewer": Provide(provide_viewer)},
        "include_in_schema": False,
    }
    return [
        # No login needed: the sign-in pages, mailed links, and a share link's public page.
        Router(route_handlers=[AccountController, MailLinksController, SharePageController], **common),
        Router(
            route_handlers=[
                TaskPagesController, TaskSharesController, TaskEventsController, LedgerController, BuyController,
                ApiKeysPageController,
            ],
            guards=[session_required],
            **common,
        ),
        Router(route_handlers=[WebhooksPageController, PresetsPageController], guards=[session_required], **common),
        Router(route_handlers=[AccountSettingsController], guards=[session_required], **common),
        Router(route_handlers=[AdminPagesController], guards=[admin_pages_only(require_admin)], **common),
        # Only the upload form takes a large body; the limit is enforced while streaming.
        Router(
            route_handlers=[HomeController],
            guards=[session_required],
            request_max_body_size=settings.max_upload_bytes,
            **common,
        ),
        # The script's batch upload: the same session, CSRF check and body limit, but problem+json answers.
        Router(
            route_handlers=[BatchUploadController],
            guards=[session_required],
            request_max_body_size=settings.max_upload_bytes,
            **{**common, "exception_handlers": EXCEPTION_HANDLERS},
        ),
        create_static_files_router(path=ASSETS_PATH, directories=[STATIC], include_in_schema=False),
    ]
