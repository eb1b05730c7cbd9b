"""The composition root: every port bound to an adapter, every use case built from them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.mail.outbox import OutboxDirectoryMailer
from adapters.mail.smtp import SmtpMailer
from adapters.pillow.process_pool import ProcessPixelRunner, stopping
from adapters.pillow.processor import PillowImageProcessor
from application.memory_admission import MemoryAdmission
from adapters.prometheus.metrics import PrometheusMetrics
from adapters.razorpay.gateway import RazorpayGateway
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.ratelimit.redis import RedisRateLimiter
from adapters.redis.client import closing, redis_client
from adapters.sandbox.gateway import SandboxGateway
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.secrets import HmacSecretMinter
from adapters.security.tokens import JwtTokenIssuer
from adapters.sqlalchemy.engine import create_engine, disposing
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork, statement_sessions
from adapters.storage.factory import local_storage, s3_storage
from adapters.storage.s3 import S3Options
from adapters.system import RandomIds, SystemClock
from adapters.taskiq.brokers import in_process_broker, redis_stream_broker
from adapters.taskiq.mail_queue import TaskiqMailQueue
from adapters.taskiq.queue import DELIVER_WEBHOOK, TaskiqTaskQueue
from adapters.webhooks.guard import AddressGuard
from adapters.webhooks.sender import HttpxWebhookSender
from application.use_cases.account import GetBalance, GetMe, ListLedger
from application.use_cases.api_keys import CreateApiKey, ListApiKeys, RevokeApiKey
from application.use_cases.accounts.change_credentials import ChangeEmail, ChangePassword
from application.use_cases.accounts.delete_account import DeleteAccount
from application.use_cases.accounts.ensure_active import EnsureActive
from application.use_cases.accounts.export_account import ExportAccount
from application.use_cases.accounts.links import AccountLinks
from application.use_cases.accounts.password_reset import ConfirmPasswordReset, RequestPasswordReset
from application.use_cases.accounts.send_account_mail import SendAccountMail
from application.use_cases.accounts.verify_email import ResendVerification, VerifyEmail
from application.use_cases.admin.audit import ListAudit
from application.use_cases.admin.credits import AdjustCredits
from application.use_cases.admin.refund_order import RefundOrder
from application.use_cases.admin.require_admin import RequireAdmin
from application.use_cases.admin.users import FindUsers, GetUser, PromoteUser, SetAccountDisabled, UserEmails
from application.use_cases.authenticate import Authenticate
from application.use_cases.billing.capture_credits import CaptureCredits
from application.use_cases.check_readiness import CheckReadiness
from application.use_cases.billing.create_order import CreateOrder
from application.use_cases.billing.handle_webhook import HandleWebhook
from application.use_cases.billing.plans import AddPlan, DisablePlan, ListPlans
from application.use_cases.billing.read_orders import GetCheckoutOrder, GetOrder, ListOrders
from application.use_cases.billing.reconcile_orders import ReconcileOrders
from application.use_cases.billing.reconcile_refunds import ReconcileRefunds
from application.use_cases.billing.reverse_purchase import ReversePurchase
from application.use_cases.billing.verify_checkout import VerifyCheckout
from application.use_cases.grant_credits import GrantCredits
from application.use_cases.log_in import LogIn
from application.use_cases.log_out import LogOut
from application.use_cases.process_task import ProcessTask
from application.use_cases.read_tasks import GetTask, ListTasks, QueueDepth, TaskEvents
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.resolve_bearer import ResolveBearer
from application.use_cases.session_tokens import SessionTokens
from application.use_cases.retention import PurgeExpiredImages
from application.use_cases.sign_up import SignUp
from application.use_cases.submit_batch import SubmitBatch
from application.use_cases.submit_task import SubmitTask
from application.use_cases.sweep import Sweep
from application.use_cases.webhooks.deliver import DeliverWebhook, DispatchWebhooks
from application.use_cases.webhooks.endpoints import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    ListDeliveries,
    ListWebhookEndpoints,
)
from domain.outbound_webhooks import RetryPolicy
from application.use_cases.presets import CreatePreset, DeletePreset, GetPreset, ListPresets
from application.use_cases.share_links.list_share_links import ListShareLinks
from application.use_cases.share_links.open_shared_original import OpenSharedOriginal
from application.use_cases.share_links.open_shared_result import OpenSharedResult
from application.use_cases.share_links.read_shared import ReadShared
from application.use_cases.share_links.revoke_share_link import RevokeShareLink
from application.use_cases.share_links.share_result import ShareResult
from application.use_cases.task_files.delete_task import DeleteTask
from application.use_cases.task_files.get_preview import GetPreview
from application.use_cases.task_files.get_result import GetResult
from application.use_cases.task_files.get_source import GetSource
from domain.memory_budget import pixel_memory
from entrypoints.jobs import register_jobs
from entrypoints.settings import Settings


def _seconds(value: int) -> timedelta:
    return timedelta(seconds=value)


def _mail_origin(settings: Settings) -> str:
    # Mail is composed by a worker, away from any request: without PUBLIC_URL (development), serve's default address.
    return settings.public_url or "http://127.0.0.1:8000"


def _retention(days: int) -> timedelta | None:
    return timedelta(days=days) if days > 0 else None


def _bonus_at_verification(settings: Settings) -> int:
    return settings.signup_credits if settings.bonus_requires_verification else 0


def _retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        first=_seconds(settings.webhook_retry_first_seconds),
        cap=_seconds(settings.webhook_retry_max_seconds),
        window=_seconds(settings.webhook_retry_window_seconds),
        disable_after=settings.webhook_disable_after_failures,
    )


def _dispatch_hold(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.webhook_timeout_seconds * 3 + 30)


def _allow_http(settings: Settings) -> bool:
    return settings.env == "development"


def _embedded_jobs(settings: providers.Provider[Settings]) -> providers.Provider[int]:
    # The in-process broker runs processing, sweeps and reconciliations side by side.
    return providers.Callable(lambda concurrency: concurrency * 4, settings.provided.worker_concurrency)


def _rate_limit_prefix(queue_name: str) -> str:
    return f"{queue_name}:rl"


def _outbox(var_dir: str) -> Path:
    return Path(var_dir) / "outbox"


class Container(containers.DeclarativeContainer):
    """Every port bound to its adapter by the settings; tests override a provider (uow, storage, queue, clock ...)."""

    __self__ = providers.Self()
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)
    metrics = providers.Singleton(PrometheusMetrics)

    engine = providers.Singleton(create_engine, settings.provided.database_url)
    session_factory = providers.Singleton(async_sessionmaker, engine, expire_on_commit=False)
    uow = providers.Factory(SqlUnitOfWork, session_factory, providers.Singleton(statement_sessions, engine))
    # Redis beside the broker (the rate-limit counters); none in the embedded mode.
    redis = providers.Selector(
        settings.provided.broker_kind,
        memory=providers.Object(None),
        redis=providers.Singleton(redis_client, settings.provided.broker_url),
    )
    # Shared by every API process through Redis when there is one; keys under the queue name, like every key.
    rate_limiter = providers.Selector(
        settings.provided.broker_kind,
        memory=providers.Singleton(MemoryRateLimiter),
        redis=providers.Singleton(
            RedisRateLimiter, redis, prefix=providers.Callable(_rate_limit_prefix, settings.provided.queue_name)
        ),
    )

    s3_options = providers.Factory(
        S3Options,
        endpoint_url=settings.provided.s3_endpoint_url,
        region=settings.provided.s3_region,
        access_key_id=settings.provided.s3_access_key_id,
        secret_access_key=settings.provided.s3_secret_access_key,
    )
    storage = providers.Selector(
        settings.provided.storage_kind,
        file=providers.Singleton(local_storage, settings.provided.storage_url, providers.Callable(Path.cwd)),
        s3=providers.Singleton(s3_storage, settings.provided.storage_url, s3_options),
    )
    processor = providers.Singleton(PillowImageProcessor, settings.provided.max_image_pixels)
    make_processor = providers.Callable(partial, PillowImageProcessor, settings.provided.max_image_pixels)
    pixels = providers.Singleton(ProcessPixelRunner, make_processor, settings.provided.pixel_processes)
    image_memory = providers.Callable(pixel_memory, settings.provided.worker_memory_mb, settings.provided.pixel_processes)
    memory_admission = providers.Singleton(MemoryAdmission, image_memory)
    # The jobs are registered with this container, so they see its overrides.
    broker = providers.Singleton(
        register_jobs,
        providers.Selector(
            settings.provided.broker_kind,
            memory=providers.Factory(in_process_broker, max_async_tasks=_embedded_jobs(settings)),
            redis=providers.Factory(
                redis_stream_broker,
                settings.provided.broker_url,
                queue_name=settings.provided.queue_name,
                redelivery_seconds=settings.provided.queue_redelivery_seconds,
                concurrency=settings.provided.worker_concurrency,
            ),
        ),
        __self__,
    )
    queue = providers.Singleton(TaskiqTaskQueue, broker)
    # Closed in one place, `close_resources`; resources nothing depends on, so no provider turns async.
    engine_lifetime = providers.Resource(disposing, engine)
    redis_lifetime = providers.Resource(closing, redis)
    pixels_lifetime = providers.Resource(stopping, pixels)

    hasher = providers.Singleton(
        Argon2PasswordHasher,
        time_cost=settings.provided.argon2_time_cost,
        memory_cost=settings.provided.argon2_memory_cost,
        parallelism=settings.provided.argon2_parallelism,
    )
    tokens = providers.Singleton(JwtTokenIssuer, settings.provided.jwt_secret)
    session_tokens = providers.Singleton(
        SessionTokens,
        tokens,
        ids,
        access_ttl=providers.Callable(_seconds, settings.provided.access_token_seconds),
        refresh_ttl=providers.Callable(_seconds, settings.provided.refresh_token_seconds),
    )

    authenticate = providers.Singleton(Authenticate, tokens, clock)
    secrets = providers.Singleton(HmacSecretMinter, settings.provided.jwt_secret)
    resolve_bearer = providers.Factory(ResolveBearer, uow.provider, secrets, authenticate, clock)
    create_api_key = providers.Factory(CreateApiKey, uow.provider, secrets, clock, ids)
    list_api_keys = providers.Factory(ListApiKeys, uow.provider)
    revoke_api_key = providers.Factory(RevokeApiKey, uow.provider, clock)
    create_preset = providers.Factory(CreatePreset, uow.provider, clock, ids)
    list_presets = providers.Factory(ListPresets, uow.provider)
    get_preset = providers.Factory(GetPreset, uow.provider)
    delete_preset = providers.Factory(DeletePreset, uow.provider)
    mailer = providers.Selector(
        settings.provided.mailer_kind,
        smtp=providers.Singleton(
            SmtpMailer, settings.provided.smtp_url, settings.provided.mail_from, settings.provided.smtp_timeout_seconds
        ),
        outbox=providers.Singleton(
            OutboxDirectoryMailer, providers.Callable(_outbox, settings.provided.var_dir), settings.provided.mail_from
        ),
    )
    mail_queue = providers.Singleton(TaskiqMailQueue, broker)
    account_links = providers.Singleton(
        AccountLinks,
        tokens,
        ids,
        providers.Callable(_mail_origin, settings),
        reset_ttl=providers.Callable(_seconds, settings.provided.password_reset_token_seconds),
        verify_ttl=providers.Callable(_seconds, settings.provided.email_token_seconds),
    )
    send_account_mail = providers.Factory(SendAccountMail, uow.provider, account_links, mailer, clock)
    request_password_reset = providers.Factory(RequestPasswordReset, mail_queue)
    confirm_password_reset = providers.Factory(ConfirmPasswordReset, uow.provider, account_links, hasher, clock)
    verify_email = providers.Factory(
        VerifyEmail,
        uow.provider,
        account_links,
        clock,
        ids,
        bonus_at_verification=providers.Callable(_bonus_at_verification, settings),
    )
    resend_verification = providers.Factory(ResendVerification, uow.provider, mail_queue)
    change_password = providers.Factory(ChangePassword, uow.provider, hasher, clock)
    change_email = providers.Factory(ChangeEmail, uow.provider, hasher, mail_queue)
    ensure_active = providers.Factory(EnsureActive, uow.provider)
    purge_expired_images = providers.Factory(
        PurgeExpiredImages,
        uow.provider,
        storage,
        clock,
        retention=providers.Callable(_retention, settings.provided.result_retention_days),
    )
    export_account = providers.Factory(ExportAccount, uow.provider, storage)
    delete_account = providers.Factory(DeleteAccount, uow.provider, hasher, storage, clock)
    require_admin = providers.Factory(RequireAdmin, uow.provider)
    find_users = providers.Factory(FindUsers, uow.provider)
    get_user = providers.Factory(GetUser, uow.provider)
    user_emails = providers.Factory(UserEmails, uow.provider)
    promote_user = providers.Factory(PromoteUser, uow.provider, clock, ids)
    set_account_disabled = providers.Factory(SetAccountDisabled, uow.provider, clock, ids)
    adjust_credits = providers.Factory(AdjustCredits, uow.provider, clock, ids)
    refund_order = providers.Factory(RefundOrder, uow.provider, providers.Factory(ReversePurchase, clock, ids), clock, ids)
    list_audit = providers.Factory(ListAudit, uow.provider)

    target_guard = providers.Singleton(
        AddressGuard,
        allow_http=providers.Callable(_allow_http, settings),
        allow_private=settings.provided.webhook_allow_private_targets,
    )
    webhook_sender = providers.Singleton(HttpxWebhookSender, target_guard, settings.provided.webhook_timeout_seconds)
    delivery_queue = providers.Singleton(TaskiqTaskQueue, broker, task_name=DELIVER_WEBHOOK)
    create_webhook_endpoint = providers.Factory(CreateWebhookEndpoint, uow.provider, secrets, target_guard, clock, ids)
    list_webhook_endpoints = providers.Factory(ListWebhookEndpoints, uow.provider)
    delete_webhook_endpoint = providers.Factory(DeleteWebhookEndpoint, uow.provider)
    list_deliveries = providers.Factory(ListDeliveries, uow.provider)
    dispatch_webhooks = providers.Factory(
        DispatchWebhooks,
        uow.provider,
        delivery_queue,
        clock,
        # A claimed delivery whose job was lost is due again after the longest attempt and a margin.
        hold=providers.Callable(_dispatch_hold, settings),
    )
    deliver_webhook = providers.Factory(
        DeliverWebhook,
        uow.provider,
        webhook_sender,
        target_guard,
        clock,
        providers.Callable(_retry_policy, settings),
    )
    sign_up = providers.Factory(
        SignUp,
        uow.provider,
        hasher,
        clock,
        ids,
        signup_credits=settings.provided.signup_credits,
        mail=mail_queue,
        bonus_requires_verification=settings.provided.bonus_requires_verification,
    )
    log_in = providers.Singleton(LogIn, uow.provider, hasher, session_tokens, clock, ids)
    refresh_session = providers.Factory(RefreshSession, uow.provider, tokens, session_tokens, clock)
    log_out = providers.Factory(LogOut, uow.provider, clock)
    get_me = providers.Factory(GetMe, uow.provider)
    get_balance = providers.Factory(GetBalance, uow.provider)
    list_ledger = providers.Factory(ListLedger, uow.provider)
    grant_credits = providers.Factory(GrantCredits, uow.provider, clock, ids)

    submit_task = providers.Factory(
        SubmitTask,
        uow.provider,
        storage,
        queue,
        processor,
        clock,
        ids,
        metrics,
        cost=settings.provided.task_cost,
        max_pixels=settings.provided.max_image_pixels,
        memory_bytes=image_memory,
    )
    submit_batch = providers.Factory(
        SubmitBatch,
        uow.provider,
        storage,
        queue,
        processor,
        clock,
        ids,
        metrics,
        cost=settings.provided.task_cost,
        max_pixels=settings.provided.max_image_pixels,
        memory_bytes=image_memory,
    )
    process_task = providers.Factory(
        ProcessTask,
        uow.provider,
        storage,
        pixels,
        clock,
        ids,
        metrics,
        cost=settings.provided.task_cost,
        lease=providers.Callable(_seconds, settings.provided.task_lease_seconds),
        timeout_seconds=settings.provided.task_timeout_seconds,
        memory=memory_admission,
        max_attempts=settings.provided.task_max_attempts,
    )
    sweep = providers.Factory(
        Sweep,
        uow.provider,
        queue,
        clock,
        queued_after=providers.Callable(_seconds, settings.provided.sweep_queued_after_seconds),
    )
    get_task = providers.Factory(GetTask, uow.provider)
    check_readiness = providers.Factory(CheckReadiness, uow.provider, queue, storage)
    list_tasks = providers.Factory(ListTasks, uow.provider)
    task_events = providers.Factory(TaskEvents, uow.provider)
    queue_depth = providers.Factory(QueueDepth, uow.provider)
    get_source = providers.Factory(GetSource, uow.provider, storage)
    get_result = providers.Factory(GetResult, uow.provider, storage)
    get_preview = providers.Factory(GetPreview, uow.provider, storage)
    share_result = providers.Factory(
        ShareResult, uow.provider, clock, ttl=providers.Callable(_seconds, settings.provided.share_link_seconds)
    )
    list_share_links = providers.Factory(ListShareLinks, uow.provider, clock)
    revoke_share_link = providers.Factory(RevokeShareLink, uow.provider, clock)
    read_shared = providers.Factory(ReadShared, uow.provider, clock)
    open_shared_result = providers.Factory(OpenSharedResult, uow.provider, storage, clock)
    open_shared_original = providers.Factory(OpenSharedOriginal, uow.provider, storage, clock)
    delete_task = providers.Factory(DeleteTask, uow.provider, storage)

    payment_gateway = providers.Selector(
        settings.provided.payment_gateway,
        razorpay=providers.Singleton(
            RazorpayGateway,
            settings.provided.razorpay_key_id,
            settings.provided.razorpay_key_secret,
            settings.provided.webhook_secrets,
            settings.provided.razorpay_base_url,
            settings.provided.razorpay_timeout_seconds,
        ),
        # The sandbox's secrets derive from the JWT secret, so every process of a deployment signs alike.
        sandbox=providers.Singleton(SandboxGateway.keyed_by, settings.provided.jwt_secret),
    )
    list_plans = providers.Factory(ListPlans, uow.provider)
    add_plan = providers.Factory(AddPlan, uow.provider, clock, ids)
    disable_plan = providers.Factory(DisablePlan, uow.provider)
    create_order = providers.Factory(CreateOrder, uow.provider, payment_gateway, clock, ids)
    list_orders = providers.Factory(ListOrders, uow.provider)
    get_order = providers.Factory(GetOrder, uow.provider)
    checkout_order = providers.Factory(GetCheckoutOrder, uow.provider, payment_gateway)
    capture_credits = providers.Factory(CaptureCredits, uow.provider, clock, ids, metrics)
    verify_checkout = providers.Factory(VerifyCheckout, uow.provider, payment_gateway, capture_credits)
    handle_webhook = providers.Factory(
        HandleWebhook,
        uow.provider,
        payment_gateway,
        capture_credits,
        providers.Factory(ReversePurchase, clock, ids),
        clock,
        ids,
        metrics,
    )
    reconcile_orders = providers.Factory(
        ReconcileOrders,
        uow.provider,
        payment_gateway,
        capture_credits,
        clock,
        reconcile_after=providers.Callable(_seconds, settings.provided.order_reconcile_after_seconds),
        abandon_after=providers.Callable(_seconds, settings.provided.order_abandon_after_seconds),
        refunds=providers.Factory(
            ReconcileRefunds,
            uow.provider,
            payment_gateway,
            providers.Factory(ReversePurchase, clock, ids),
            clock,
            window=providers.Callable(_seconds, settings.provided.order_refund_check_seconds),
        ),
    )


def build_container(settings: Settings) -> Container:
    """The one place where ports meet adapters: every process and every test starts here."""
    return Container(settings=settings)


@asynccontextmanager
async def running(container: Container) -> AsyncIterator[Container]:
    """The container's resources opened, then closed however the block ends."""
    await open_resources(container)
    try:
        yield container
    finally:
        await close_resources(container)


async def open_resources(container: Container) -> None:
    await _awaited(container.init_resources())


async def close_resources(container: Container) -> None:
    """The one place that closes what a process opened: the engine's pool, the Redis client, the pixel processes."""
    await _awaited(container.shutdown_resources())


async def _awaited(result: object) -> None:
    if result is not None:
        await result  # type: ignore[misc]
