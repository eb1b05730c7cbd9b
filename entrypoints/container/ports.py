"""The ports every concern shares, each bound to its adapter by the settings: clock and ids, the database, Redis,
storage, the pixel processes, the broker and its queues, security and mail."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from dependency_injector import containers, providers

from adapters.mail.outbox import OutboxDirectoryMailer
from adapters.mail.smtp import SmtpMailer
from adapters.memory.account_cache import UncachedAccounts
from adapters.pillow.process_pool import ProcessPixelRunner, stopping
from adapters.pillow.processor import PillowImageProcessor
from adapters.prometheus.metrics import PrometheusMetrics
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.ratelimit.redis import RedisRateLimiter
from adapters.redis.account_cache import RedisVersionedAccounts
from adapters.redis.client import closing, redis_client
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.secrets import HmacSecretMinter
from adapters.security.tokens import JwtTokenIssuer
from adapters.sqlalchemy.engine import create_engine, disposing
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork, statement_engine
from adapters.storage.factory import local_storage, s3_storage
from adapters.storage.s3 import S3Options
from adapters.system import RandomIds, SystemClock
from adapters.taskiq.brokers import in_process_broker, redis_stream_broker
from adapters.taskiq.mail_queue import TaskiqMailQueue
from adapters.taskiq.queue import TaskiqTaskQueue
from application.memory_admission import MemoryAdmission
from domain.memory_budget import pixel_memory
from entrypoints.jobs import register_jobs
from entrypoints.settings import Settings


def _embedded_jobs(settings: providers.Provider[Settings]) -> providers.Provider[int]:
    # The in-process broker runs processing, sweeps and reconciliations side by side.
    return providers.Callable(lambda concurrency: concurrency * 4, settings.provided.worker_concurrency)


def _rate_limit_prefix(queue_name: str) -> str:
    return f"{queue_name}:rl"


def _accounts_prefix(queue_name: str) -> str:
    return f"{queue_name}:accounts"


def _outbox(var_dir: str) -> Path:
    return Path(var_dir) / "outbox"


class Ports(containers.DeclarativeContainer):
    """Every port bound to its adapter by the settings; tests override a provider (uow, storage, queue, clock ...)."""

    __self__ = providers.Self()
    settings = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(RandomIds)
    metrics = providers.Singleton(PrometheusMetrics)
    engine = providers.Singleton(create_engine, settings.provided.database_url)
    uow = providers.Factory(SqlUnitOfWork, engine, providers.Singleton(statement_engine, engine))
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
    # The accounts requests act for, cached per process a few seconds and invalidated through Redis; without
    # Redis (embedded) another process (the CLI) could not invalidate the cache, so every request reads the store.
    account_cache = providers.Selector(
        settings.provided.broker_kind,
        memory=providers.Singleton(UncachedAccounts),
        redis=providers.Singleton(
            RedisVersionedAccounts, redis, prefix=providers.Callable(_accounts_prefix, settings.provided.queue_name)
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
    secrets = providers.Singleton(HmacSecretMinter, settings.provided.jwt_secret)
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
