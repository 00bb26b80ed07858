"""Hostile input for the XML parsers (ALTO, hOCR, PAGE XML, METS), fuzzed with hypothesis.

Properties, for generated documents (valid structure, hostile values: any unicode, control
characters, huge and non-finite numbers, missing attributes, negative coordinates, random nesting)
and for byte-mutated copies of the real fixtures:

* a parser returns a sane result or raises our ParseError, nothing else (the format functions are
  called directly, so a bug shows its traceback instead of being wrapped by ``parse()``);
* every file parses within a time bound (hypothesis' ``deadline`` and an explicit alarm);
* entities are never expanded or fetched, in any encoding the byte scan may not read;
* memory stays bounded on deeply nested and very large files (measured in a fresh process).

Runs are derandomised, so CI sees the same examples every time.
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ragarchive.errors import ParseError
from ragarchive.ingest.formats import ParseResult
from ragarchive.ingest.formats.alto import parse_alto
from ragarchive.ingest.formats.hocr import parse_hocr
from ragarchive.ingest.formats.mets import parse_mets
from ragarchive.ingest.formats.pagexml import parse_pagexml

FIXTURES = Path(__file__).parent / "formats" / "fixtures"
PARSERS: dict[str, Callable[[Path], ParseResult]] = {
    "alto": parse_alto, "hocr": parse_hocr, "pagexml": parse_pagexml, "mets": parse_mets,
}
SUFFIX = {"alto": ".xml", "hocr": ".hocr", "pagexml": ".xml", "mets": ".xml"}
# Fuzzed files are a few kB and parse in milliseconds; the bound is loose because CI machines are
# shared, and tight enough that anything quadratic in a hostile structure cannot pass.
PER_FILE_SECONDS = 3.0
FUZZ = settings(
    max_examples=100,  # generated documents take fewer, see GENERATED_EXAMPLES
    deadline=timedelta(seconds=PER_FILE_SECONDS),
    derandomize=True,  # the same examples on every run and machine
    database=None,
    # No shrinking: every shrinking step of a hang costs the full time bound, so a hang took
    # minutes to report; the examples are small by construction and are printed as found.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Hang(Exception):
    """A parse ran past its time bound (not a ParseError, so the test fails)."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Interrupt a runaway parse, so a hang fails the test instead of stalling CI."""
    armed = [True]

    def alarm(signum: int, frame: types.FrameType | None) -> None:
        if armed[0]:
            where = f" (in {frame.f_code.co_name}, {frame.f_code.co_filename}:{frame.f_lineno})" \
                if frame else ""
            raise Hang(f"parsing took longer than {seconds} s{where}")

    previous = signal.signal(signal.SIGALRM, alarm)
    # Repeat the alarm: a handler that happens to run inside a finaliser during garbage
    # collection has its exception swallowed as "unraisable", and a one-shot alarm is then lost.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    start = time.perf_counter()
    try:
        yield
    finally:
        while armed[0]:  # an alarm may land in here too; disarm until it sticks
            with contextlib.suppress(Hang):
                signal.setitimer(signal.ITIMER_REAL, 0)
                armed[0] = False
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"parsing took {elapsed:.1f} s"


def parse_file(kind: str, path: Path, seconds: float = PER_FILE_SECONDS) -> ParseResult | ParseError:
    """The parser's result or its ParseError; any other exception propagates and fails the test."""
    try:
        with time_bound(seconds):
            try:
                result = PARSERS[kind](path)
            except ParseError as exc:
                assert str(exc).strip(), "a ParseError must say what is wrong"
                return exc
    except Hang as exc:
        # A fresh failure: the interrupted traceback can hold frames without a line number,
        # which pytest cannot render; the message says where the parser was.
        raise AssertionError(f"{kind} parser hung on {path.name}: {exc}") from None
    check_sane(result)
    return result


def check_sane(result: ParseResult) -> None:
    """What the rest of the pipeline relies on, whatever the input was."""
    assert isinstance(result, ParseResult)
    assert all(isinstance(w, str) for w in result.warnings)
    for doc in result.documents:
        assert isinstance(doc.doc_id, str) and doc.doc_id
        json.dumps(doc.meta, allow_nan=False)  # stored as JSON: no NaN, no odd types
        assert all(isinstance(p, int) and 0 < p <= 10**9 for p in doc.pages), doc.pages
        for block in doc.blocks:
            assert block.page is None or 0 < block.page <= 10**9
            check_box(block.box)
            for line in block.lines:
                for word in line.words:
                    assert isinstance(word.text, str) and word.text
                    assert word.conf is None or (math.isfinite(word.conf) and 0 <= word.conf <= 1)
                    check_box(word.box)


