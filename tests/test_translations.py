"""The Khmer catalogue: every string of the app translated, none fuzzy, the placeholders of each
translation those of its English, the compiled django.mo the same as the .po, and the .po up to
date with the code. After adding or changing a string: `make messages`, translate what it added in
locale/km/LC_MESSAGES/django.po (README, "Translations": the glossary), `make messages` again."""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "km" / "LC_MESSAGES"
# %(name)s, %s, %d, %%; {name} and {0}.
# What the copy of the code for makemessages leaves out.
NOT_CODE = [
    ".venv", ".git", "locale", "test-artifacts", "media", "staticfiles", "static", "fixtures", "*.pyc", "__pycache__",
    ".pytest_cache", ".ruff_cache", "db.sqlite3",
]  # fmt: skip
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifr%]|\{[^{}\s]*\}")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOGUE / "django.po"))


def entries(po):
    return [entry for entry in po if not entry.obsolete]


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def placeholders(text: str, entry) -> Counter:
    if "no-python-format" in entry.flags:  # a "%" that is a percent sign, such as "% of target"
        return Counter(re.findall(r"\{[^{}\s]*\}", text))
    return Counter(PLACEHOLDER.findall(text))


def test_the_catalogue_is_khmer_with_one_plural_form(po):
    assert po.metadata["Language"] == "km"
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy
    for entry in entries(po):
        if entry.msgid_plural:
            assert list(entry.msgstr_plural) == [0], entry.msgid


def test_every_string_is_translated_and_none_is_fuzzy(po):
    untranslated = [entry.msgid for entry in entries(po) if not all(text.strip() for text in translations(entry))]
    fuzzy = [entry.msgid for entry in entries(po) if entry.fuzzy]
    assert not untranslated, f"{len(untranslated)} strings without Khmer: {untranslated}"
    assert not fuzzy, f"fuzzy entries (check the Khmer, then remove the flag): {fuzzy}"


def test_every_translation_has_the_placeholders_of_its_english(po):
    wrong = []
    for entry in entries(po):
        # Khmer has one form for every number: it says what the plural form says.
        english = placeholders(entry.msgid_plural or entry.msgid, entry)
        for text in translations(entry):
            if placeholders(text, entry) != english:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong


def test_the_compiled_catalogue_is_the_po(po):
    """django.mo is committed, so that a fresh clone shows Khmer without GNU gettext; `make messages`
    compiles it. Compared by content: msgfmt and other compilers lay the file out differently."""
    mo = polib.mofile(str(CATALOGUE / "django.mo"))

    def content(catalogue):
        return {
            (entry.msgctxt, entry.msgid): tuple(translations(entry))
            for entry in catalogue
            if entry.msgid and not entry.obsolete and not getattr(entry, "fuzzy", False)
        }

    stale = set(content(po).items()) ^ set(content(mo).items())
    assert not stale, f"django.mo differs from django.po (run `make messages`): {sorted(stale)[:5]}"
    assert mo.metadata["Plural-Forms"] == po.metadata["Plural-Forms"]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext: apt-get install -y gettext")
def test_the_catalogue_has_every_string_of_the_code(po, tmp_path):
    """makemessages run on a copy of the code: no string of the code is missing from the catalogue."""
    copy = tmp_path / "code"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_CODE))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "km", "--no-obsolete", "--verbosity", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(copy / "locale/km/LC_MESSAGES/django.po"))}
    known = {(entry.msgctxt, entry.msgid) for entry in entries(po)}
    missing = sorted(msgid for _context, msgid in extracted - known)
    assert not missing, f"strings of the code missing from the catalogue (run `make messages`, translate): {missing}"


def test_the_pages_speak_khmer(client_for, users):
    client = client_for(users["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    page = client.get(reverse("workplan:work_plan", args=["00067193", 1])).content.decode()
    assert '<html lang="km"' in page
    for khmer in ("ផែនការការងារ", "ផ្ទាំងសង្ខេប", "សូចនាករ", "ទាញយកជា Excel", "ទិន្នផល JP 1.1"):
        assert khmer in page
    for english in (">Dashboard<", ">Work plan<", "Download as Excel", ">Log out<"):
        assert english not in page
    assert ">ខ្មែរ</option>" in page  # the language switch names Khmer in Khmer


def test_django_s_own_messages_are_in_khmer_too():
    """Form errors and month names come from Django's catalogue, which lacks or misspells some: ours wins."""
    with translation.override("km"):
        assert translation.gettext("Enter a number.") == "សូមបញ្ចូលលេខ។"
        assert translation.gettext("This field is required.") == "ត្រូវតែបំពេញប្រអប់នេះ។"
        assert translation.gettext("March") == "មីនា"
        assert translation.gettext("Yes") == "មាន"
