"""parse() contract: any bytes under any kind give a ParseResult or a ParseError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragarchive.errors import ParseError
from ragarchive.ingest.discover import SourceFile
from ragarchive.ingest.formats import ParseResult, parse

TEXT_KINDS = ["mets", "alto", "hocr", "pagexml", "text", "jsonl"]
FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = [
    (FIXTURES / "alto" / "alto_v2.xml").read_bytes(),
    (FIXTURES / "mets_issue" / "issue-mets.xml").read_bytes(),
    (FIXTURES / "hocr" / "tesseract_page.hocr").read_bytes(),
    (FIXTURES / "pagexml" / "transkribus_2013.xml").read_bytes(),
    (FIXTURES / "text" / "manifest.jsonl").read_bytes(),
]


def _mutate(data: bytes, cut: int, junk: bytes) -> bytes:
    cut = cut % (len(data) + 1)
    return data[:cut] + junk + data[cut + len(junk):]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(TEXT_KINDS),
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0, max_value=10_000),
    junk=st.binary(max_size=40),
)
def test_mutated_inputs_never_raise_anything_but_parse_error(kind: str, seed: bytes, cut: int,
                                                              junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.dat"
        path.write_bytes(_mutate(seed, cut, junk))
        try:
            result = parse(SourceFile(path, kind))
        except ParseError as exc:
            assert str(path) in str(exc)
        else:
            assert isinstance(result, ParseResult)


def test_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    try:
        parse(SourceFile(path, "pdf"))
    except ParseError as exc:
        assert "unknown source kind 'pdf'" in str(exc)
    else:
        raise AssertionError("expected ParseError")