def check_box(box: object) -> None:
    """No huge or non-finite coordinates reach the stores (their integers are 64-bit)."""
    if box is not None:
        assert len(box) == 4 and all(isinstance(v, int) and abs(v) <= 10**9 for v in box), box


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per module: hypothesis reruns a test many times, each example overwrites it.
    The METS files point at a real ALTO page (kept) and at one the examples write."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(FIXTURES / "mets_issue" / "alto", root / "alto")
    return root


def write(workdir: Path, kind: str, data: bytes) -> Path:
    path = workdir / f"input-{kind}{SUFFIX[kind]}"
    path.write_bytes(data)
    return path


# --- hostile values --------------------------------------------------------------------------

# Text XML allows: any assigned character (format controls like U+202E RTL override and U+FEFF
# included) but the C0 controls and lone surrogates.
LEGAL_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r")
# Anything but lone surrogates (no encoding can write them): C0 controls make the XML malformed,
# and reach the text when hOCR falls back to the HTML parser.
ANY_CHARS = st.characters(blacklist_categories=("Cs",))
# One choice per example, so one example in five carries control characters everywhere and the
# other four are well-formed enough to reach the parsers' own code.
CONTROLS = st.shared(st.sampled_from([False, False, False, False, True]), key="controls")


def text(min_size: int = 0) -> st.SearchStrategy[str]:
    return CONTROLS.flatmap(
        lambda controls: st.text(ANY_CHARS if controls else LEGAL_CHARS, min_size=min_size, max_size=24))


TEXT = text()
WORDS = text(min_size=1)  # where a word is expected: empty text would only test "no text"
# Numbers as one token (what space-separated formats like hOCR titles hold) ...
NUMBER_TOKEN = st.one_of(
    st.integers(-10, 5000).map(str),  # plausible, so that some boxes and pages are kept
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from([
        "-0", "-5", "1e999", "-1e999", "1e308", "nan", "inf", "²", "٣", "¹²", "0x1F", "1,5",
        "00003", "9" * 5000, "4294967296", "99999999999999999999",
    ]),
)
# ... and as attribute values, which may also be blank, padded or not numbers at all.
NUMBER = NUMBER_TOKEN | st.sampled_from(["", " ", " 12 "]) | TEXT


