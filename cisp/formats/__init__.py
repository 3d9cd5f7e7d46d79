"""Date and number formats by language (settings.FORMAT_MODULE_PATH): only what differs from
Django's own formats for the language; Django's fill in the rest. The README says which
separators each language uses and why."""
