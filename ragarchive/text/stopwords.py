"""The function words of the supported languages: what is not a content term.

Used by the question analyser (``retrieval.query.content_terms``), the reader and term matching.
"""

from __future__ import annotations


def is_stopword(word: str) -> bool:
    """Whether ``word`` (lower-cased) is a question or function word of de, fr or en."""
    return word in _STOPWORDS


# Question and function words of the three languages. Kept short and explicit rather than taken
# from a frequency cut-off: a frequency cut would also drop common content words ("Stadt", "war").
_STOPWORDS = frozenset(
    """
    the a an and or of to in on at by for from with about into over after before during under
    was were is are be been being has have had do does did what which who whom whose when where
    why how many much did that this these those there their they them his her its it he she we
    you your our not no than then also any some all each other such only very can could would
    should will shall may might must one ever said say tell according newspaper article report
    reported paper
    der die das den dem des ein eine einer eines einem einen und oder aber in im an am auf aus
    bei mit nach von vom zu zum zur für über unter vor hinter neben zwischen durch gegen ohne um
    wer wen wem wessen was wann wo woher wohin warum wie wieviel wieviele viele welche welcher
    welches welchen welchem ist sind war waren wird wurde wurden worden sein hat haben hatte
    hatten es er sie wir ihr ihm ihn ihre sich nicht kein keine auch noch nur schon so als dass
    daß laut zeitung artikel berichtet bericht
    le la les un une des du de d au aux et ou mais en dans sur sous par pour avec sans chez
    entre vers qui que quoi quel quelle quels quelles quand où comment combien pourquoi est sont
    était étaient fut a ont avait avaient été être ce cet cette ces il elle ils elles on nous
    vous leur leurs son sa ses se ne pas plus y selon journal article rapporte
    """.split()
)