def esc(value: str) -> str:
    """Escape markup only: control characters and odd unicode go through unchanged."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def element(tag: str, attrs: dict[str, str], children: list[str] | None = None) -> str:
    attributes = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
    if children is None:
        return f"<{tag}{attributes}/>"
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


def some(attributes: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, str]]:
    """Any subset of the attributes: missing attributes are part of the fuzzing."""
    return st.fixed_dictionaries({}, optional=attributes)


def random_tree(tags: list[str], attributes: dict[str, st.SearchStrategy[str]]
                ) -> st.SearchStrategy[str]:
    """Elements of the format nested any which way, with text in between."""
    def node(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(element, st.sampled_from(tags), some(attributes),
                         st.lists(children, max_size=4))

    return st.recursive(TEXT.map(esc), node, max_leaves=12)


def level(tag: str, attrs: st.SearchStrategy[dict[str, str]], inner: st.SearchStrategy[str],
          wild: st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    """One level of a format: the element expected there, or, when ``wild`` is given, now and
    then anything at all (random nesting) instead."""
    expected = st.builds(element, st.just(tag), attrs, st.lists(inner, min_size=1, max_size=3))
    return expected if wild is None else st.one_of(expected, expected, expected, wild)


def with_text(attrs: dict[str, st.SearchStrategy[str]], key: str) -> st.SearchStrategy[dict[str, str]]:
    """Random attributes where ``key`` (the one that matters most) is there most of the time."""
    return st.builds(lambda a, value: {**a, key: value}, some(attrs), attrs[key]) | some(attrs)


def either(build: Callable[[bool], st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """Documents of valid structure with hostile values (they reach every number and text the
    parser reads), and documents whose structure is hostile too."""
    return st.one_of(build(False), build(True))


# --- ALTO ------------------------------------------------------------------------------------

ALTO_NS = ["http://www.loc.gov/standards/alto/ns-v2#", "http://www.loc.gov/standards/alto/ns-v3#",
           "http://www.loc.gov/standards/alto/ns-v4#", "http://schema.ccs-gmbh.com/ALTO", ""]
ALTO_ATTRS = {
    "ID": st.sampled_from(["P1", "TB1", "TB2", "L1", "CB1", ""]) | TEXT,
    "CONTENT": WORDS, "WC": NUMBER, "CC": NUMBER,
    "HPOS": NUMBER, "VPOS": NUMBER, "WIDTH": NUMBER, "HEIGHT": NUMBER,
    "SUBS_TYPE": st.sampled_from(["HypPart1", "HypPart2", "Abbreviation"]) | TEXT,
    "SUBS_CONTENT": TEXT, "PHYSICAL_IMG_NR": NUMBER, "PRINTED_IMG_NR": NUMBER,
}
ALTO_TAGS = ["Page", "PrintSpace", "ComposedBlock", "TextBlock", "TextLine", "String", "HYP",
             "SP", "Illustration"]


def alto_doc(wild: bool) -> st.SearchStrategy[str]:
    anything = random_tree(ALTO_TAGS, ALTO_ATTRS) if wild else None
    string = st.builds(element, st.just("String"), with_text(ALTO_ATTRS, "CONTENT"))
    hyp = st.builds(element, st.just("HYP"), some(ALTO_ATTRS))
    line = level("TextLine", some(ALTO_ATTRS), st.one_of(string, string, hyp, st.just("<SP/>")),
                 anything)
    block = level("TextBlock", some(ALTO_ATTRS), line, anything)
    page = level("Page", some(ALTO_ATTRS),
                 block | level("ComposedBlock", some(ALTO_ATTRS), block, anything), None)
    return st.builds(
        lambda ns, unit, page: (f'<alto xmlns="{ns}"><Description><MeasurementUnit>{esc(unit)}'
                                f"</MeasurementUnit></Description><Layout>{page}</Layout></alto>"),
        st.sampled_from(ALTO_NS), st.sampled_from(["pixel", "mm10", "inch1200"]) | TEXT, page,
    )


# --- hOCR ------------------------------------------------------------------------------------

HOCR_CLASSES = ["ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_line", "ocr_header",
                "ocr_caption", "ocr_textfloat", "ocrx_word", "ocr_junk"]
HOCR_PROPS = ["bbox", "x_wconf", "ppageno", "image", "baseline", "x_size"]
HOCR_PROP = st.one_of(
    st.tuples(st.just("bbox"), st.lists(NUMBER_TOKEN, min_size=4, max_size=4)),  # read when 4
    st.tuples(st.sampled_from(["x_wconf", "ppageno"]), st.lists(NUMBER_TOKEN, min_size=1, max_size=2)),
    st.tuples(st.sampled_from(HOCR_PROPS), st.lists(NUMBER, max_size=5)),
)
HOCR_TITLE = st.lists(HOCR_PROP, max_size=4).map(
    lambda props: "; ".join(f"{k} {' '.join(v)}" for k, v in props)) | TEXT
HOCR_ATTRS = {
    "class": st.lists(st.sampled_from(HOCR_CLASSES), min_size=1, max_size=2).map(" ".join) | TEXT,
    "title": HOCR_TITLE, "id": TEXT, "lang": st.sampled_from(["deu", "fra", ""]) | TEXT,
}
HOCR_TAGS = ["div", "p", "span", "strong", "em"]


def hocr_attrs(cls: str) -> st.SearchStrategy[dict[str, str]]:
    return st.builds(lambda a, title: {**a, "class": cls, "title": title}, some(HOCR_ATTRS), HOCR_TITLE)


def hocr_doc(wild: bool) -> st.SearchStrategy[str]:
    anything = random_tree(HOCR_TAGS, HOCR_ATTRS) if wild else None
    word = level("span", hocr_attrs("ocrx_word"), WORDS.map(esc), None)
    line = level("span", hocr_attrs("ocr_line"), word, anything)
    par = level("p", hocr_attrs("ocr_par"), line, anything)
    page = level("div", hocr_attrs("ocr_page"), par | level("div", hocr_attrs("ocr_carea"), par, anything),
                 None)
    return st.builds(
        lambda system, page, html_only: (
            '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
            f'<meta name="ocr-system" content="{esc(system)}"/></head><body>{page}'
            # HTML-only markup sends the file through the HTML parser (the non-tesseract fallback)
            + ("&nbsp;<br>" if html_only else "") + "</body></html>"
        ),
        TEXT, page, st.booleans(),
    )


# --- PAGE XML --------------------------------------------------------------------------------

POINTS = st.lists(st.tuples(NUMBER_TOKEN, NUMBER_TOKEN), max_size=5).map(
    lambda pts: " ".join(f"{x},{y}" for x, y in pts)) | TEXT
PAGE_ATTRS = {
    "id": st.sampled_from(["r1", "r2", "l1", ""]) | TEXT, "regionRef": st.sampled_from(["r1", "r2"]) | TEXT,
    "index": NUMBER, "conf": NUMBER, "points": POINTS, "imageFilename": TEXT,
    "imageWidth": NUMBER, "imageHeight": NUMBER, "primaryLanguage": TEXT, "x": NUMBER, "y": NUMBER,
}
PAGE_TAGS = ["Page", "TextRegion", "TextLine", "Word", "TextEquiv", "Unicode", "Coords", "Point",
             "ReadingOrder", "OrderedGroup", "RegionRefIndexed"]


def page_doc(wild: bool) -> st.SearchStrategy[str]:
    anything = random_tree(PAGE_TAGS, PAGE_ATTRS) if wild else None
    unicode = level("Unicode", st.just({}), WORDS.map(esc), None)
    equiv = level("TextEquiv", some(PAGE_ATTRS), unicode, anything)
    point = st.builds(element, st.just("Point"), some(PAGE_ATTRS))
    coords = st.builds(element, st.just("Coords"), with_text(PAGE_ATTRS, "points")) | level(
        "Coords", st.just({}), point, anything)  # PAGE 2010 writes <Point> children
    word = level("Word", some(PAGE_ATTRS), st.one_of(coords, equiv, equiv), anything)
    line = level("TextLine", some(PAGE_ATTRS), st.one_of(equiv, equiv, word, word, coords), anything)
    region = level("TextRegion", with_text(PAGE_ATTRS, "id"),
                   st.one_of(line, line, line, coords, equiv), anything)
    ref = st.builds(element, st.just("RegionRefIndexed"), some(PAGE_ATTRS))
    order = level("ReadingOrder", st.just({}), level("OrderedGroup", some(PAGE_ATTRS), ref, anything),
                  anything)
    page = level("Page", some(PAGE_ATTRS), st.one_of(region, region, region, order), None)
    return page.map(lambda page: ('<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/'
                                  f'pagecontent/2019-07-15">{page}</PcGts>'))


# --- METS ------------------------------------------------------------------------------------

METS_HREFS = st.sampled_from([
    "alto/page-0001.xml", "file://./alto/page-0001.xml", "alto/fuzzed.xml", "missing.xml",
    "../../../../../etc/passwd", "file:///etc/passwd", "/etc/hostname", "http://203.0.113.7/a.xml",
    "file://./alto/page-0001.xml%00.png", "",
]) | TEXT
METS_IDS = st.sampled_from(["F1", "F1", "F2", "IMG1", "D1", "D2", "A1"]) | TEXT
METS_ATTRS = {
    "ID": METS_IDS, "FILEID": METS_IDS, "DMDID": METS_IDS, "ADMID": METS_IDS,
    "TYPE": st.sampled_from(["ARTICLE", "SECTION", "PAGE", "ISSUE", "ADVERTISEMENT", "physical",
                             "LOGICAL", "HEADING"]) | TEXT,
    "ORDER": NUMBER, "LABEL": TEXT, "BEGIN": st.sampled_from(["P1", "P1_TB3", "P1_CB1", "P1_TB5"]) | TEXT,
    "END": st.sampled_from(["P1_TB5", "P1_TB3", "P1"]) | TEXT,
    "MIMETYPE": st.sampled_from(["text/xml", "image/tiff", "application/pdf"]) | TEXT,
    "USE": TEXT, "OBJID": TEXT,
}
METS_TAGS = ["div", "fptr", "area", "seq", "par", "file", "fileGrp", "FLocat"]
METS_FILE = st.builds(
    lambda attrs, href: element("file", attrs, [f'<FLocat xlink:href="{esc(href)}"/>']),
    some(METS_ATTRS), METS_HREFS,
)
MODS = st.builds(
    lambda attrs, title, lang, date, name: element("dmdSec", attrs, [
        "<mdWrap><xmlData><mods:mods>",
        f"<mods:titleInfo><mods:title>{esc(title)}</mods:title></mods:titleInfo>",
        f"<mods:language><mods:languageTerm>{esc(lang)}</mods:languageTerm></mods:language>",
        f"<mods:originInfo><mods:dateIssued>{esc(date)}</mods:dateIssued></mods:originInfo>",
        f"<mods:name><mods:namePart>{esc(name)}</mods:namePart></mods:name>",
        "</mods:mods></xmlData></mdWrap>",
    ]),
    some(METS_ATTRS), TEXT, st.sampled_from(["ger", "fre", "und"]) | TEXT,
    st.sampled_from(["1871-03-18", "1871-02-30", "18710318"]) | NUMBER, TEXT,
)
MIX = st.builds(
    lambda attrs, w, h: element("amdSec", attrs, [
        f"<techMD><mix:imageWidth>{esc(w)}</mix:imageWidth>"
        f"<mix:imageHeight>{esc(h)}</mix:imageHeight></techMD>"]),
    some(METS_ATTRS), NUMBER, NUMBER,
)
# F1 is the real ALTO page of the METS fixture, F2 an ALTO page the example writes.
KNOWN_FILES = ('<file ID="F1" MIMETYPE="text/xml"><FLocat xlink:href="alto/page-0001.xml"/></file>'
               '<file ID="F2" MIMETYPE="text/xml"><FLocat xlink:href="alto/fuzzed.xml"/></file>')
NAMESPACES = {"xmlns": "http://www.loc.gov/METS/", "xmlns:mods": "http://www.loc.gov/mods/v3",
              "xmlns:mix": "http://www.loc.gov/mix/v20", "xmlns:xlink": "http://www.w3.org/1999/xlink"}


def mets_doc(wild: bool) -> st.SearchStrategy[str]:
    anything = random_tree(METS_TAGS, METS_ATTRS) if wild else None
    area = st.builds(element, st.just("area"), some(METS_ATTRS))
    fptr = level("fptr", st.just({}), area | level("seq", st.just({}), area, anything), anything)
    div = level("div", some(METS_ATTRS), fptr, anything)
    for _ in range(2):  # sections holding articles holding parts
        div = level("div", some(METS_ATTRS), div | fptr, anything)
    kind = st.sampled_from(["LOGICAL", "PHYSICAL"]) | TEXT
    struct_map = level("structMap", st.builds(lambda a, k: {**a, "TYPE": k}, some(METS_ATTRS), kind),
                       div, None)
    return st.builds(
        lambda attrs, dmd, amd, files, maps: element("mets", {**attrs, **NAMESPACES}, [
            *dmd, *amd, element("fileSec", {}, [element("fileGrp", {}, [KNOWN_FILES, *files])]),
            *maps]),
        some(METS_ATTRS), st.lists(MODS, max_size=3), st.lists(MIX, max_size=2),
        st.lists(METS_FILE, max_size=3), st.lists(struct_map, min_size=1, max_size=2),
    )


ALTO_DOC = either(alto_doc)
GENERATED = {"alto": ALTO_DOC, "hocr": either(hocr_doc), "pagexml": either(page_doc),
             "mets": either(mets_doc)}
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "latin-1"]
# Drawing nested documents is most of the cost (~50 ms each here); this many find each bug the
# parsers had (superscript digits, infinite coordinates, huge page numbers) in a few s a format.
GENERATED_EXAMPLES = 80


def encode(text: str, encoding: str) -> bytes:
    """The document in one of the encodings XML files come in (latin-1 declares itself)."""
    if encoding == "latin-1":
        return ('<?xml version="1.0" encoding="ISO-8859-1"?>'
                + text).encode("latin-1", errors="replace")
    return text.encode(encoding)


@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_generated_documents_parse_or_fail_cleanly(kind: str, workdir: Path) -> None:
    @settings(FUZZ, max_examples=GENERATED_EXAMPLES)
    # the ALTO page a METS file may reference is hostile too
    @given(doc=GENERATED[kind], encoding=st.sampled_from(ENCODINGS),
           fuzzed_alto=ALTO_DOC if kind == "mets" else st.just(""))
    def run(doc: str, encoding: str, fuzzed_alto: str) -> None:
        if kind == "mets":
            (workdir / "alto" / "fuzzed.xml").write_text(fuzzed_alto, encoding="utf-8")
        outcome = parse_file(kind, write(workdir, kind, encode(doc, encoding)))
        if isinstance(outcome, ParseResult):
            assert "root:" not in json.dumps([d.raw_text for d in outcome.documents])

    run()


# --- mutated real fixtures -------------------------------------------------------------------

SEEDS = {
    "alto": [FIXTURES / "alto" / n for n in ("alto_v2.xml", "alto_v3.xml", "alto_v4.xml")],
    "hocr": [FIXTURES / "hocr" / "tesseract_page.hocr"],
    "pagexml": [FIXTURES / "pagexml" / n for n in ("transkribus_2013.xml", "escriptorium_2019.xml")],
    "mets": [FIXTURES / "mets_issue" / "issue-mets.xml"],
}
# Fragments that hostile or broken files are made of, spliced into real ones.
SNIPPETS = [
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>", b"&a;", b"&nbsp;", b"<![CDATA[", b"]]>",
    b"<!--", b"-->", b"<?pi x?>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"<a>" * 300,
    b"</", b"\"", b"'", b"=", b"1e999", b"-99999999999999999999", b"nan", b"\xc2\xb2",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[Path]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(SNIPPETS) | st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutated_fixtures_parse_or_fail_cleanly(kind: str, workdir: Path) -> None:
    @FUZZ
    @given(data=mutated(SEEDS[kind]))
    def run(data: bytes) -> None:
        parse_file(kind, write(workdir, kind, data))

    run()


# --- entities --------------------------------------------------------------------------------

ROOTS = {"alto": "alto", "hocr": "html", "pagexml": "PcGts", "mets": "mets"}
LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file an external entity would read: its text must never show up anywhere."""
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text("SECRET-3f9c1e7a")
    return path


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[object]]]:
    """A loopback port that records connections: libxml2 fetches in C, below the socket guard
    of conftest.py, so a fetch attempt is only seen by someone listening."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    hits: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                hits.append(conn)
                conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    server.close()


def hostile_doctypes(root: str, secret: Path, url: str) -> dict[str, tuple[str, str]]:
    """name -> (DOCTYPE, body text that uses it)."""
    return {
        "billion_laughs": (f'<!DOCTYPE {root} [<!ENTITY lol0 "lol">{LAUGHS}]>', "&lol9;"),
        "quadratic_blowup": (f'<!DOCTYPE {root} [<!ENTITY a "{"a" * 50_000}">]>', "&a;" * 2000),
        "xxe_file": (f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"),
        "xxe_passwd": (f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        "xxe_http": (f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "{url}/x">]>', "&x;"),
        "parameter_entity": (f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', ""),
    }


def document_with(kind: str, doctype: str, payload: str) -> str:
    """A minimal real document of the kind, with the payload where its text goes."""
    body = {
        "alto": f'<alto><Layout><Page><TextBlock><TextLine><String CONTENT="{payload}"/>'
                f"</TextLine></TextBlock></Page></Layout><x>{payload}</x></alto>",
        "hocr": f'<html><body><div class="ocr_page"><span class="ocr_line">'
                f'<span class="ocrx_word">w {payload}</span></span></div></body></html>',
        "pagexml": f"<PcGts><Page><TextRegion><TextLine><TextEquiv><Unicode>w {payload}"
                   f"</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>",
        "mets": f'<mets><dmdSec ID="D"><mods><titleInfo><title>{payload}</title></titleInfo>'
                f'</mods></dmdSec><structMap TYPE="LOGICAL"><div TYPE="ARTICLE" DMDID="D"/>'
                f"</structMap></mets>",
    }[kind]
    return doctype + body


def encoded_variants(text: str) -> dict[str, bytes]:
    """Encodings chosen to slip past a byte scan for ``<!ENTITY``: wide ones, and UTF-7 and
    EBCDIC, where the declaration is not even written with ASCII bytes."""
    return {
        "utf-8": text.encode(),
        "utf-16": text.encode("utf-16"),
        "utf-16-be-no-bom": text.encode("utf-16-be"),
        "utf-32": text.encode("utf-32"),
        "utf-7": ('<?xml version="1.0" encoding="UTF-7"?>' + text.replace("<!", "+ADw-!")).encode(),
        "ebcdic": ('<?xml version="1.0" encoding="IBM037"?>' + text).encode("cp037"),
    }


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_entities_are_never_expanded_or_fetched(kind: str, workdir: Path, secret: Path,
                                                listener: tuple[str, list[object]]) -> None:
    url, hits = listener
    for name, (doctype, payload) in hostile_doctypes(ROOTS[kind], secret, url).items():
        for encoding, data in encoded_variants(document_with(kind, doctype, payload)).items():
            outcome = parse_file(kind, write(workdir, kind, data), seconds=2.0)
            shown = str(outcome) if isinstance(outcome, ParseError) else json.dumps(
                [(d.raw_text, d.title, d.meta) for d in outcome.documents], default=str)
            assert isinstance(outcome, ParseError), f"{name} in {encoding} was not refused"
            assert "SECRET-3f9c1e7a" not in shown and "root:" not in shown
            assert "lollol" not in shown and "aaaaaaaaaa" not in shown
    assert hits == [], "a parser tried to fetch an external entity or DTD"


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_external_dtd_and_xinclude_are_not_loaded(kind: str, workdir: Path, secret: Path,
                                                  listener: tuple[str, list[object]]) -> None:
    """No entity declarations, so the file may parse, but nothing outside it is read."""
    url, hits = listener
    doctypes = [f'<!DOCTYPE {ROOTS[kind]} SYSTEM "file://{secret}">',
                f'<!DOCTYPE {ROOTS[kind]} PUBLIC "-//X//DTD X//EN" "{url}/x.dtd">']
    xinclude = (f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret}" '
                'parse="text"/>')
    for doctype in doctypes:
        outcome = parse_file(kind, write(workdir, kind, document_with(kind, doctype, "").encode()))
        assert "SECRET" not in str(outcome)
    data = document_with(kind, "", "").replace("</", xinclude + "</", 1).encode()
    outcome = parse_file(kind, write(workdir, kind, data))
    if isinstance(outcome, ParseResult):
        assert "SECRET" not in json.dumps([d.raw_text for d in outcome.documents])
    assert hits == []


# --- structures that made the parsers super-linear ---------------------------------------------

def nested_hocr(depth: int, words: int) -> bytes:
    """Paragraphs and lines nested ``depth`` deep around many words: each paragraph re-read every
    line below it and each line every word below it."""
    inner = "".join(f'<span class="ocrx_word" title="bbox 1 2 3 4; x_wconf 90">w{i}</span> '
                    for i in range(words))
    opening = '<p class="ocr_par"><span class="ocr_line">' * depth
    return (f'<html><body><div class="ocr_page">{opening}{inner}'
            f'{"</span></p>" * depth}</div></body></html>').encode()


def nested_alto(depth: int, words: int) -> bytes:
    """TextBlocks nested in TextBlocks: each level once re-read every word below it."""
    inner = "".join(f'<String CONTENT="w{i}" WC="0.9"/>' for i in range(words))
    return (f'<alto><Layout><Page>{"<TextBlock><TextLine>" * depth}{inner}'
            f'{"</TextLine></TextBlock>" * depth}</Page></Layout></alto>').encode()


def section_areas(areas: int) -> bytes:
    """A SECTION's own areas after its one article: each once scanned every later event."""
    fptrs = "".join(f'<fptr><area FILEID="F" BEGIN="b{i}"/></fptr>' for i in range(areas))
    return ('<mets xmlns:xlink="http://www.w3.org/1999/xlink"><fileSec><fileGrp>'
            '<file ID="F" MIMETYPE="text/xml"><FLocat xlink:href="alto/page-0001.xml"/></file>'
            '</fileGrp></fileSec><structMap TYPE="LOGICAL"><div TYPE="SECTION">'
            f'<div TYPE="ARTICLE"/>{fptrs}</div></structMap></mets>').encode()


