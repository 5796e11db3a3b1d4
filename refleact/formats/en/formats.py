"""English: "Wed 2 Dec 2026, 16:00" for a moment, "02 Dec 2026" for a day.

The same shape as the Dutch formats, in words an English reader expects; the
input formats stay Django's (ISO 2026-12-02 first).
"""

DATE_FORMAT = "d M Y"  # 02 Dec 2026
TIME_FORMAT = "H:i"  # 16:00
DATETIME_FORMAT = "D j M Y, H:i"  # Wed 2 Dec 2026, 16:00
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "D j M"  # Wed 2 Dec (the dashboard's week view)
SHORT_DATE_FORMAT = "d M Y"
SHORT_DATETIME_FORMAT = "D j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
