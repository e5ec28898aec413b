# Vietnamese date and number formats, used on pages and in admin forms.
# Django's own "vi" locale defines display formats but no input formats, so
# "24/01/2022" would be refused or read month first.

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first of each list is also how forms display a value.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 24/01/2022
    "%d/%m/%y",  # 24/01/22
    "%d-%m-%Y",  # 24-01-2022
    "%Y-%m-%d",  # 2022-01-24
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # 10:15
    "%H:%M:%S",  # 10:15:00
    "%Hh%M",  # 10h15
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",  # 24/01/2022 10:15
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
