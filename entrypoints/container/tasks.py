"""Image tasks: presets, submission, processing, sweeps, retention, reading and the task's files."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers

from application.use_cases.check_readiness import CheckReadiness
from application.use_cases.presets import CreatePreset, DeletePreset, GetPreset, ListPresets
from application.use_cases.process_task import ProcessTask
from application.use_cases.read_tasks import GetTask, ListTasks, QueueDepth, TaskEvents
from application.use_cases.retention import PurgeExpiredImages
from application.use_cases.submit_batch import SubmitBatch
from application.use_cases.submit_task import SubmitTask
from application.use_cases.sweep import Sweep
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
from entrypoints.container.ports import Ports

# The shared ports under their names in the container.
settings = Ports.settings
clock = Ports.clock
ids = Ports.ids
metrics = Ports.metrics
uow = Ports.uow
storage = Ports.storage
processor = Ports.processor
pixels = Ports.pixels
image_memory = Ports.image_memory
memory_admission = Ports.memory_admission
queue = Ports.queue

# A single task and a batch are submitted through the same ports, within the same bounds.
_SUBMISSION = (uow.provider, storage, queue, processor, clock, ids, metrics)
_SUBMISSION_BOUNDS = {
    "cost": settings.provided.task_cost,
    "max_pixels": settings.provided.max_image_pixels,
    "memory_bytes": image_memory,
}


def _retention(days: int) -> timedelta | None:
    return timedelta(days=days) if days > 0 else None


class Tasks(Ports):
    """The use cases of image tasks."""

    create_preset = providers.Factory(CreatePreset, uow.provider, clock, ids)
    list_presets = providers.Factory(ListPresets, uow.provider)
    get_preset = providers.Factory(GetPreset, uow.provider)
    delete_preset = providers.Factory(DeletePreset, uow.provider)
    purge_expired_images = providers.Factory(
        PurgeExpiredImages,
        uow.provider,
        storage,
        clock,
        retention=providers.Callable(_retention, settings.provided.result_retention_days),
    )
    submit_task = providers.Factory(SubmitTask, *_SUBMISSION, **_SUBMISSION_BOUNDS)
    submit_batch = providers.Factory(SubmitBatch, *_SUBMISSION, **_SUBMISSION_BOUNDS)
    process_task = providers.Factory(
        ProcessTask,
        uow.provider,
        storage,
        pixels,
        clock,
        ids,
        metrics,
        cost=settings.provided.task_cost,
        lease=providers.Callable(timedelta, seconds=settings.provided.task_lease_seconds),
        timeout_seconds=settings.provided.task_timeout_seconds,
        memory=memory_admission,
        max_attempts=settings.provided.task_max_attempts,
    )
    sweep = providers.Factory(
        Sweep,
        uow.provider,
        queue,
        clock,
        queued_after=providers.Callable(timedelta, seconds=settings.provided.sweep_queued_after_seconds),
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
        ShareResult, uow.provider, clock, ttl=providers.Callable(timedelta, seconds=settings.provided.share_link_seconds)
    )
    list_share_links = providers.Factory(ListShareLinks, uow.provider, clock)
    revoke_share_link = providers.Factory(RevokeShareLink, uow.provider, clock)
    read_shared = providers.Factory(ReadShared, uow.provider, clock)
    open_shared_result = providers.Factory(OpenSharedResult, uow.provider, storage, clock)
    open_shared_original = providers.Factory(OpenSharedOriginal, uow.provider, storage, clock)
    delete_task = providers.Factory(DeleteTask, uow.provider, storage)
