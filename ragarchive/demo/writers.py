"""Serialise set articles as the formats the ingest parsers read: METS/ALTO, hOCR, text, PNG.

Every writer returns bytes and uses no clock, so the archive is byte-for-byte reproducible.
XML is built with lxml and follows what real producers write (ALTO v3 as CCS docWorks/ABBYY
exports it, METS with a MODS record per article, hOCR as tesseract writes it), so the demo
exercises the same code paths as real archives; see docs/formats.md for what is read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from lxml import etree

from .layout import PAGE_HEIGHT, PAGE_WIDTH, Page, SetArticle, Token, text_width

GENERATOR = "ragarchive demo generator (simulated OCR of fictional newspapers)"

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v3#"
METS_NS = "http://www.loc.gov/METS/"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_ALTO = "{%s}" % ALTO_NS
_METS = "{%s}" % METS_NS
_MODS = "{%s}" % MODS_NS
_H = "{%s}" % XHTML_NS


def _xml(root: etree._Element, doctype: str | None = None) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype=doctype)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        el.set(key, value)
    if text is not None:
        el.text = text
    return el


# --- ALTO ------------------------------------------------------------------------------------


def alto_page(page: Page, image_name: str, language: str, font: str) -> bytes:
    """One ALTO v3 page in pixels: TextBlock/TextLine/String with WC, SP and HYP elements."""
    root = etree.Element(_ALTO + "alto", nsmap={None: ALTO_NS, "xsi": XSI_NS, "xlink": XLINK_NS})
    root.set("{%s}schemaLocation" % XSI_NS,
             ALTO_NS + " http://www.loc.gov/alto/v3/alto-3-1.xsd")
    desc = _sub(root, _ALTO + "Description")
    _sub(desc, _ALTO + "MeasurementUnit", "pixel")
    _sub(_sub(desc, _ALTO + "sourceImageInformation"), _ALTO + "fileName", image_name)
    step = _sub(_sub(desc, _ALTO + "OCRProcessing", ID="OCR_0"), _ALTO + "ocrProcessingStep")
    software = _sub(step, _ALTO + "processingSoftware")
    _sub(software, _ALTO + "softwareCreator", "ragarchive")
    _sub(software, _ALTO + "softwareName", GENERATOR)
    styles = _sub(root, _ALTO + "Styles")
    for sid, size in (("TXT_0", "9"), ("TXT_1", "14"), ("TXT_2", "28"), ("TXT_3", "11")):
        _sub(styles, _ALTO + "TextStyle", ID=sid, FONTFAMILY=font, FONTSIZE=size)
    style_of = {"body": "TXT_0", "heading": "TXT_1", "masthead": "TXT_2", "subhead": "TXT_3"}

    n = page.number
    layout = _sub(root, _ALTO + "Layout")
    page_el = _sub(layout, _ALTO + "Page", ID=f"P{n}", PHYSICAL_IMG_NR=str(n),
                   PRINTED_IMG_NR=str(n), WIDTH=str(PAGE_WIDTH), HEIGHT=str(PAGE_HEIGHT))
    space = _sub(page_el, _ALTO + "PrintSpace", ID=f"P{n}_PS00001", HPOS="60", VPOS="100",
                 WIDTH=str(PAGE_WIDTH - 120), HEIGHT=str(PAGE_HEIGHT - 180))
    line_no = word_no = 0
    for block in page.blocks:
        tb = _sub(space, _ALTO + "TextBlock", ID=block.block_id, **_box(block),
                  STYLEREFS=style_of[block.role], LANG=language)
        for line in block.lines:
            line_no += 1
            tl = _sub(tb, _ALTO + "TextLine", ID=f"P{n}_TL{line_no:05d}", **_box(line))
            for i, token in enumerate(line.tokens):
                if i:
                    prev = line.tokens[i - 1]
                    gap_from = prev.x + prev.w
                    _sub(tl, _ALTO + "SP", WIDTH=str(max(1, token.x - gap_from)),
                         HPOS=str(gap_from), VPOS=str(token.y))
                word_no += 1
                _alto_string(tl, token, f"P{n}_ST{word_no:05d}")
    return _xml(root)


def _alto_string(tl: etree._Element, token: Token, sid: str) -> None:
    attrs = {"ID": sid, **_box(token), "CONTENT": token.text}
    if token.hyp and token.marked:
        attrs["SUBS_TYPE"] = f"HypPart{token.hyp}"
        attrs["SUBS_CONTENT"] = token.subs or ""
    attrs["WC"] = f"{token.conf:.2f}"
    _sub(tl, _ALTO + "String", **attrs)
    if token.hyp == 1:
        # A producer that recognised the hyphenation always writes its HYP; otherwise the hyphen
        # is there only if OCR saw one.
        hyphen = token.hyphen or ("-" if token.marked else "")
        if hyphen:
            _sub(tl, _ALTO + "HYP", HPOS=str(token.x + token.w), VPOS=str(token.y),
                 WIDTH=str(text_width(hyphen)), CONTENT=hyphen)


def _box(item: Any) -> dict[str, str]:
    return {"HPOS": str(item.x), "VPOS": str(item.y), "WIDTH": str(item.w), "HEIGHT": str(item.h)}


# --- METS ------------------------------------------------------------------------------------


def mets_issue(paper: str, info: dict[str, Any], date: str, pages: list[tuple[int, str]],
               masthead: list[tuple[int, str]],
               articles: list[tuple[dict[str, Any], list[tuple[int, str]], list[tuple[int, str]]]]
               ) -> bytes:
    """A METS issue: issue MODS, one MODS per article, the ALTO fileSec, physical pages and a
    logical structMap whose ARTICLE divisions name their ALTO TextBlocks (heading, then body).

    ``pages`` are (page number, ALTO href); ``masthead`` and each article's heading and body
    areas are (page number, TextBlock ID).
    """
    objid = f"{info['slug']}-{date}"
    root = etree.Element(_METS + "mets", nsmap={"mets": METS_NS, "mods": MODS_NS,
                                                "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set("{%s}schemaLocation" % XSI_NS,
             f"{METS_NS} http://www.loc.gov/standards/mets/mets.xsd "
             f"{MODS_NS} http://www.loc.gov/standards/mods/v3/mods-3-6.xsd")
    root.set("OBJID", objid)
    root.set("TYPE", "Newspaper")
    root.set("LABEL", f"{paper} {date}")
    agent = _sub(_sub(root, _METS + "metsHdr"), _METS + "agent", ROLE="CREATOR", TYPE="OTHER",
                 OTHERTYPE="SOFTWARE")
    _sub(agent, _METS + "name", GENERATOR)
    _sub(agent, _METS + "note", "Fictional demo data: the newspaper, people and events are invented.")

    issue = _mods(root, "MODSMD_ISSUE")
    _sub(_sub(issue, _MODS + "titleInfo"), _MODS + "title", paper)
    origin = _sub(issue, _MODS + "originInfo")
    _sub(_sub(origin, _MODS + "place"), _MODS + "placeTerm", info["place"], type="text")
    _sub(origin, _MODS + "dateIssued", date, encoding="iso8601", keyDate="yes")
    _language(issue, info["mods_language"])
    _sub(issue, _MODS + "genre", "issue")
    _sub(issue, _MODS + "note", "Fictional newspaper written for the ragarchive demo.")
    _sub(_sub(issue, _MODS + "recordInfo"), _MODS + "recordIdentifier",
         f"ragarchive-demo:{objid}")
    for i, (article, _, _) in enumerate(articles, 1):
        mods = _mods(root, f"MODSMD_ART{i:02d}")
        title_info = _sub(mods, _MODS + "titleInfo")
        title_info.set(XML_LANG, article["language"])
        _sub(title_info, _MODS + "title", article["title"])
        _language(mods, info["mods_language"])
        _sub(mods, _MODS + "genre", "article")

    file_id = {page: f"ALTO{page:05d}" for page, _ in pages}
    group = _sub(_sub(root, _METS + "fileSec"), _METS + "fileGrp", ID="ALTOGRP", USE="Text")
    for seq, (page, href) in enumerate(pages, 1):
        f = _sub(group, _METS + "file", ID=file_id[page], MIMETYPE="text/xml", SEQ=str(seq))
        _sub(f, _METS + "FLocat", LOCTYPE="URL", **{"{%s}href" % XLINK_NS: href})

    physical = _sub(root, _METS + "structMap", ID="PHYS", TYPE="PHYSICAL", LABEL="Physical Structure")
    seq_div = _sub(physical, _METS + "div", ID="PHYS_0000", TYPE="physSequence", LABEL=paper)
    for page, _ in pages:
        div = _sub(seq_div, _METS + "div", ID=f"PHYS_{page:04d}", TYPE="PAGE", ORDER=str(page),
                   ORDERLABEL=str(page))
        _sub(_sub(div, _METS + "fptr"), _METS + "area", FILEID=file_id[page], BEGIN=f"P{page}",
             BETYPE="IDREF")

    logical = _sub(root, _METS + "structMap", ID="LOG", TYPE="LOGICAL", LABEL="Logical Structure")
    paper_div = _sub(logical, _METS + "div", ID="LOG_0000", TYPE="Newspaper", LABEL=paper)
    issue_div = _sub(paper_div, _METS + "div", ID="LOG_0001", TYPE="ISSUE", DMDID="MODSMD_ISSUE",
                     LABEL=f"{paper} {date}")
    title_div = _sub(issue_div, _METS + "div", ID="LOG_0002", TYPE="TITLE_SECTION")
    _areas(title_div, masthead, file_id)
    for i, (article, heading, body) in enumerate(articles, 1):
        div = _sub(issue_div, _METS + "div", ID=f"ART{i:02d}", TYPE="ARTICLE",
                   DMDID=f"MODSMD_ART{i:02d}", LABEL=article["title"], ORDER=str(i))
        _areas(_sub(div, _METS + "div", ID=f"ART{i:02d}_HEAD", TYPE="HEADING"), heading, file_id)
        _areas(_sub(div, _METS + "div", ID=f"ART{i:02d}_BODY", TYPE="BODY"), body, file_id)
    return _xml(root)


def _mods(root: etree._Element, dmd_id: str) -> etree._Element:
    dmd = _sub(root, _METS + "dmdSec", ID=dmd_id)
    wrap = _sub(dmd, _METS + "mdWrap", MDTYPE="MODS", MIMETYPE="text/xml")
    return _sub(_sub(wrap, _METS + "xmlData"), _MODS + "mods")


def _language(mods: etree._Element, code: str) -> None:
    _sub(_sub(mods, _MODS + "language"), _MODS + "languageTerm", code, authority="iso639-2b",
         type="code")


def _areas(div: etree._Element, areas: list[tuple[int, str]], file_id: dict[int, str]) -> None:
    fptr = _sub(div, _METS + "fptr")
    parent = _sub(fptr, _METS + "seq") if len(areas) > 1 else fptr
    for page, block_id in areas:
        _sub(parent, _METS + "area", FILEID=file_id[page], BEGIN=block_id, BETYPE="IDREF")


# --- hOCR ------------------------------------------------------------------------------------

_XHTML_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
                  '    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')


def hocr_page(page: Page, image_name: str, ocr_language: str) -> bytes:
    """One page as tesseract's hOCR: ocr_page > ocr_carea > ocr_par > ocr_line > ocrx_word."""
    root = etree.Element(_H + "html", nsmap={None: XHTML_NS})
    root.set(XML_LANG, "en")
    root.set("lang", "en")
    head = _sub(root, _H + "head")
    _sub(head, _H + "title", "")
    _sub(head, _H + "meta", **{"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    _sub(head, _H + "meta", name="ocr-system", content=GENERATOR)
    _sub(head, _H + "meta", name="ocr-capabilities",
         content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf")
    body = _sub(root, _H + "body")
    n = page.number
    page_el = _sub(body, _H + "div", **{
        "class": "ocr_page", "id": "page_1",
        "title": f'image "{image_name}"; bbox 0 0 {PAGE_WIDTH} {PAGE_HEIGHT}; '
                 f"ppageno {n - 1}; scan_res 300 300"})
    line_no = word_no = 0
    for i, block in enumerate(page.blocks, 1):
        carea = _sub(page_el, _H + "div", **{"class": "ocr_carea", "id": f"block_1_{i}",
                                             "title": _bbox(block)})
        par = _sub(carea, _H + "p", **{"class": "ocr_par", "id": f"par_1_{i}", "lang": ocr_language,
                                      "title": _bbox(block)})
        for line in block.lines:
            line_no += 1
            kind = "ocr_header" if block.role == "heading" else "ocr_line"
            descent = max(4, line.h // 5)
            span = _sub(par, _H + "span", **{
                "class": kind, "id": f"line_1_{line_no}",
                "title": f"{_bbox(line)}; baseline 0 -{descent}; x_size {line.h}; "
                         f"x_descenders {descent}; x_ascenders {line.h // 4}"})
            for token in line.tokens:
                word_no += 1
                w = text_width(token.printed) if token.hyp == 1 else token.w
                _sub(span, _H + "span", token.printed, **{
                    "class": "ocrx_word", "id": f"word_1_{word_no}",
                    "title": f"bbox {token.x} {token.y} {token.x + w} {token.y + token.h}; "
                             f"x_wconf {round(token.conf * 100)}"})
    return _xml(root, doctype=_XHTML_DOCTYPE)


def _bbox(item: Any) -> str:
    return f"bbox {item.x} {item.y} {item.x + item.w} {item.y + item.h}"


# --- plain text ------------------------------------------------------------------------------


def text_export(setting: SetArticle) -> bytes:
    """The article as an OCR plain-text export: heading, blank line, paragraphs, raw line breaks."""
    return setting.plain_text().encode("utf-8")


def sidecar(doc_id: str, paper: str, article: dict[str, Any]) -> bytes:
    """The ``name.json`` next to a ``name.txt``, ``.hocr`` or ``.png``: the keys the parsers
    read, plus notes."""
    record = {
        "id": doc_id,
        "newspaper": paper,
        "title": article["title"],
        "date": article["date"],
        "language": article["language"],
        "page": article["page"],
        "fictional": True,
        "note": "Invented article from the ragarchive demo archive.",
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- page image ------------------------------------------------------------------------------


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def png_article(paper: str, article: dict[str, Any]) -> bytes:
    """A clean scan-like PNG of one article (black on white, large type) for tesseract to read.

    Uses Pillow's bundled TrueType font (``ImageFont.load_default(size=...)``, Pillow >= 10.1),
    so the picture does not depend on the fonts a machine happens to have.
    """
    from PIL import Image, ImageDraw, ImageFont

    if not (article["title"] + article["text"]).isascii():
        # The bundled font lacks many non-ASCII glyphs; a missing glyph would print as a box.
        raise ValueError(f"image article {article['title']!r} must be plain ASCII")
    width, margin = 1800, 120
    fonts = {"small": ImageFont.load_default(size=32), "head": ImageFont.load_default(size=60),
             "body": ImageFont.load_default(size=42)}
    day = dt.date.fromisoformat(article["date"])
    # Names spelled out here: strftime would follow the machine's locale. Plain ASCII only: the
    # bundled font has no glyph for dashes and the like.
    dateline = (f"{paper.upper()}, {_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} "
                f"{day.day}, {day.year}, page {article['page']}")
    rows: list[tuple[str, str, bool]] = [("small", dateline, True), ("rule", "", False)]
    rows += [("head", ln, True) for ln in _fit(article["title"], fonts["head"], width - 2 * margin)]
    for par in article["text"].split("\n\n"):
        rows += [("gap", "", False)]
        rows += [("body", ln, False) for ln in _fit(par, fonts["body"], width - 2 * margin)]
    pitch = {"small": 56, "rule": 40, "head": 90, "gap": 20, "body": 62}
    height = 2 * margin + sum(pitch[kind] for kind, _, _ in rows)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for kind, text, centre in rows:
        if kind == "rule":
            draw.line([(margin, y + 16), (width - margin, y + 16)], fill=0, width=3)
        elif text:
            font = fonts[kind]
            x = (width - font.getlength(text)) / 2 if centre else margin
            draw.text((x, y), text, font=font, fill=0)
        y += pitch[kind]
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def _fit(text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if cur and font.getlength(trial) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines
