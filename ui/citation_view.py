"""One source of an answer, made verifiable: its metadata, a citation to copy, the whole passage
with the answer's sentences marked, the rest of its article, and where it stands on the page.

Everything that can wait is in an HTML ``<details>`` (open on demand, no script needed); only the
"copy citation" button uses a script (the app's, see ``COPY_SCRIPT``), and its text is shown
beside it to select by hand where the browser refuses the clipboard (an http page that is not
localhost).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ragarchive.retrieval.query import content_terms
from ragarchive.text.names import looks_like_path
from ragarchive.text.sentences import split_sentences, unit_bounds
from ragarchive.ui.i18n import text
from ragarchive.ui.page_regions import passage_regions

# copies a citation's text (the button's data-citation) and says so on the button for a moment
COPY_SCRIPT = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.copy-citation');
  if (!button) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.citation);
    button.textContent = button.dataset.copied;
  } catch (error) {  // no clipboard (an http page): select the shown text to copy by hand
    const shown = button.parentElement.querySelector('.citation-text');
    window.getSelection().selectAllChildren(shown);
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});
"""


@dataclass
class Catalogue:
    """What a source needs from the archive besides the result: the archive's name and id (for
    the citation) and the texts of a document's chunks (for the rest of the article)."""

    archive: str = ""
    chunk_texts: Callable[[str], list[str]] | None = None  # doc id -> its chunks' texts, in order
    passage_chunks: Callable[[list[str]], list[str]] | None = None  # chunk ids -> their texts


def source_item(c: Any, result: Any, language: str, catalogue: Catalogue, snippet: str,
                turn: str = "1") -> str:
    """One source as an HTML list item; ``snippet`` is its visible excerpt (already HTML), ``turn``
    the answer's number in the session (the item's id, which the answer's ``[n]`` link to)."""
    cited = result.decision == "answer"
    span = result.answer_span if cited and result.answer_span and result.answer_span["n"] == c.n else None
    parts = [
        f'<div class="source-head"><b>[{c.n}]</b> {html.escape(c.title)} — {html.escape(meta_line(c, language))}</div>',
        f'<div class="snippet">{snippet}</div>',
        copy_block(citation_text(c, language, catalogue.archive), language),
        _details("full-passage", text("full_passage", language),
                 f'<div class="passage">{full_passage(c.text, result.text if cited else "", c.n, span)}</div>'),
        rest_of_article(c, language, catalogue),
        page_region(c, language, opened=cited),
    ]
    return f'<li class="source" id="source-{turn}-{c.n}" data-n="{c.n}">{"".join(p for p in parts if p)}</li>'


def meta_line(c: Any, language: str) -> str:
    """Newspaper (or title), date, page, language and OCR confidence, in the answer's language."""
    conf = text("ocr_confidence", language, confidence=f"{c.ocr_conf:.2f}") if c.ocr_conf is not None else ""
    page = text("page", language, page=c.page) if c.page else ""
    return " · ".join(x for x in (_source_name(c), c.date, page, c.language, conf) if x)


def _source_name(c: Any) -> str:
    return next((x for x in (c.newspaper, c.title) if x and not looks_like_path(x)), "")


def citation_text(c: Any, language: str, archive: str) -> str:
    """The source in a standard form: newspaper, date, page, title, and where it is kept (the
    archive's name and id, the document id), so the passage can be found again."""
    where = "".join(f", {x}" for x in (c.date, text("page", language, page=c.page) if c.page else "") if x)
    newspaper = _source_name(c) if c.newspaper else ""
    known = dict(where=where, archive=archive, document=c.document_id)
    if newspaper and c.title:
        return text("cite", language, source=newspaper, title=c.title, **known)
    # with neither newspaper nor title (an ALTO page), the file it came from names the source
    fallback = Path(c.source_path).name if c.source_path else c.document_id
    return text("cite_untitled", language, source=newspaper or c.title or fallback, **known)


def copy_block(citation: str, language: str) -> str:
    quoted = html.escape(citation, quote=True)
    return (f'<div class="cite"><span class="citation-text">{html.escape(citation)}</span> '
            f'<button type="button" class="copy-citation" data-citation="{quoted}" '
            f'data-copied="{html.escape(text("copied", language), quote=True)}">'
            f'{html.escape(text("copy_citation", language))}</button></div>')


def _details(kind: str, summary: str, body: str, opened: bool = False) -> str:
    return (f'<details class="{kind}"{" open" if opened else ""}><summary>{html.escape(summary)}</summary>'
            f"{body}</details>")


# -- the passage, with the answer's sentences marked ------------------------------------------

_QUOTE = re.compile(r'"([^"]+)"|„([^“”]+)[“”]|«\s*([^»]+?)\s*»')


def full_passage(passage: str, answer: str, n: int, span: dict | None) -> str:
    """The whole passage (HTML), the sentences the answer takes from it marked
    (``answer-sentence``) and the answer's fact in it (``answer-span``)."""
    marks = [(a, b, "answer-sentence") for a, b in answer_sentence_spans(passage, answer, n)]
    if span and 0 <= span["start"] < span["end"] <= len(passage):
        marks.append((span["start"], span["end"], "answer-span"))
    return marked(passage, marks)


