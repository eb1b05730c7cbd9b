"""forget_queue: a run's Redis keys gone with it."""

from __future__ import annotations


def forget_queue(redis_url: str, queue_name: str) -> None:
    """Delete the stream and every key the workers made under the queue's name."""
    import redis

    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=f"{queue_name}*"))
        if keys:
            client.delete(*keys)
