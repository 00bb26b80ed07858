"""Assemble the demo archive in memory: relative path -> file bytes.

Articles are grouped the way archives deliver them: articles of one paper, date and format
``mets`` become one METS issue with an ALTO file per page; ``hocr`` articles of one paper, date
and page share one hOCR page; ``text`` articles are one ``.txt`` + ``.json`` sidecar each;
``image`` articles are one PNG each (hOCR pages and PNGs get a ``.json`` sidecar too). Each article's noise comes from its own
``random.Random(seed:paper:date:title)``, so editing one article never changes another's files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from .writers import alto_page, hocr_page, mets_issue, png_article, sidecar, text_export
from .articles import ARTICLES, PAPERS
from .layout import PageSetter, SetArticle, set_article


def archive_files(seed: int) -> dict[str, bytes]:
    """Every file of the demo archive, by path relative to the archive folder (``/`` separated)."""
    files: dict[str, bytes] = {}
    issues: dict[tuple[str, str], list[dict[str, Any]]] = {}
    hocr_pages: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    text_numbers: Counter[tuple[str, str, int]] = Counter()
    for article in ARTICLES:
        paper, date, page = article["paper"], article["date"], article["page"]
        fmt = article["format"]
        info = PAPERS[paper]
        if fmt == "mets":
            issues.setdefault((paper, date), []).append(article)
        elif fmt == "hocr":
            hocr_pages.setdefault((paper, date, page), []).append(article)
        elif fmt == "text":
            text_numbers[(paper, date, page)] += 1
            doc_id = f"{info['slug']}-{date}-p{page}-a{text_numbers[(paper, date, page)]}"
            setting = _set(article, seed)
            files[f"{info['folder']}/text/{doc_id}.txt"] = text_export(setting)
            files[f"{info['folder']}/text/{doc_id}.json"] = sidecar(doc_id, paper, article)
        elif fmt == "image":
            name = f"{info['slug']}-{date}-p{page}.png"
            files[f"{info['folder']}/images/{name}"] = png_article(paper, article)
            # tesseract reads only the text; title, date and language come from the sidecar
            files[f"{info['folder']}/images/{name[:-4]}.json"] = sidecar(
                name[:-4], paper, article)
        else:
            raise ValueError(f"unknown format {fmt!r} for {article['title']!r}")
    for (paper, date), articles in issues.items():
        files.update(_issue_files(paper, date, articles, seed))
    for (paper, date, page), articles in hocr_pages.items():
        info = PAPERS[paper]
        setter = PageSetter(page)
        for i, article in enumerate(articles):
            setter.article(i, _set(article, seed))
        stem = f"{info['slug']}-{date}-p{page}"
        files[f"{info['folder']}/hocr/{stem}.hocr"] = hocr_page(
            setter.page, f"{stem}.tif", info["tesseract_language"])
        page_record = {**articles[0], "title": " / ".join(a["title"] for a in articles)}
        files[f"{info['folder']}/hocr/{stem}.json"] = sidecar(stem, paper, page_record)
    files["README.md"] = readme().encode("utf-8")
    return dict(sorted(files.items()))


def _set(article: dict[str, Any], seed: int) -> SetArticle:
    rng = random.Random(f"{seed}:{article['paper']}:{article['date']}:{article['title']}")
    return set_article(article, PAPERS[article["paper"]]["script"], rng)


def _issue_files(paper: str, date: str, articles: list[dict[str, Any]], seed: int
                 ) -> dict[str, bytes]:
    info = PAPERS[paper]
    folder = f"{info['folder']}/{date}"
    font = "Fraktur" if info["script"] == "fraktur" else "Times New Roman"
    ordered = sorted(articles, key=lambda a: a["page"])  # stable: keeps the list order per page
    files: dict[str, bytes] = {}
    pages: list[tuple[int, str]] = []
    masthead: list[tuple[int, str]] = []
    placed: list[tuple[dict[str, Any], list[tuple[int, str]], list[tuple[int, str]]]] = []
    for page in sorted({a["page"] for a in ordered}):
        setter = PageSetter(page)
        if page == 1:
            setter.masthead(_masthead_title(paper, info), _dateline(info, date))
            masthead = [(page, b.block_id) for b in setter.page.blocks]
        for article in (a for a in ordered if a["page"] == page):
            heading, body = setter.article(len(placed), _set(article, seed))
            placed.append((article, [(page, b) for b in heading], [(page, b) for b in body]))
        href = f"alto/{info['slug']}-{date}-p{page:03d}.xml"
        files[f"{folder}/{href}"] = alto_page(
            setter.page, f"{info['slug']}-{date}-p{page:03d}.tif", info["language"], font)
        pages.append((page, href))
    files[f"{folder}/{info['slug']}-{date}-mets.xml"] = mets_issue(
        paper, info, date, pages, masthead, placed)
    return files


def _masthead_title(paper: str, info: dict[str, Any]) -> str:
    if info["script"] == "fraktur":
        from .noise import long_s_text

        return long_s_text(paper)
    return paper.upper()


_WEEKDAYS = {
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def _dateline(info: dict[str, Any], date: str) -> str:
    """The line under the masthead: issue number, place and date in the paper's language."""
    day = dt.date.fromisoformat(date)
    lang = info["language"]
    number = day.timetuple().tm_yday // 7 + 1  # a weekly: the week of the year
    weekday, month = _WEEKDAYS[lang][day.weekday()], _MONTHS[lang][day.month - 1]
    if lang == "de":
        from .noise import long_s_text

        return long_s_text(f"Nro. {number}. {info['subtitle']}. {info['place']}, {weekday}, "
                           f"den {day.day}. {month} {day.year}.")
    if lang == "fr":
        return f"N° {number}. {info['subtitle']}. {info['place']}, {weekday} {day.day} {month} {day.year}."
    return f"No. {number}. {info['place']}, {weekday}, {month} {day.day}, {day.year}. Price One Penny."


