"""A Dutch pseudonymiser for coaching notes: ``scrub_text(text, subject=..., known=...)``.

Rules and word lists only, no statistical model: patterns for what has a shape
(validated with ``phonenumbers``, Apache-2.0), name forms built from what the system
knows about the client and the people around them, and first names, surnames, cities
and countries from Faker (MIT), which ships them inside the package. Nothing is
downloaded at run time. See README.md beside this file.
"""

from .entities import Organisation, Person, Replacement, Scrubbed, Subject
from .scrub import scrub_text

__all__ = ["Organisation", "Person", "Replacement", "Scrubbed", "Subject", "scrub_text"]
