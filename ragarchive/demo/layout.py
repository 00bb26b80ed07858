"""Typesetting for the demo archive: articles -> OCR'd lines of words -> boxes on a page.

One article is "set" once (noise, line breaks, hyphenation, garbage lines) and the result is
written in whichever format the article lives in, so its ALTO, hOCR or plain text all show the
same OCR reading. Pages have three columns of a 300 dpi sheet; widths come from a crude
per-character table, good enough for plausible coordinates (nobody renders these pages).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .noise import NoisyWord, garbage_line, hyphen_points, long_s_text, noisy_word, split_edges

PAGE_WIDTH, PAGE_HEIGHT = 2480, 3508
# Four narrow columns (about 32 characters a line) as in papers of the time; narrow columns are
# also why so many words are hyphenated at line ends.
COLUMNS = (80, 660, 1240, 1820)  # left edges
COLUMN_WIDTH = 540
TOP, BOTTOM = 140, 3400

# role -> (character scale, word height, line pitch)
_ROLES = {"body": (1.0, 34, 44), "heading": (1.3, 46, 60), "masthead": (3.0, 100, 120),
          "subhead": (1.2, 40, 52)}
_NARROW = set("iljtfrſ.,;:'!|()-¬=’‘“„\"·")
_WIDE = set("mwMWœæŒÆ■—")
_SPACE = 12

# How often things go wrong, per newspaper script; Fraktur OCR is noisier.
NOISE_RATE = {"fraktur": 0.07, "roman": 0.045}
GARBAGE_PROBABILITY = 0.45  # chance that an article gets one line of specks
HYPHENATE_PROBABILITY = 0.85  # chance that the compositor broke a word that did not fit
ALTO_MARKED_PROBABILITY = 0.85  # chance that the ALTO producer recorded SUBS_CONTENT


def text_width(text: str, scale: float = 1.0) -> int:
    total = 0
    for ch in text:
        if ch in _NARROW:
            total += 10
        elif ch in _WIDE:
            total += 27
        elif ch.isupper():
            total += 22
        else:
            total += 17
    return round(total * scale)


@dataclass
class Token:
    """One word as OCR read it, and (once placed) where it is on the page."""

    text: str  # printed text; for a hyphenated first part, without the hyphen
    conf: float
    hyp: int = 0  # 0 = whole word, 1 = first part, 2 = second part of a hyphenated word
    subs: str | None = None  # the whole hyphenated word (ALTO SUBS_CONTENT)
    hyphen: str = ""  # hyphen after a first part as OCR read it ("" = lost)
    marked: bool = False  # the ALTO producer states SUBS_TYPE/SUBS_CONTENT for this pair
    garbage: bool = False
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0

    @property
    def printed(self) -> str:
        """The word as a plain-text or hOCR export shows it (hyphen attached)."""
        return self.text + self.hyphen if self.hyp == 1 else self.text


@dataclass
class SetLine:
    tokens: list[Token]
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0

    @property
    def text(self) -> str:
        return " ".join(t.printed for t in self.tokens)


@dataclass
class SetArticle:
    """An article after OCR: heading lines and paragraphs of lines (not yet placed)."""

    article: dict[str, Any]
    heading: list[SetLine]
    paragraphs: list[list[SetLine]]

    def plain_text(self) -> str:
        """What an OCR plain-text export holds: heading, blank line, paragraphs."""
        parts = ["\n".join(ln.text for ln in self.heading)]
        parts += ["\n".join(ln.text for ln in par) for par in self.paragraphs]
        return "\n\n".join(parts) + "\n"


@dataclass
class PlacedBlock:
    block_id: str
    role: str  # masthead, subhead, heading, body
    lines: list[SetLine]
    article: int | None  # index into the page's articles; None for the masthead
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0


@dataclass
class Page:
    number: int
    blocks: list[PlacedBlock] = field(default_factory=list)


def set_article(article: dict[str, Any], script: str, rng: random.Random) -> SetArticle:
    """OCR-read and line-break one article; all randomness comes from ``rng``."""
    rate = NOISE_RATE[script]
    german_fraktur = script == "fraktur"

    def read(text: str, rate: float) -> list[NoisyWord]:
        if german_fraktur:
            text = long_s_text(text)
        return [noisy_word(tok, rng, script, rate) for tok in text.split()]

    heading = _wrap(read(article["title"], rate / 2), "heading", rng, script, hyphenate=False)
    paragraphs = [_wrap(read(par, rate), "body", rng, script)
                  for par in article["text"].split("\n\n")]
    if rng.random() < GARBAGE_PROBABILITY:
        par = rng.randrange(len(paragraphs))
        # Not between the two parts of a hyphenated word: keep the pair on adjacent lines.
        slots = [i for i in range(1, len(paragraphs[par]) + 1)
                 if paragraphs[par][i - 1].tokens[-1].hyp != 1]
        at = rng.choice(slots)
        junk = [Token(w.text, w.conf, garbage=True) for w in garbage_line(rng)]
        paragraphs[par].insert(at, SetLine(junk))
    return SetArticle(article, heading, paragraphs)


def _wrap(words: list[NoisyWord], role: str, rng: random.Random, script: str,
          hyphenate: bool = True) -> list[SetLine]:
    scale = _ROLES[role][0]
    space = round(_SPACE * scale)
    lines: list[SetLine] = []
    cur: list[Token] = []
    used = 0
    for word in words:
        need = text_width(word.text, scale) + (space if cur else 0)
        if used + need <= COLUMN_WIDTH or not cur:
            cur.append(Token(word.text, word.conf))
            used += need
            continue
        split = _split(word.text, COLUMN_WIDTH - used - space, scale) if hyphenate else None
        if split is not None and rng.random() < HYPHENATE_PROBABILITY:
            first, second = split
            marked = rng.random() < ALTO_MARKED_PROBABILITY
            cur.append(Token(first, word.conf, 1, word.text, _hyphen_as_read(rng, script), marked))
            lines.append(SetLine(cur))
            cur = [Token(second, word.conf, 2, word.text, "", marked)]
            used = text_width(second, scale)
        else:
            lines.append(SetLine(cur))
            cur = [Token(word.text, word.conf)]
            used = text_width(word.text, scale)
    if cur:
        lines.append(SetLine(cur))
    return lines


def _split(token: str, room: int, scale: float) -> tuple[str, str] | None:
    """The longest hyphenation of ``token`` whose first part (plus hyphen) fits in ``room``."""
    lead, core, trail = split_edges(token)
    for point in reversed(hyphen_points(core)):
        first = lead + core[:point]
        if text_width(first + "-", scale) <= room:
            return first, core[point:] + trail
    return None


def _hyphen_as_read(rng: random.Random, script: str) -> str:
    """The line-end hyphen as OCR saw it: usually "-", sometimes lost or misread (Fraktur's
    double hyphen comes out as "¬" or "=")."""
    roll = rng.random()
    if roll < 0.12:
        return ""
    if script == "fraktur" and roll < 0.35:
        return "¬"
    if script == "fraktur" and roll < 0.45:
        return "="
    return "-"


class PageSetter:
    """Places set articles on a page, column by column, top to bottom."""

    def __init__(self, number: int) -> None:
        self.page = Page(number)
        self.col = 0
        self.y = TOP
        self._blocks = 0

    def masthead(self, title: str, subtitle: str) -> None:
        """The newspaper's name across the page head (page 1 of an issue)."""
        for role, text in (("masthead", title), ("subhead", subtitle)):
            line = SetLine([Token(w, 0.97) for w in text.split()])
            self._line_positions(line, role, PAGE_WIDTH // 2 - 1200, 2400, centre=True)
            self._add_block(role, [line], None)
            self.y += 20
        self.y += 40

    def article(self, index: int, setting: SetArticle) -> tuple[list[str], list[str]]:
        """Place one article; returns the block IDs of its heading and of its body (METS areas)."""
        heading = self._flow("heading", setting.heading, index)
        body: list[str] = []
        for par in setting.paragraphs:
            body += self._flow("body", par, index)
        self.y += 40  # space between articles
        return heading, body

    def _flow(self, role: str, lines: list[SetLine], index: int) -> list[str]:
        pitch = _ROLES[role][2]
        ids: list[str] = []
        chunk: list[SetLine] = []
        for i, line in enumerate(lines):
            if self.y + pitch > BOTTOM:
                if chunk:
                    ids.append(self._add_block(role, chunk, index).block_id)
                    chunk = []
                self.col += 1
                self.y = TOP
                if self.col >= len(COLUMNS):
                    raise ValueError(f"page {self.page.number} overflows; move an article to another page")
            last = i == len(lines) - 1 or lines[i + 1].tokens[0].garbage or line.tokens[0].garbage
            self._line_positions(line, role, COLUMNS[self.col], COLUMN_WIDTH,
                                 centre=role == "heading", justify=role == "body" and not last)
            chunk.append(line)
        if chunk:
            ids.append(self._add_block(role, chunk, index).block_id)
        self.y += 12
        return ids

    def _line_positions(self, line: SetLine, role: str, left: int, width: int,
                        centre: bool = False, justify: bool = False) -> None:
        scale, height, pitch = _ROLES[role]
        space = round(_SPACE * scale)
        widths = [text_width(t.text, scale) for t in line.tokens]
        hyphen = text_width(line.tokens[-1].printed[len(line.tokens[-1].text):], scale)
        natural = sum(widths) + space * (len(widths) - 1) + hyphen
        gap = float(space)
        x = float(left)
        if centre:
            x = left + max(0, (width - natural) // 2)
        elif justify and len(widths) > 1 and natural > 0.75 * width:
            gap = space + (width - natural) / (len(widths) - 1)
        top = self.y + (pitch - height) // 2
        for token, w in zip(line.tokens, widths):
            token.x, token.y, token.w, token.h = round(x), top, w, height
            x += w + gap
        end = line.tokens[-1].x + line.tokens[-1].w + hyphen
        line.x, line.y, line.w, line.h = line.tokens[0].x, top, end - line.tokens[0].x, height
        self.y += pitch

    def _add_block(self, role: str, lines: list[SetLine], index: int | None) -> PlacedBlock:
        self._blocks += 1
        x0 = min(ln.x for ln in lines)
        y0 = min(ln.y for ln in lines)
        x1 = max(ln.x + ln.w for ln in lines)
        y1 = max(ln.y + ln.h for ln in lines)
        block = PlacedBlock(f"P{self.page.number}_TB{self._blocks:05d}", role, lines, index,
                            x0, y0, x1 - x0, y1 - y0)
        self.page.blocks.append(block)
        return block
