"""What apps above clients add to it, registered by them, so clients imports none.

Dependencies run one way (core <- clients <- dossiers, consent <- breaches <-
portal). Where a rule or a page of clients needs work that lives higher up (a
coach sees an organisation because one of their trajectories is for it; a
client's page shows that client's trajectories), the higher app registers a
piece here from its ``AppConfig.ready()``, and clients calls what is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class OrganisationUse:
    """A model whose rows put an organisation in a coach's work.

    A coach sees an organisation when a row of ``model`` points to it through
    ``organisation_field`` and reaches the coach through ``coach_lookup`` (a
    query path to the coach's user). An organisation that no registered model
    uses yet is "unused": its creator still sees it.
    """

    model: type[models.Model]
    coach_lookup: str
    organisation_field: str = "organisation"


@dataclass(frozen=True)
class ClientSection:
    """A part of a client's page that another app draws (trajectories, timeline).

    ``render(client=...)`` returns the HTML and the objects it showed: the page
    records those in the access log. Caller has checked access to the client.
    """

    key: str
    title: str
    render: Callable[..., tuple[SafeString | str, Iterable[models.Model]]]


# Who hands what over when a coach leaves: each step takes the two coaches and
# returns the rows it moved (for the access log).
HandOverStep = Callable[..., Iterable[models.Model]]

_organisation_uses: list[OrganisationUse] = []
_client_sections: list[ClientSection] = []
_hand_over_steps: list[HandOverStep] = []


def register_organisation_use(use: OrganisationUse) -> None:
    if use not in _organisation_uses:
        _organisation_uses.append(use)


def register_client_section(section: ClientSection) -> None:
    if all(s.key != section.key for s in _client_sections):
        _client_sections.append(section)


def register_hand_over_step(step: HandOverStep) -> None:
    if step not in _hand_over_steps:
        _hand_over_steps.append(step)


def organisation_uses() -> tuple[OrganisationUse, ...]:
    return tuple(_organisation_uses)


def client_sections() -> tuple[ClientSection, ...]:
    return tuple(_client_sections)


def hand_over_steps() -> tuple[HandOverStep, ...]:
    return tuple(_hand_over_steps)