@pytest.mark.parametrize(("kind", "build", "words"), [
    ("hocr", lambda: nested_hocr(100, 2_000), 2_000),   # took 84 s, now ~0.05 s
    ("alto", lambda: nested_alto(120, 10_000), 10_000),  # took ~30 s and ~250 MB
    # took ~50 s; its areas name no block of the page, whose 23 words are its page remainder
    ("mets", lambda: section_areas(40_000), 23),
], ids=["hocr-nested", "alto-nested", "mets-section-areas"])
def test_hostile_structures_parse_in_linear_time(kind: str, build: Callable[[], bytes], words: int,
                                                 workdir: Path) -> None:
    result = parse_file(kind, write(workdir, kind, build()))
    assert isinstance(result, ParseResult)
    # each word is read once, not once per level of nesting
    assert sum(len(ln.words) for d in result.documents for b in d.blocks for ln in b.lines) == words


# --- memory, measured in a fresh process ------------------------------------------------------

MEASURE = """
import json, sys, time
from pathlib import Path
from ragarchive.errors import ParseError
from ragarchive.ingest.formats import alto, hocr, mets, pagexml
parse = {"alto": alto.parse_alto, "hocr": hocr.parse_hocr, "pagexml": pagexml.parse_pagexml,
         "mets": mets.parse_mets}[sys.argv[1]]
def status(key):  # this process image only: ru_maxrss would include the forking parent's
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(key))
    return int(line.split()[1]) * 1024
before = status("VmRSS:")
start = time.perf_counter()
try:
    result = parse(Path(sys.argv[2]))
    outcome = sum(len(ln.words) for d in result.documents for b in d.blocks for ln in b.lines)
except ParseError as exc:
    outcome = "ParseError: " + str(exc)[:200]
peak = status("VmHWM:")
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start,
                  "peak_mb": (peak - before) / 2**20}))
"""


