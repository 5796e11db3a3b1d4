"""The breach notice e-mail, and sending one message with the server's answer.

The notice is the one e-mail that carries content (policy: "via de haar
bekende contactgegevens" with the nature, the data, the consequences and the
measures): the practice's general description, checked before release
(breaches/check.py). No name, no greeting with a name, no link with an id.
"""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.utils import translation

from dossiers.models import PracticeDetails

_ADDRESS = re.compile(r"<[^<>]*>|[^\s<>@]+@[^\s<>@]+")


def answer_without_addresses(answer: str) -> str:
    """Return a mail server's answer with every address taken out, shortened."""
    return _ADDRESS.sub("[…]", " ".join(answer.split()))[:300]


def notice_text_for(*, breach, language: str) -> str:
    """Return the practice's notice text in the language, Dutch when none is given."""
    if language == "en" and isinstance(breach.notice_text_en, str):
        return breach.notice_text_en.strip() or breach.notice_text
    return breach.notice_text


def notice_email(
    *, breach, message_id: str, language: str, to: str, has_login: bool
) -> EmailMessage:
    """Return the breach notice for one client, in their language."""
    language = language if language in ("nl", "en") else "nl"
    with translation.override(language):
        context = {
            "text": notice_text_for(breach=breach, language=language),
            "practice": PracticeDetails.load(),
            "has_login": has_login,
            "reference": breach.reference,
        }
        subject = render_to_string("breaches/notice_subject.txt", context).strip()
        body = render_to_string("breaches/notice_email.txt", context)
    return EmailMessage(
        subject=subject, body=body, to=[to], headers={"Message-ID": message_id}
    )


class Refused(Exception):
    """The server did not accept the message; ``answer`` holds no address."""

    def __init__(self, answer: str, *, permanent: bool) -> None:
        super().__init__(answer)
        self.answer = answer
        self.permanent = permanent


@dataclass
class Sender:
    """One connection for a whole fan-out; the server's answer for each message."""

    backend: object = None

    def __post_init__(self) -> None:
        self.backend = get_connection()

    @property
    def is_smtp(self) -> bool:
        return isinstance(self.backend, SmtpBackend)

    def close(self) -> None:
        try:
            self.backend.close()
        except (smtplib.SMTPException, OSError):
            pass

    def send(self, message: EmailMessage) -> str:
        """Send one message; return the server's answer, or raise Refused."""
        if not self.is_smtp:
            self.backend.send_messages([message])
            return f"250 accepted ({type(self.backend).__module__})"
        try:
            return self._smtp_send(message)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise Refused(answer_without_addresses(str(exc)), permanent=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise Refused(
                answer_without_addresses(f"{type(exc).__name__}: {exc}"),
                permanent=False,
            ) from None

    def _smtp_send(self, message: EmailMessage) -> str:
        backend = self.backend
        if backend.connection is None:
            backend.open()
        connection = backend.connection
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(a, encoding) for a in message.recipients()]
        connection.ehlo_or_helo_if_needed()
        code, answer = connection.mail(sender)
        if code != 250:
            connection.rset()
            raise Refused(_answer(code, answer), permanent=False)
        for recipient in recipients:
            code, answer = connection.rcpt(recipient)
            if code not in (250, 251):
                connection.rset()
                raise Refused(_answer(code, answer), permanent=500 <= code < 600)
        data = message.message().as_bytes(linesep="\r\n")
        code, answer = connection.data(data)
        if code != 250:
            connection.rset()
            raise Refused(_answer(code, answer), permanent=False)
        return _answer(code, answer)


def _answer(code: int, answer: bytes | str) -> str:
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    return answer_without_addresses(f"{code} {answer}")
