"""Deterministic OCR noise for the demo archive.

Real OCR of 19th-century newspapers is mostly right, with a few typical errors per line: letters
of similar shape confused (e/c, n/u, rn/m, l/1, ii/ü), the long s (ſ) of Fraktur type kept or
read as f, hyphens at line ends mangled, and specks read as "garbage" lines. These functions add
exactly those errors, driven by a caller-supplied :class:`random.Random`, so the same seed always
gives the same text. Numbers are never touched: they are the facts questions ask about, and the
demo must stay answerable.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ragarchive.text.tokens import LETTER_RUN

# (wrong reading, probability weight) per correct letter sequence; the weights keep the
# commonest confusions commonest.
_ROMAN: list[tuple[str, str, int]] = [
    ("e", "c", 6), ("c", "e", 3), ("n", "u", 4), ("u", "n", 4), ("rn", "m", 4), ("m", "rn", 3),
    ("l", "1", 3), ("i", "l", 2), ("h", "b", 2), ("cl", "d", 2), ("li", "h", 1), ("t", "f", 1),
    ("a", "o", 1), ("é", "e", 3), ("è", "e", 2), ("s", "8", 1), ("ii", "ü", 1), ("o", "0", 1),
]
_FRAKTUR: list[tuple[str, str, int]] = [
    ("ſ", "f", 8), ("f", "ſ", 2), ("n", "u", 4), ("u", "n", 4), ("e", "c", 5), ("c", "e", 2),
    ("rn", "m", 3), ("ü", "ii", 3), ("ii", "ü", 1), ("ä", "a", 2), ("ö", "o", 2), ("k", "f", 2),
    ("B", "V", 1), ("h", "b", 2), ("r", "x", 1), ("ch", "ck", 1), ("t", "k", 1), ("l", "1", 1),
]
CONFUSIONS = {"roman": _ROMAN, "fraktur": _FRAKTUR}

# Specks, rules and bleed-through that OCR turns into lines of punctuation.
GARBAGE_LINES = [
    "■ ■ ,.;' ~~",
    "' . , ■ : ; '",
    "~~ ,, . ■■ '",
    "i ; . ' , ' ■",
    "— . ' ~ , ■",
    "|| ' ., ■ ;",
]

# German prefixes whose final s stays round in Fraktur even before a vowel or t (aus|einander).
_ROUND_S_PREFIXES = ("aus",)
# In Fraktur a medial s is long before vowels and in the clusters sp, st, sch, ss; before other
# consonants it usually ends a compound part (Bezirks|behörde, Hilfs|comité) and stays round.
_LONG_S_BEFORE = set("aeiouyäöüptsß")

_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


@dataclass(frozen=True)
class NoisyWord:
    text: str  # the word as OCR read it (punctuation kept)
    conf: float  # word confidence in [0, 1]
    changed: bool  # True when noise altered it


def split_edges(token: str) -> tuple[str, str, str]:
    """(leading punctuation, core, trailing punctuation): ``„Helene“,`` -> ``„``, ``Helene``, ``“,``."""
    m = _EDGE.match(token)
    assert m is not None  # the pattern matches every string
    return m.group(1), m.group(2), m.group(3)


def long_s(word: str) -> str:
    """Set a German word with the long s of Fraktur type: ``Wasser`` -> ``Waſſer``.

    Round s stays at the end of a word or compound part (``Gasbeleuchtung``, ``aus``) and in
    upper case; the rule is the printers' rule of thumb, not a dictionary, which is what OCR of
    Fraktur with a long-s-aware model gives too.
    """
    lower = word.lower()
    keep_round = {len(p) - 1 for p in _ROUND_S_PREFIXES if lower.startswith(p) and len(word) > len(p)}
    out = []
    for i, ch in enumerate(word):
        nxt = word[i + 1:i + 3].lower()
        long_before = nxt[:1] in _LONG_S_BEFORE or nxt == "ch"
        if ch == "s" and nxt[:1].isalpha() and long_before and i not in keep_round:
            out.append("ſ")
        else:
            out.append(ch)
    return "".join(out)


def long_s_text(text: str) -> str:
    """:func:`long_s` applied to every word of a text."""
    return LETTER_RUN.sub(lambda m: long_s(m.group(0)), text)


def confuse(core: str, rng: random.Random, script: str) -> str:
    """One typical OCR confusion applied at one place in ``core`` (unchanged if none fits)."""
    options = [(wrong_from, wrong_to, w) for wrong_from, wrong_to, w in CONFUSIONS[script]
               if wrong_from in core]
    if not options:
        return core
    total = sum(w for _, _, w in options)
    pick = rng.uniform(0, total)
    for src, dst, w in options:
        pick -= w
        if pick <= 0:
            break
    starts = [m.start() for m in re.finditer(re.escape(src), core)]
    at = rng.choice(starts)
    return core[:at] + dst + core[at + len(src):]


def noisy_word(token: str, rng: random.Random, script: str, rate: float) -> NoisyWord:
    """The token as OCR might read it, with a confidence that is low when it was misread.

    Tokens with digits and very short tokens are kept (numbers carry the facts); otherwise a
    confusion happens with probability ``rate``. Correct words still get a low confidence now
    and then, as real engines are unsure of faint but right words too.
    """
    lead, core, trail = split_edges(token)
    roll = rng.random()
    changed = False
    if roll < rate and len(core) >= 3 and not any(c.isdigit() for c in core):
        new_core = confuse(core, rng, script)
        changed = new_core != core
        core = new_core
    if changed:
        conf = rng.uniform(0.28, 0.64)
    elif rng.random() < 0.06:
        conf = rng.uniform(0.6, 0.8)
    else:
        conf = rng.uniform(0.8, 0.99)
    return NoisyWord(lead + core + trail, round(conf, 2), changed)


def garbage_line(rng: random.Random) -> list[NoisyWord]:
    """A line of specks read as punctuation, each token with a very low confidence."""
    return [NoisyWord(tok, round(rng.uniform(0.05, 0.3), 2), True)
            for tok in rng.choice(GARBAGE_LINES).split()]


_VOWELS = set("aeiouyäöüéèêëàâîïôûùœæAEIOUYÄÖÜÉÈÊÀÂÎÔÛ")
# Letter pairs a compositor never splits.
_NO_SPLIT = {"ch", "ck", "ph", "th", "qu", "gn", "sh", "ſt", "st", "ſſ", "ss", "ſch"}


def hyphen_points(core: str) -> list[int]:
    """Positions where ``core`` may be hyphenated at a line end (syllable-like, ≥ 3 letters a side).

    A rough rule (vowel|consonant-vowel, or between two consonants between vowels) is enough:
    what matters for the demo is that words break the way OCR'd text shows them, not perfect
    dictionary hyphenation.
    """
    if len(core) < 6 or not core.isalpha():
        return []
    points = []
    for i in range(3, len(core) - 2):
        a, b = core[i - 1], core[i]
        if core[i - 1:i + 1].lower() in _NO_SPLIT or core[i - 2:i + 1].lower() in _NO_SPLIT \
                or core[i:i + 3].lower() in _NO_SPLIT:
            continue
        after = core[i + 1] if i + 1 < len(core) else ""
        before = core[i - 2]
        if a in _VOWELS and b not in _VOWELS and after in _VOWELS:
            points.append(i)  # V|CV: Regie|rung
        elif a not in _VOWELS and b not in _VOWELS and before in _VOWELS and after in _VOWELS:
            points.append(i)  # VC|CV: Lan|dung
    return points
