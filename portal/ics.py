"""The client's appointments as a calendar file (RFC 5545), to download only.

Never e-mailed: the file holds places, notes and video links. Lines are folded
at 75 octets and text escaped as the RFC asks.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils import timezone


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _stamp(when) -> str:
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def appointments_ics(appointments, *, title: str) -> bytes:
    """Return a VCALENDAR of these appointments (caller has checked access)."""
    now = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Refleact//Portal//NL",
        "CALSCALE:GREGORIAN",
    ]
    for appointment in appointments:
        ends = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{appointment.pk}@refleact",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(ends)}",
            f"SUMMARY:{_escape(title)}",
        ]
        if isinstance(appointment.place, str) and appointment.place:
            lines.append(f"LOCATION:{_escape(appointment.place)}")
        if appointment.video_url:
            lines.append(f"URL:{appointment.video_url}")
        if appointment.cancelled_at:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
