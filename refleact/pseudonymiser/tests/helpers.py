"""Scrub a text for a client and return what is left (shared by the rule tests)."""

from refleact.pseudonymiser import Subject, scrub_text

ANOUK = Subject(
    first_name="Anouk",
    last_name="de Vries",
    email="anouk@example.nl",
    phone="06-12345678",
    organisation="Hoogland Installatietechniek",
)


def scrub(text: str, subject: Subject = ANOUK, **kwargs) -> str:
    return scrub_text(text, subject=subject, **kwargs).text
