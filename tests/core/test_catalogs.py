"""Every message of the code is translated in every catalog, with the same placeholders, and none is fuzzy."""

from __future__ import annotations

import os

import pytest
from babel.messages.checkers import python_format
from babel.messages.pofile import read_po

from incubator.cli import BASE_DIR, TRANSLATIONS, extract_messages
from incubator.i18n import LOCALES


@pytest.fixture(scope="module")
def code_messages(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    extract_messages(str(pot))
    with open(pot, "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def load(code):
    with open(os.path.join(TRANSLATIONS, code, "LC_MESSAGES", "messages.po"), "rb") as f:
        return read_po(f, locale=code)


@pytest.mark.parametrize("code", LOCALES)
def test_catalog_has_every_message_of_the_code(code, code_messages):
    catalog_ids = {m.id for m in load(code) if m.id}
    assert sorted(code_messages - catalog_ids, key=str) == [], "run `make catalogs` and translate"


@pytest.mark.parametrize("code", LOCALES)
def test_catalog_is_complete_and_not_fuzzy(code):
    catalog = load(code)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
            continue
        try:
            python_format(catalog, message)
        except Exception as error:  # a placeholder missing or misspelt in the translation
            problems.append(f"{message.id}: {error}")
    assert problems == []


def test_babel_cfg_is_where_the_extractor_expects_it():
    assert os.path.exists(os.path.join(BASE_DIR, "babel.cfg"))
