"""How text is cut into words, each tokeniser named for its purpose and kept side by side.

They differ on purpose (a change to one changes only its purpose's results):

* ``LETTER_RUN``: maximal runs of letters; an apostrophe, a hyphen or a digit ends the run.
  For comparing the words of passages, sentences and spans (gate coverage, term matching,
  the reader, spans, grounding, cleaning's dehyphenation, the demo's long-s noise);
* ``QUESTION_WORD``: a letter, then letters, digits, apostrophes and hyphens, so that the
  question analyser sees "l'église", "a-t-elle" and "Smith's" whole and strips the elision,
  the inversion and the possessive itself;
* ``SPAN_WORD``: like ``QUESTION_WORD`` but a hyphen ends the word: the reader's words of a
  candidate span, compared with what the question gives (possessive stripped by the caller);
* ``LEXICON_TOKEN``: hyphenated compounds whole, else any run of word characters: what the
  cleaning lexicon counts in the archive (``ingest.clean.tokenize_words`` adds the parts of a
  compound and drops tokens without a letter);
* ``VOCABULARY_WORD`` with ``word_counts`` and ``trigrams``: at least two letters, the archive
  vocabulary's and the FTS/trigram query's tokens (``storage.sqlite_lexical``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .stopwords import is_stopword

LETTER_RUN = re.compile(r"[^\W\d_]+", re.UNICODE)
QUESTION_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
SPAN_WORD = re.compile(r"[^\W\d_][\w'’]*", re.UNICODE)
LEXICON_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\w+", re.UNICODE)
VOCABULARY_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """Lower-cased word counts, tokenised as the archive vocabulary is."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(w.lower() for w in VOCABULARY_WORD.findall(t))
    return counts


def trigrams(word: str) -> list[str]:
    """The character trigrams of ``word`` (as the FTS5 trigram index cuts it)."""
    return [word[i : i + 3] for i in range(len(word) - 2)]


_INVERSION = re.compile(r"(?:-t)?-(?:il|elle|ils|elles|on|je|tu|nous|vous|ce)$")


def content_terms(text: str) -> list[str]:
    """Words that carry meaning: not function words of de/fr/en, at least 3 letters."""
    seen: dict[str, None] = {}
    for word in QUESTION_WORD.findall(text):
        w = word.lower().strip("'’-")
        w = re.sub(r"^(?:l|d|qu|j|n|s|c)['’]", "", w)  # French elision: l'église → église
        w = _INVERSION.sub("", w)  # French inversion: a-t-elle → a, brûla-t-il → brûla
        if len(w) >= 3 and not is_stopword(w):
            seen.setdefault(w, None)
    return list(seen)
