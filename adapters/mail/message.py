"""A MailMessage as a MIME message: plain text with an HTML alternative."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from domain.mail import MailMessage


def to_mime(message: MailMessage, sender: str) -> EmailMessage:
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain="pixelmill")
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime
