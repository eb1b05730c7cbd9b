"""One typed settings object, read once from PIXELMILL_* environment variables."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import msgspec

from adapters.mail.smtp import SmtpServer
from adapters.storage.factory import storage_scheme

log = logging.getLogger(__name__)

PREFIX = "PIXELMILL_"
MB = 1024 * 1024


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    env: Literal["development", "staging", "production"] = "development"
    var_dir: str = "var"
    database_url: str = "sqlite+aiosqlite:///var/pixelmill.db"
    broker_url: str = "memory://"
    queue_name: str = "pixelmill"
    storage_url: str = "file://var/blobs"
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    payment_gateway: Literal["sandbox", "razorpay"] = "sandbox"
    razorpay_key_id: str = ""
    razorpay_key_secret: str = ""
    razorpay_webhook_secret: str = ""
    # Comma-separated, newest first: Razorpay retries old events for 24 h with the secret they were signed with.
    razorpay_webhook_secrets: str = ""
    razorpay_base_url: str = "https://api.razorpay.com"
    razorpay_timeout_seconds: float = 10.0
    order_reconcile_after_seconds: int = 600
    order_abandon_after_seconds: int = 24 * 3600
    order_reconcile_interval_seconds: int = 300
    order_refund_check_seconds: int = 7 * 24 * 3600
    jwt_secret: str = ""
    # The origin of every absolute link; empty (development only) means the address the server listens on.
    public_url: str = ""

    signup_credits: int = 10
    task_cost: int = 1
    max_upload_bytes: int = 20 * MB
    max_image_pixels: int = 50_000_000
    access_token_seconds: int = 900
    refresh_token_seconds: int = 30 * 24 * 3600
    share_link_seconds: int = 7 * 24 * 3600

    task_lease_seconds: int = 60
    task_max_attempts: int = 3
    task_timeout_seconds: int = 120
    pixel_processes: int = 1
    worker_memory_mb: int = 384
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = 9464  # 0: no worker /metrics
    sweep_interval_seconds: int = 10
    sweep_queued_after_seconds: int = 60
    queue_redelivery_seconds: int = 120
    worker_concurrency: int = 4

    webhook_allow_private_targets: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_retry_first_seconds: int = 30
    webhook_retry_max_seconds: int = 3600
    webhook_retry_window_seconds: int = 24 * 3600
    webhook_disable_after_failures: int = 20
    webhook_dispatch_interval_seconds: int = 2

    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4

    rate_limit_auth: int = 10
    rate_limit_submit_burst: int = 10
    rate_limit_submit_sustained: int = 60
    rate_limit_account: int = 10
    rate_limit_reset_per_email: int = 5
    rate_limit_allowlist: str = ""
    cors_origins: str = ""
    log_level: str = "INFO"

    smtp_url: str = ""
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "Pixelmill <no-reply@pixelmill.invalid>"
    # None: true in production, false otherwise (the embedded start gives credits at once).
    signup_bonus_requires_verification: bool | None = None
    password_reset_token_seconds: int = 1800
    email_token_seconds: int = 24 * 3600
    result_retention_days: int = 0  # 0: images are kept until their task is deleted

    def __post_init__(self) -> None:
        # An unsupported URL stops the process when the settings are read, by name, not deep in a start-up.
        if self.broker_kind not in ("memory", "redis"):
            raise ValueError(f"unsupported PIXELMILL_BROKER_URL {self.broker_url!r}; use memory:// or redis://")
        try:
            storage_scheme(self.storage_url)
        except ValueError as exc:
            raise ValueError(f"PIXELMILL_STORAGE_URL: {exc}") from None
        if self.smtp_url:
            SmtpServer.from_url(self.smtp_url)  # its ValueError names PIXELMILL_SMTP_URL

    @property
    def broker_kind(self) -> str:
        """`memory` (in-process, embedded) or `redis`: the container's choice of broker."""
        if self.broker_url.startswith(("redis://", "rediss://")):
            return "redis"
        return self.broker_url.partition("://")[0]

    @property
    def storage_kind(self) -> str:
        """`file` or `s3`: the container's choice of blob storage."""
        return storage_scheme(self.storage_url)

    @property
    def mailer_kind(self) -> str:
        """`smtp` when PIXELMILL_SMTP_URL is set, else `outbox` (files under var/outbox): the container's choice."""
        return "smtp" if self.smtp_url else "outbox"

    @property
    def embedded(self) -> bool:
        """Everything in one process: the worker and sweeper run inside `serve`."""
        return self.broker_url.startswith("memory://")

    @property
    def webhook_secrets(self) -> tuple[str, ...]:
        """Every Razorpay webhook secret accepted, newest first, the single-secret setting last."""
        listed = [secret.strip() for secret in self.razorpay_webhook_secrets.split(",")]
        return tuple(dict.fromkeys(s for s in [*listed, self.razorpay_webhook_secret] if s))

    @property
    def deployed(self) -> bool:
        """Staging and production: both demand a real secret, shared services and a public URL."""
        return self.env != "development"

    @property
    def bonus_requires_verification(self) -> bool:
        if self.signup_bonus_requires_verification is None:
            return self.env == "production"
        return self.signup_bonus_requires_verification

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read PIXELMILL_* variables; a wrong value names its variable."""
    environ = dict(os.environ if environ is None else environ)
    # An empty variable (a line of .env.example left blank) means the default.
    raw = {
        name: environ[PREFIX + name.upper()]
        for name in Settings.__struct_fields__
        if environ.get(PREFIX + name.upper())
    }
    if "payment_gateway" not in raw and raw.get("env", "development") != "development":
        raw["payment_gateway"] = "razorpay"  # a deployment never falls back to the gateway that pays for free
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SystemExit(f"invalid setting: {exc} (variables are {PREFIX}<NAME>)") from None


def with_jwt_secret(settings: Settings) -> Settings:
    """Embedded mode keeps a generated secret in var/ so that sessions survive restarts."""
    if settings.jwt_secret:
        return settings
    path = Path(settings.var_dir) / "jwt_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
        log.warning("PIXELMILL_JWT_SECRET is not set: generated one into %s (set it in production)", path)
    return msgspec.structs.replace(settings, jwt_secret=path.read_text().strip())


def production_problems(settings: Settings) -> list[str]:
    """What stops a staging or production start, each naming the setting to fix."""
    problems = []
    if settings.env == "production" and settings.payment_gateway == "sandbox":
        problems.append(
            "PIXELMILL_PAYMENT_GATEWAY=sandbox is refused in production: its checkout pays any order for free "
            "(use razorpay, or PIXELMILL_ENV=staging)"
        )
    if not _is_origin(settings.public_url):
        problems.append("PIXELMILL_PUBLIC_URL must be the site's origin, like https://pixelmill.example.com")
    if len(settings.jwt_secret) < 32 or settings.jwt_secret in {"change-me", "changeme", "secret"}:
        problems.append("PIXELMILL_JWT_SECRET must be set to a random value of at least 32 characters")
    if not settings.database_url.startswith("postgresql"):
        problems.append("PIXELMILL_DATABASE_URL must point at PostgreSQL (postgresql+psycopg://...)")
    if not settings.broker_url.startswith(("redis://", "rediss://")):
        problems.append("PIXELMILL_BROKER_URL must point at Redis (redis://...)")
    if settings.queue_redelivery_seconds <= settings.task_lease_seconds:
        problems.append("PIXELMILL_QUEUE_REDELIVERY_SECONDS must be above PIXELMILL_TASK_LEASE_SECONDS")
    if not (settings.storage_url.startswith("s3://") or settings.storage_url.startswith("file:///")):
        problems.append("PIXELMILL_STORAGE_URL must be an absolute file:/// path or s3://bucket")
    if settings.payment_gateway == "razorpay" and not (
        settings.razorpay_key_id and settings.razorpay_key_secret and settings.webhook_secrets
    ):
        problems.append(
            "PIXELMILL_RAZORPAY_KEY_ID, _KEY_SECRET and _WEBHOOK_SECRETS (or _WEBHOOK_SECRET) are required with razorpay"
        )
    return problems


def _is_origin(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.path in ("", "/") and not parts.query
