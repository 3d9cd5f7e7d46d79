# Numbers: the same separators as in English, "1,234.50" with Western digits, rather than Django's
# Khmer default ("1234,50": a decimal comma and, with no grouping set, no thousands separator).
# The amounts are US dollars from the programme's English budgets; a figure must read the same in
# both languages, in the workbooks and in what people type (README, "Numbers and dates").
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# Dates: Django's Khmer formats ("10 ខែ កញ្ញា ឆ្នាំ 2008"), with the 24-hour clock written as in English.
DATE_FORMAT = "j ខែ F ឆ្នាំ Y"
DATETIME_FORMAT = "j ខែ F ឆ្នាំ Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