def measure(kind: str, path: Path) -> dict:
    """Parse in a new interpreter: its peak RSS (lxml's C allocations included, which
    tracemalloc cannot see) is this file's alone. Linux only (/proc)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, kind, str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def deep(kind: str, levels: int) -> bytes:
    """``levels`` nested elements of the kind's own nesting sort around one word."""
    if kind == "hocr":  # paragraphs in lines in paragraphs ...
        pairs = levels // 2
        inner = '<p class="ocr_par"><span class="ocr_line">' * pairs + "x" + "</span></p>" * pairs
        return f'<html><body><div class="ocr_page">{inner}</div></body></html>'.encode()
    tag = {"alto": "TextBlock", "pagexml": "TextRegion", "mets": "div"}[kind]
    inner = f"<{tag}>" * levels + "x" + f"</{tag}>" * levels
    return f"<{ROOTS[kind]}>{inner}</{ROOTS[kind]}>".encode()


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_100k_nested_elements_use_little_memory(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"deep{SUFFIX[kind]}"
    path.write_bytes(deep(kind, 100_000))
    found = measure(kind, path)
    # libxml2 stops at depth 256 (the XML parsers refuse the file, the HTML fallback for hOCR
    # reads the first 256 levels); no Python recursion follows the nesting.
    assert found["peak_mb"] < 100, found
    assert found["seconds"] < 10, found


def test_50_mb_of_text_nodes_stays_within_a_few_times_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    node = "x" * (5 * 2**20)  # libxml2 refuses single text nodes over 10 MB (huge_tree=False)
    region = f"<TextRegion><TextLine><TextEquiv><Unicode>{node}</Unicode></TextEquiv></TextLine></TextRegion>"
    path.write_text(f"<PcGts><Page>{region * 10}</Page></PcGts>")
    found = measure("pagexml", path)
    assert found["outcome"] == 10, found  # parsed: one long "word" per line
    assert found["peak_mb"] < 8 * 50, found  # measured ~100 MB: bytes, tree and str copies


def test_one_50_mb_text_node_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "node.xml"
    path.write_text("<PcGts><Page><TextRegion><TextLine><TextEquiv><Unicode>"
                    + "y" * (50 * 2**20) + "</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>")
    found = measure("pagexml", path)
    assert str(found["outcome"]).startswith("ParseError") and "too long" in found["outcome"]
    assert found["peak_mb"] < 8 * 50, found


@pytest.mark.parametrize("kind", ["alto", "hocr", "pagexml"])
def test_word_dense_files_stay_linear_in_memory(kind: str, tmp_path: Path) -> None:
    """~3 MB of words. Each word becomes a few Python objects (~25 times its bytes, measured);
    the bound is generous but catches any per-level or per-pair blow-up."""
    n = 30_000
    words = {
        "alto": lambda i: f'<TextBlock><TextLine><String CONTENT="wort{i}" WC="0.9" HPOS="1" '
                          f'VPOS="2" WIDTH="3" HEIGHT="4"/><String CONTENT="zwei{i}"/></TextLine></TextBlock>',
        "hocr": lambda i: f'<p class="ocr_par"><span class="ocr_line"><span class="ocrx_word" '
                          f'title="bbox 1 2 3 4; x_wconf 90">wort{i}</span> <span class="ocrx_word">'
                          f"zwei{i}</span></span></p>",
        "pagexml": lambda i: f'<TextRegion><Coords points="1,2 3,4"/><TextLine><TextEquiv><Unicode>'
                             f"wort{i} zwei{i}</Unicode></TextEquiv></TextLine></TextRegion>",
    }[kind]
    body = "".join(words(i) for i in range(n))
    text = {"alto": f"<alto><Layout><Page>{body}</Page></Layout></alto>",
            "hocr": f'<html><body><div class="ocr_page">{body}</div></body></html>',
            "pagexml": f"<PcGts><Page>{body}</Page></PcGts>"}[kind]
    path = tmp_path / f"dense{SUFFIX[kind]}"
    path.write_text(text)
    found = measure(kind, path)
    assert found["outcome"] == 2 * n, found
    size_mb = path.stat().st_size / 2**20
    assert found["peak_mb"] < 60 * size_mb, (found, size_mb)


def test_the_time_bound_itself_fires() -> None:
    """The alarm interrupts Python-level loops, so a hang fails rather than stalls."""
    with pytest.raises(Hang):
        with time_bound(0.2):
            while True:
                pass



@pytest.mark.parametrize("page", ["²", "9" * 5000, 10**30, "-1", 1.5])
def test_hostile_page_numbers_in_a_sidecar_are_dropped_with_a_warning(page: object,
                                                                      tmp_path: Path) -> None:
    """hOCR pages (and page images, plain text) take metadata from a JSON sidecar, which is
    hostile input too: a page number that is no page is a warning, never a crash."""
    from ragarchive.ingest.discover import SourceFile
    from ragarchive.ingest.formats import parse

    path = tmp_path / "scan.hocr"
    shutil.copy(FIXTURES / "hocr" / "tesseract_page.hocr", path)
    path.with_suffix(".json").write_text(json.dumps({"page": page}))
    result = parse(SourceFile(path, "hocr"))
    check_sane(result)
    assert any("ignored page" in w for w in result.warnings), result.warnings
