"""The words of account mails: a subject that says what it is for, a plain-text part and an HTML part."""

from __future__ import annotations

from html import escape

from domain.mail import MailMessage

RESET_SUBJECT = "Reset your password"
VERIFY_SUBJECT = "Verify your e-mail"


def _message(to: str, subject: str, lines: list[str], action: str, link: str) -> MailMessage:
    text = "\n\n".join([*lines, f"{action}: {link}", "If you did not ask for this, ignore this e-mail."])
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f"<!doctype html><html><body>{paragraphs}"
        f'<p><a href="{escape(link, quote=True)}">{escape(action)}</a></p>'
        "<p>If you did not ask for this, ignore this e-mail.</p></body></html>"
    )
    return MailMessage(to=to, subject=subject, text=text, html=html, link=link)


def reset_mail(to: str, link: str, minutes: int) -> MailMessage:
    lines = [
        "Someone asked to reset the password of your Pixelmill account.",
        f"The link works once, for {minutes} minutes.",
    ]
    return _message(to, RESET_SUBJECT, lines, "Choose a new password", link)


def verify_mail(to: str, link: str) -> MailMessage:
    lines = ["Please confirm that this address belongs to your Pixelmill account."]
    return _message(to, VERIFY_SUBJECT, lines, "Verify your e-mail", link)
