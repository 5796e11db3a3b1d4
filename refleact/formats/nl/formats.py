"""Dutch: "wo 2 dec. 2026, 16:00" for a moment, "02-12-2026" for a day.

"N" is the month abbreviation with its period ("dec.", but "mei"): the Dutch
abbreviations are in locale/nl/LC_MESSAGES/django.po (context "abbrev. month"),
as Django's own Dutch catalog has them without a period.
"""

DATE_FORMAT = "d-m-Y"  # 02-12-2026
TIME_FORMAT = "H:i"  # 16:00
DATETIME_FORMAT = "D j N Y, H:i"  # wo 2 dec. 2026, 16:00
YEAR_MONTH_FORMAT = "F Y"  # december 2026
MONTH_DAY_FORMAT = "D j N"  # wo 2 dec. (the dashboard's week view)
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "D j N Y, H:i"
FIRST_DAY_OF_WEEK = 1  # maandag

# The first of each list is what a form shows in its input.
DATE_INPUT_FORMATS = [
    "%d-%m-%Y",  # 02-12-2026
    "%d-%m-%y",  # 02-12-26
    "%d/%m/%Y",  # 02/12/2026
    "%Y-%m-%d",  # 2026-12-02
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # 16:00
    "%H:%M:%S",  # 16:00:00
    "%H.%M",  # 16.00
]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M",  # 02-12-2026 16:00
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H.%M",
    "%d-%m-%y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
