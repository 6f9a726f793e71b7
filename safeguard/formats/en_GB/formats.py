"""How dates and times are shown, one way everywhere: "3 Dec 2026" and "3 Dec 2026, 14:05".

Django's own en_GB formats mix "3 Dec 2026", "03/12/2026" and a 12-hour clock; a record
read in court must not leave doubt about a date. Input formats are Django's (date inputs
are the browser's own and post YYYY-MM-DD).
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
