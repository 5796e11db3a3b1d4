"""What apps above dossiers add to it, registered by them, so dossiers imports none.

Dependencies run one way (core <- clients <- dossiers, consent <- breaches <-
portal). The consent app asks the contact question when a trajectory becomes
active and when it closes: it registers a hook here from its
``AppConfig.ready()``, and the trajectory services call every hook inside their
own transaction, so the question is raised exactly when the status change is
committed, and not at all when it rolls back.
"""

from __future__ import annotations

from collections.abc import Callable

# Each hook takes (*, trajectory, status, actor, now) and writes what it needs.
StatusChangeHook = Callable[..., None]

_status_change_hooks: list[StatusChangeHook] = []


def register_status_change_hook(hook: StatusChangeHook) -> None:
    if hook not in _status_change_hooks:
        _status_change_hooks.append(hook)


def status_changed(*, trajectory, status: str, actor, now) -> None:
    """Call every registered hook. Caller is inside the status change's transaction."""
    for hook in _status_change_hooks:
        hook(trajectory=trajectory, status=status, actor=actor, now=now)


# Each hook takes (*, trajectory, actor, request) and records what it needs; the
# consent app records the intervision case as an anonymous disclosure.
IntervisionExportHook = Callable[..., None]

_intervision_export_hooks: list[IntervisionExportHook] = []


def register_intervision_export_hook(hook: IntervisionExportHook) -> None:
    if hook not in _intervision_export_hooks:
        _intervision_export_hooks.append(hook)


def intervision_exported(*, trajectory, actor, request=None) -> None:
    """Call every registered hook. Caller is inside the export's transaction."""
    for hook in _intervision_export_hooks:
        hook(trajectory=trajectory, actor=actor, request=request)


# Each hook takes (*, trajectory, event, obj): something new for the trajectory's
# client ("evaluation": an evaluation to fill in; "appointment": an appointment
# planned or changed). The portal e-mails the client "something new" on commit.
ClientNoticeHook = Callable[..., None]

_client_notice_hooks: list[ClientNoticeHook] = []


def register_client_notice_hook(hook: ClientNoticeHook) -> None:
    if hook not in _client_notice_hooks:
        _client_notice_hooks.append(hook)


def client_notice(*, trajectory, event: str, obj) -> None:
    """Call every registered hook. Caller is inside the write's transaction."""
    for hook in _client_notice_hooks:
        hook(trajectory=trajectory, event=event, obj=obj)
