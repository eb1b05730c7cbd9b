"""The MailQueue port on a Taskiq broker: a worker composes and sends the mail."""

from __future__ import annotations

from redis.exceptions import RedisError
from taskiq import AsyncBroker
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker

from domain.errors import DependencyUnavailable
from domain.mail import MailRequest

SEND_ACCOUNT_MAIL = "pixelmill.send_account_mail"


class TaskiqMailQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self.broker = broker

    async def request(self, mail: MailRequest) -> None:
        user_id = str(mail.user_id) if mail.user_id else None
        try:
            kicker: AsyncKicker[[str, str, str | None], None] = AsyncKicker(
                task_name=SEND_ACCOUNT_MAIL, broker=self.broker, labels={}
            )
            await kicker.kiq(mail.kind.value, mail.email, user_id)
        except (SendTaskError, OSError, RedisError) as exc:
            raise DependencyUnavailable("the mail queue is unavailable") from exc
