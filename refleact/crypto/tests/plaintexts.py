"""Distinctive plaintexts the scanning tests write and then look for."""

PEOPLE = [
    {
        "first_name": "Zwaantje",
        "last_name": "Oosterhuis-Émilé",
        "email": "zwaantje.oosterhuis@voorbeeld-geheim.nl",
        "born": "1987-06-05",
        "title": "Intake Zwaantje vertrouwelijk",
        "body": "Leervraag: omgaan met de burn-out van vorig voorjaar.",
        "extra": {"geheim": "blauwe-olifant-42"},
        "attachment": "vertrouwelijke-bijlage-inhoud-zwaantje",
        "filename": "dossier-zwaantje-oosterhuis.pdf",
    },
    {
        "first_name": "Bartholomeus",
        "last_name": "Kwakernaak",
        "email": "b.kwakernaak@voorbeeld-geheim.nl",
        "born": "1979-11-23",
        "title": "Evaluatie Bartholomeus",
        "body": "Voortgang: conflict met leidinggevende besproken.",
        "extra": {"geheim": "rode-giraf-17"},
        "attachment": "vertrouwelijke-bijlage-inhoud-bartholomeus",
        "filename": "verslag-kwakernaak.docx",
    },
]


def needles() -> list[str]:
    """Every plaintext that must never appear in a database or on disk."""
    found = []
    for person in PEOPLE:
        for key, value in person.items():
            if key == "extra":
                found.extend(value.values())
            elif key == "born":
                found.append(value)
            else:
                found.append(value)
                if key == "last_name":
                    found.append(value.split("-")[0])  # a part is plaintext too
    return found