def answer_sentence_spans(passage: str, answer: str, n: int) -> list[tuple[int, int]]:
    """Where the answer's sentences citing ``[n]`` stand in the passage: the text they quote,
    found word for word (line breaks and the quote marks the answer changed do not matter),
    else the passage sentence sharing most of their content words (at least half)."""
    found: list[tuple[int, int]] = []
    for sentence in (s for s in split_sentences(answer) if f"[{n}]" in s):
        quotes = [q for m in _QUOTE.finditer(sentence) for q in m.groups() if q]
        located = [x for q in quotes for part in q.split(" … ") if (x := _locate(passage, part))]
        found += located or _closest_sentence(passage, sentence)
    return sorted(set(found))


def _locate(passage: str, quote: str) -> tuple[int, int] | None:
    words = quote.strip(" …").split()
    if not words:
        return None
    # the extractive answer writes the passage's " as ' (its own quote marks stay unambiguous)
    pattern = r"\s+".join(re.escape(w).replace("'", "['\"’]") for w in words)
    m = re.search(pattern, passage)
    return (m.start(), m.end()) if m else None


def _closest_sentence(passage: str, sentence: str) -> list[tuple[int, int]]:
    wanted = set(content_terms(re.sub(r"\[\d+\]", "", sentence)))
    if not wanted:
        return []
    scored = [(len(wanted & set(content_terms(passage[a:b]))) / len(wanted), (a, b))
              for a, b in unit_bounds(passage)]
    best = max(scored, default=(0.0, (0, 0)))
    return [best[1]] if best[0] >= 0.5 else []


def marked(passage: str, marks: Sequence[tuple[int, int, str]]) -> str:
    """The passage escaped, each stretch inside marks wrapped in one ``<mark>`` with the classes
    of all the marks over it (a fact inside a marked sentence gets both)."""
    cuts = sorted({0, len(passage), *(x for a, b, _ in marks for x in (a, b))})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        kinds = sorted({k for s, e, k in marks if s <= a and b <= e})
        piece = html.escape(passage[a:b])
        out.append(f'<mark class="{" ".join(kinds)}">{piece}</mark>' if kinds else piece)
    return "".join(out)


# -- the rest of the article -------------------------------------------------------------------

def rest_of_article(c: Any, language: str, catalogue: Catalogue) -> str:
    """The article's other chunks, before and after the passage, in a ``<details>``."""
    if catalogue.chunk_texts is None or catalogue.passage_chunks is None:
        return ""
    chunks = catalogue.chunk_texts(c.document_id)
    own = set(catalogue.passage_chunks(list(c.chunk_ids or [c.chunk_id])))
    at = [i for i, t in enumerate(chunks) if t in own]
    if not at or len(at) == len(chunks):
        return ""
    before, after = chunks[:at[0]], chunks[at[-1] + 1:]
    here = f'<p class="this-passage">[{c.n}] …</p>'
    body = "".join([_chunk_html(join_chunks(before)) if before else "", here,
                    _chunk_html(join_chunks(after)) if after else ""])
    count = len(chunks) - len(at)
    return _details("rest-of-article", text("rest_of_article", language, count=count), body)


def _chunk_html(passage: str) -> str:
    return f'<div class="passage other-chunk">{html.escape(passage)}</div>'


def join_chunks(chunks: Sequence[str], longest: int = 600) -> str:
    """Consecutive chunks as one text, each chunk's overlap with the one before it dropped."""
    out = ""
    for chunk in chunks:
        k = next((k for k in range(min(len(out), len(chunk), longest), 9, -1)
                  if out.endswith(chunk[:k])), 0)
        out = f"{out} {chunk[k:].lstrip()}" if out and not k else out + chunk[k:]
    return out.strip()


# -- the page region ---------------------------------------------------------------------------

def page_region(c: Any, language: str, opened: bool) -> str:
    """The passage on its page image (blocks outlined) and its region cut out readable; without a
    page image, the page and its blocks' ids and boxes."""
    figures = []
    for region in passage_regions(c) if c.regions else []:
        if region.crop:
            caption = text("page_region", language, page=region.page or 1)
            figures.append(
                f'<figure class="region"><img class="page-overview" src="{region.overview}" alt="{html.escape(caption)}">'
                f'<img class="region-crop" src="{region.crop}" alt="{html.escape(text("region_crop", language))}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        else:
            blocks = ", ".join(f"{b} ({_box(x)})" for b, x in zip(region.block_ids, region.boxes)) or \
                ", ".join(_box(x) for x in region.boxes)
            figures.append(f'<p class="region-boxes">{html.escape(text("no_page_image", language, page=region.page or "?", blocks=blocks))}</p>')
    if not figures:
        return ""
    return _details("page-region", text("on_the_page", language), "".join(figures), opened=opened)


def _box(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = (round(v) for v in box)
    return f"x {x}, y {y}, {w}×{h}"
