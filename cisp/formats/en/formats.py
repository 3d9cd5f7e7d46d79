# Day before month, as the programme's documents and Cambodian usage write dates: "10 Sep 2008",
# not Django's American "09/10/2008". Numbers keep Django's English format: 1,234.50.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
