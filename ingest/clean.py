"""OCR text cleaning: from parsed words to the normalised, dehyphenated text that is indexed.

Steps, in order (each counted in ``CleanText.stats``):

1. characters: Unicode NFC, long s, Latin ligatures, r rotunda, Fraktur superscript-e umlauts,
   zero-width characters; soft hyphens vanish inside a line and mark a break at a line end;
2. words with confidences: low-confidence noise (a word under ``min_word_conf`` that is mostly
   not letters or digits) is dropped; ALTO ``SUBS_CONTENT`` joins its two hyphen parts exactly;
3. lines: garbage lines (no word, no number, mostly symbols) are dropped; a word broken at a line
   end (``-``, ``¬``, ``⸗``, ``=``, soft hyphen; also the mark as a token of its own, "Men -")
   is joined only where the parts form one word; the lines of a block are joined into one
   paragraph;
4. words: with a lexicon, rare words one OCR-typical edit from a common word are corrected and
   leftover hyphenation inside a line ("com-munes") is joined when the joined word is common;
5. whitespace: runs collapsed, no space before , or . (OCR exports often tokenise punctuation).

The raw text (``Document.raw_text``) is kept next to the result for display and exact matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ragarchive.text.characters import CLEANING_CHAR_MAP, superscript_e_umlauts
from ragarchive.text.tokens import LETTER_RUN, LEXICON_TOKEN
from ragarchive.types import Block, BlockSpan, CleanText, Document, Word

if TYPE_CHECKING:
    from .lexicon import Lexicon

# A hyphenation mark at a line end, glued to its word; OCR often doubles it ("Sit--", "be—-").
_LINE_END_MARK = re.compile(r"(?<=[^\s\-—–¬⸗=\u00ad])[-—–]*[-¬⸗=\u00ad]+$")
# The mark as a token of its own after a word ("Men -" / "ſchen"), as some OCR exports write it.
_HYPHEN_TOKENS = frozenset("-¬⸗=")
_SPACED_MARK = re.compile(r"(?<=[^\W\d_]) (?=[-¬⸗=]$)")
# A dash, not a break, when the next line starts with a word this common on its own ("und",
# "the", "que") and the joined word is unknown ("kam -" / "und": "kamund").
_DASH_NEXT_ZIPF = 6.0
_DASH_END = re.compile(r"([^\W\d_]+)([—–])$")
_INLINE_HYPHEN = re.compile(r"\b([^\W\d_]{2,})-([^\W\d_]{2,})\b")
_WORDLIKE = re.compile(r"\w+")
_APOSTROPHES = "'’"
_PUNCTUATION = "\"„“”‚‘«»()[],.;:!?"
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SPACE_BEFORE = re.compile(r" +(?=[,.](?:\s|$))")


@dataclass(frozen=True)
class CleaningOptions:
    min_word_conf: float = 0.3  # words below this that are mostly symbols are dropped
    correct_words: bool = True  # word-level correction when a lexicon is given


def normalise_chars(text: str) -> str:
    """NFC and typographic variants as plain letters (soft hyphens are kept for step 3)."""
    text = unicodedata.normalize("NFC", text).translate(CLEANING_CHAR_MAP)
    return superscript_e_umlauts(text)


def tokenize_words(text: str) -> list[str]:
    """Words as the archive vocabulary counts them: hyphenated compounds and their parts."""
    words: list[str] = []
    for token in LEXICON_TOKEN.findall(normalise_chars(text)):
        if any(c.isalpha() for c in token):
            words.append(token)
            if "-" in token:
                words.extend(token.split("-"))
    return words


def clean_document(
    doc: Document, lexicon: Lexicon | None = None, options: CleaningOptions | None = None
) -> CleanText:
    """Clean every block of ``doc``; spans map each block to its place in the cleaned text."""
    options = options or CleaningOptions()
    lexicon = lexicon if options.correct_words else None
    cleaner = _Cleaner(lexicon, _language(doc, lexicon), options)
    parts: list[str] = []
    spans: list[BlockSpan] = []
    confs: list[float] = []
    pos = 0
    for block, lines in cleaner.block_lines(doc.blocks):
        text = cleaner.paragraph(lines)
        if not text:
            continue
        if parts:
            pos += 2  # the "\n\n" between paragraphs
        block_confs = [w.conf for ln in block.lines for w in ln.words if w.conf is not None]
        confs.extend(block_confs)
        spans.append(
            BlockSpan(pos, pos + len(text), block.page, block.box, block.block_id, _mean(block_confs))
        )
        parts.append(text)
        pos += len(text)
    return CleanText("\n\n".join(parts), doc.raw_text, spans, _mean(confs), dict(cleaner.stats))


def clean_string(
    text: str,
    lexicon: Lexicon | None = None,
    language: str | None = None,
    options: CleaningOptions | None = None,
) -> str:
    """Clean plain OCR text (paragraphs separated by blank lines, lines by line breaks)."""
    from .formats.text import text_blocks

    doc = Document("text", "", text_blocks(text, None), language=language)
    return clean_document(doc, lexicon, options).text


def _language(doc: Document, lexicon: Lexicon | None) -> str | None:
    """The language whose word list corrects this document: declared, else detected."""
    if lexicon is None:
        return None
    declared = (doc.language or "").split("-")[0].lower()
    if declared in lexicon.languages:
        return declared
    from ragarchive.text.langid import detect_language

    guess = detect_language(doc.raw_text)
    return guess.language if guess.language in lexicon.languages else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class _Cleaner:
    """Holds what one document's cleaning needs, and counts what it did."""

    def __init__(self, lexicon: Lexicon | None, language: str | None, options: CleaningOptions):
        self.lexicon = lexicon if language else None
        self.language = language
        self.options = options
        self.stats: Counter[str] = Counter()

    # -- steps 1-2: words to line strings ------------------------------------------------
    def block_lines(self, blocks: list[Block]) -> list[tuple[Block, list[str]]]:
        """Each block's lines as strings, with ALTO hyphen parts joined and noise dropped."""
        out: list[tuple[Block, list[str]]] = []
        skip_part2 = False
        for block in blocks:
            lines: list[str] = []
            for line in block.lines:
                words: list[str] = []
                last = len(line.words) - 1
                for i, word in enumerate(line.words):
                    if word.hyp_part == 2 and skip_part2:
                        skip_part2 = False
                        continue
                    if word.hyp_part == 1 and word.subs_content:
                        words.append(normalise_chars(word.subs_content))
                        self.stats["hyphenation_joined_alto"] += 1
                        skip_part2 = True
                    elif self._noise(word) and not (i == last and _hyphen_token(word, words)):
                        self.stats["noise_words_dropped"] += 1
                    else:
                        words.append(normalise_chars(word.text))
                lines.append(" ".join(words))
            out.append((block, lines))
        return out

    def _noise(self, word: Word) -> bool:
        if word.conf is None or word.conf >= self.options.min_word_conf:
            return False
        text = word.text.strip()
        alnum = sum(c.isalnum() for c in text)
        # one-letter words ("à", "a", "y", "I") are real words: only symbols make noise
        return alnum == 0 or alnum < len(text) / 2

    # -- step 3: lines to a paragraph ----------------------------------------------------
    def paragraph(self, lines: list[str]) -> str:
        kept: list[str] = []
        for line in lines:
            line = _SPACES.sub(" ", line).strip()
            if not line:
                continue
            if _garbage(line):
                self.stats["garbage_lines_dropped"] += 1
                continue
            kept.append(line)
        text = ""
        for line in kept:
            text = self._join(text, line) if text else line
        text = text.replace("\u00ad", "")
        if self.lexicon is not None:
            text = self._correct(text)
        return _SPACE_BEFORE.sub("", text)

    def _join(self, text: str, line: str) -> str:
        """Append ``line`` to ``text``, joining a word broken at the line end where it is one."""
        spaced = _SPACED_MARK.search(text)
        if spaced is not None and line[0].islower() and not self._dash(text, line):
            text = text[: spaced.start()] + text[spaced.end() :]  # "Men -" as "Men-"
            self.stats["hyphen_token_joined"] += 1
        mark = _LINE_END_MARK.search(text)
        if mark is None:
            return self._join_dash(text, line)
        head = text[: mark.start()]
        if not line[0].islower():  # a broken compound such as "Nord-/Amerika"
            self.stats["hyphen_kept"] += 1
            return f"{head}-{line}"
        left, right = LETTER_RUN.findall(head[-40:]), LETTER_RUN.match(line)
        if left and right and mark.group(0) == "-" and self._hyphenated_compound(left[-1], right[0]):
            self.stats["hyphen_kept"] += 1
            return f"{head}-{line}"
        self.stats["dehyphenated"] += 1
        return f"{head}{line}"

    def _dash(self, text: str, line: str) -> bool:
        """"kam -" / "und ging": the next word is common on its own and the joined one unknown."""
        lex, lang = self.lexicon, self.language
        left, right = LETTER_RUN.findall(text[-40:]), LETTER_RUN.match(line)
        if lex is None or lang is None or not left or right is None:
            return False
        joined = left[-1] + right[0]
        return lex.zipf(right[0], lang) >= _DASH_NEXT_ZIPF and not lex.known(joined, lang)

    def _join_dash(self, text: str, line: str) -> str:
        """Some OCR prints the hyphen as a dash ("sin—/gen"): join only what the lexicon knows."""
        left, right = _DASH_END.search(text), LETTER_RUN.match(line)
        lex, lang = self.lexicon, self.language
        if left and right and right[0][0].islower() and lex is not None and lang is not None:
            if lex.zipf(left.group(1) + right[0], lang) >= lex.options.candidate_zipf:
                self.stats["dehyphenated"] += 1
                return f"{text[: left.start(2)]}{line}"
        return f"{text} {line}"

    def _hyphenated_compound(self, left: str, right: str) -> bool:
        """"well-/known": the joined word is unknown and the archive hyphenates it elsewhere."""
        lex, lang = self.lexicon, self.language
        if lex is None or lang is None or lex.known(left + right, lang):
            return False
        return lex.archive_count(f"{left}-{right}") > 0

    # -- step 4: word correction ---------------------------------------------------------
    def _correct(self, text: str) -> str:
        text = _INLINE_HYPHEN.sub(self._inline_hyphen, text)
        return _WORDLIKE.sub(self._word, text)

    def _inline_hyphen(self, m: re.Match[str]) -> str:
        lex, lang = self.lexicon, self.language
        assert lex is not None and lang is not None
        joined = m.group(1) + m.group(2)
        common = lex.options.candidate_zipf
        if (
            m.group(2)[0].islower()
            and lex.zipf(joined, lang) >= common
            # English hyphenated two words freely ("bath-room", "to-night"): join only fragments
            and (lang != "en" or min(lex.zipf(m.group(1), lang), lex.zipf(m.group(2), lang)) < common)
            and not _recurring_hyphenation(lex, m.group(0), joined)
        ):
            self.stats["dehyphenated_inline"] += 1
            return joined
        return m.group(0)

    def _word(self, m: re.Match[str]) -> str:
        assert self.lexicon is not None
        before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
        if after in _APOSTROPHES:
            return m.group(0)  # an elision ("Gäst'", "Bäum'") is a poet's spelling, not an error
        if not (_clean_edge(before) and _clean_edge(after)):
            return m.group(0)  # glued to symbols ("ss^steme"): we cannot tell where the word is
        fixed = self.lexicon.correct(m.group(0), self.language)
        if fixed is None:
            return m.group(0)
        self.stats["words_corrected"] += 1
        return fixed


def _hyphen_token(word: Word, kept: list[str]) -> bool:
    """A lone hyphen mark after a word that ends in a letter: a line-end break, never noise."""
    return word.text.strip() in _HYPHEN_TOKENS and bool(kept) and kept[-1][-1:].isalpha()


def _clean_edge(char: str) -> bool:
    return not char or char.isspace() or char in _PUNCTUATION


def _recurring_hyphenation(lex: Lexicon, hyphenated: str, joined: str) -> bool:
    """The archive spells it with the hyphen more often than without: a spelling, not a break."""
    n = lex.archive_count(hyphenated)
    return n >= 2 and n > lex.archive_count(joined) / 2


def _garbage(line: str) -> bool:
    """A line with no word of 3+ letters, no number, and mostly symbols: scanner noise."""
    chars = [c for c in line if not c.isspace()]
    alnum = sum(c.isalnum() for c in chars)
    if alnum >= len(chars) / 2:
        return False
    has_word = any(len(w) >= 3 for w in LETTER_RUN.findall(line))
    return not has_word and not any(c.isdigit() for c in line)