# --- README ----------------------------------------------------------------------------------

_FORMAT_NAMES = {"mets": "METS/ALTO", "text": "plain text + JSON", "hocr": "hOCR", "image": "PNG image"}


def readme() -> str:
    """The archive's README: what is fictional, how the folder is laid out, what is in it."""
    counts: Counter[tuple[str, str]] = Counter((a["paper"], a["format"]) for a in ARTICLES)
    rows = []
    for paper, info in PAPERS.items():
        years = sorted(a["date"][:4] for a in ARTICLES if a["paper"] == paper)
        cells = " | ".join(str(counts[(paper, fmt)]) for fmt in _FORMAT_NAMES)
        rows.append(f"| {paper} | `{info['folder']}/` | {info['language']} | "
                    f"{years[0]}–{years[-1]} | {cells} |")
    header = " | ".join(_FORMAT_NAMES.values())
    return f"""# ragarchive demo archive — FICTIONAL

**Everything in this folder is fictional.** The newspapers, the towns of Marbethal, Valmarbe
and Wendmouth, the rivers Marbe and Wend, and every person, price, date and event in the
articles were invented by the ragarchive project to demonstrate and test the software. None of
it is a historical record, and nothing here was copied from a real newspaper.

The files were written by `ragarchive.demo.write_demo_archive()` (run by `ragarchive demo`)
from hand-written article texts in `ragarchive/demo/articles.py`. They are regenerated
byte-for-byte identically on every run; edit the generator, not these files.

## What is in it

{len(ARTICLES)} articles from three invented newspapers in German, French and English:

| newspaper | folder | language | years | {header} |
|---|---|---|---|{"---|" * len(_FORMAT_NAMES)}
{chr(10).join(rows)}

Some events are reported in more than one language, so that questions in one language can be
answered from another: the Marbe flood of 12–13 March 1876 (German and French), the opening of
the Marbethal–Valmarbe railway on 15 September 1868 (German and French) and the Marbe flood of
January 1910 (French and English).

## Layout

```
README.md                                this file
<newspaper>/<YYYY-MM-DD>/                one METS/ALTO issue
    <paper>-<date>-mets.xml              METS: MODS per issue and per article, logical structMap
    alto/<paper>-<date>-p001.xml         ALTO v3 page (pixels, WC word confidences, HYP hyphens)
<newspaper>/text/<id>.txt + <id>.json    OCR plain-text export + metadata sidecar
<newspaper>/hocr/<paper>-<date>-p<n>.hocr  tesseract-style hOCR page (several articles)
    + <paper>-<date>-p<n>.json           metadata sidecar (paper, date, language, titles)
<newspaper>/images/<paper>-<date>-p<n>.png  page image, OCR'd with tesseract on ingest
    + <paper>-<date>-p<n>.json           metadata sidecar
```

The page scans that the METS, ALTO and hOCR files name (`*.tif`) are not included. hOCR and
page images have no metadata of their own, so their title, date and language come from the
JSON sidecar next to them.

## Simulated OCR noise

The text in the METS/ALTO, hOCR and plain-text files imitates OCR output: most words are right,
but some letters are confused (e/c, n/u, rn/m, l/1, ü/ii, ſ/f), line-end hyphens are sometimes
lost or read as `¬` or `=`, specks come out as garbage lines such as `■ ■ ,.;' ~~`, and misread
words have low confidences. The German paper was set in Fraktur, so its text keeps the long s
(`Hochwaſſer`). Numbers are never altered. ALTO files state most hyphenations with
`SUBS_TYPE="HypPart1"`/`"HypPart2"` and `SUBS_CONTENT`, some only with a `HYP` element. The PNG
image is clean; its errors are whatever tesseract makes of it.
"""
