"""What the caller passes in (the client, known people and organisations) and gets back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """Someone the system knows; every field optional. Never logged (repr hides it)."""

    first_name: str = field(default="", repr=False)
    last_name: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    organisation: str = field(default="", repr=False)


@dataclass(frozen=True)
class Subject(Person):
    """The client the text is about; ``pseudonym`` replaces their name."""

    pseudonym: str = field(default="", repr=False)

    @classmethod
    def from_mapping(cls, data: dict, *, pseudonym: str = "") -> Subject:
        """Build a subject from a record's ``client`` object (missing keys empty)."""
        return cls(
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            organisation=data.get("organisation") or "",
            pseudonym=pseudonym,
        )


@dataclass(frozen=True)
class Organisation:
    """An organisation the system knows (an employer, a client's company)."""

    name: str = field(default="", repr=False)


@dataclass(frozen=True)
class Replacement:
    """One replaced stretch of the original text: kind, span, and what stands there now."""

    kind: str
    start: int
    end: int
    placeholder: str


@dataclass(frozen=True)
class Scrubbed:
    """The scrubbed text and what was replaced; spans refer to the original text."""

    text: str
    replacements: tuple[Replacement, ...]


@dataclass(frozen=True)
class Span:
    """A detected stretch of text, before overlaps are resolved."""

    start: int
    end: int
    kind: str
    key: str = ""  # the entity: the same key gets the same number
    rank: int = 0  # higher wins an overlap of equal length
