"""A webhook sender that records what it would send and answers with scripted status codes."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from domain.errors import DeliveryError


@dataclass(frozen=True)
class SentWebhook:
    url: str
    headers: dict[str, str]
    body: bytes


class RecordingWebhookSender:
    def __init__(self, *answers: int | DeliveryError) -> None:
        self.answers: deque[int | DeliveryError] = deque(answers)
        self.sent: list[SentWebhook] = []

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> int:
        self.sent.append(SentWebhook(url, dict(headers), body))
        answer = self.answers.popleft() if self.answers else 200
        if isinstance(answer, DeliveryError):
            raise answer
        return answer
