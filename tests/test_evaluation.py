from __future__ import annotations

import pytest

from ragarchive.evaluation import canonical_for_cer, cer


def test_canonical_form_removes_transcription_conventions_only() -> None:
    gt = "hochmuͤthigen Gaben und\nnamentlich gesche¬\nhen , nach Nord-\nAmerika ſo"
    assert canonical_for_cer(gt) == "hochmüthigen Gaben und namentlich geschehen, nach Nord-Amerika so"


def test_cer_counts_real_errors() -> None:
    assert cer("unb gesche-\nhen", "und gesche¬\nhen") == pytest.approx(1 / len("und geschehen"))
    assert cer("", "") == 0.0
    assert cer("x", "") == 1.0
