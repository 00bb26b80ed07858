from ragarchive.text.langid import detect_language

DE = "Der Gemeinderat hat gestern beschlossen, die alte Brücke über die Mosel abzureißen."
FR = "Le conseil municipal a décidé hier de démolir le vieux pont sur la Moselle."
EN = "The town council decided yesterday to pull down the old bridge over the river."


def test_languages_with_probability() -> None:
    for text, lang in ((DE, "de"), (FR, "fr"), (EN, "en")):
        guess = detect_language(text)
        assert guess.language == lang and guess.prob > 0.9


def test_noisy_ocr_is_still_recognised() -> None:
    noisy = "Dcr Gemcinderat hat gestcrn beschlossen, die alte Brückc über dic Mosel abzureifsen."
    assert detect_language(noisy).language == "de"


def test_short_or_garbled_text_is_undetermined() -> None:
    assert detect_language("Mosel").language == "und"
    assert detect_language("—— .,, ~ 1 3 4 ;; ,, .. ' 12 9 ll ii -- ,,, ..").language == "und"


def test_deterministic() -> None:
    mixed = "Die Mosel la Moselle the river " * 3
    assert len({detect_language(mixed) for _ in range(5)}) == 1
