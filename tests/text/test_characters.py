"""Cleaning and the CER measure share the letter map; they differ only in invisible characters."""

from __future__ import annotations

from ragarchive.text.characters import (
    CER_CHAR_MAP,
    CLEANING_CHAR_MAP,
    MUFI_LETTERS,
    superscript_e_umlauts,
)


def test_the_two_maps_differ_only_in_zero_width_characters_and_the_soft_hyphen() -> None:
    only_cleaning = {chr(k) for k in CLEANING_CHAR_MAP.keys() - CER_CHAR_MAP.keys()}
    only_cer = {chr(k) for k in CER_CHAR_MAP.keys() - CLEANING_CHAR_MAP.keys()}
    assert only_cleaning == {"\u200b", "\u200c", "\u200d", "\ufeff"}
    assert only_cer == {"\u00ad"}  # cleaning keeps it: it marks a line-end break
    shared = CLEANING_CHAR_MAP.keys() & CER_CHAR_MAP.keys()
    assert all(CLEANING_CHAR_MAP[k] == CER_CHAR_MAP[k] for k in shared)
    assert "Waſſer ﬁnden".translate(CLEANING_CHAR_MAP) == "Wasser finden"


def test_superscript_e_is_an_umlaut_and_dropped_after_one() -> None:
    assert superscript_e_umlauts("Mu\u0364ller Mü\u0364ller") == "Müller Müller"


def test_mufi_private_use_letters_are_mapped_in_both_maps() -> None:
    assert all(0xE000 <= ord(k) <= 0xF8FF for k in MUFI_LETTERS)  # only the private-use area
    assert all(v.isalpha() for v in MUFI_LETTERS.values())
    assert all(ord(k) in CLEANING_CHAR_MAP and ord(k) in CER_CHAR_MAP for k in MUFI_LETTERS)
    assert "Chri\ueadaian Di\ueec5ionarium Gedru\ueec4t".translate(CLEANING_CHAR_MAP) == (
        "Christian Dictionarium Gedruckt")
    assert "\ue8b7\ue8bf".translate(CLEANING_CHAR_MAP) == "\ue8b7\ue8bf"  # readings vary: kept
