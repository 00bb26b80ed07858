"""The archive's off-topic background: what "unrelated" looks like in one archive.

Off-topic probe questions (``PROBES``) are asked of the archive's vectors; the mean and spread
of their best similarities are the background against which the gate reads a question's best
similarity (``gate.dense_z``). Raw e5 similarities crowd together and rise with the size of the
archive, so a raw cut-off fitted on one archive would not carry to another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..errors import CatalogueReadOnlyError
from ..retrieval.adapter import query_key

if TYPE_CHECKING:
    from ..retrieval.retriever import HybridRetriever

# Questions no newspaper archive of 1800-1950 can answer, in the three languages: their best
# dense similarities describe what "unrelated" looks like in a given archive.
PROBES = (
    "How do I reset the password of my wireless router?",
    "Which smartphone has the best camera this year?",
    "What is the price of bitcoin today?",
    "Who won the football world cup in 2014?",
    "How many episodes does the latest streaming series have?",
    "Where can I charge my electric scooter?",
    "What are the side effects of the covid vaccine?",
    "How do I install a printer driver on my laptop?",
    "Which airline offers the cheapest flights to Bali?",
    "What is the best recipe for vegan brownies?",
    "Wie setze ich das Passwort meines WLAN-Routers zurück?",
    "Welches Smartphone hat dieses Jahr die beste Kamera?",
    "Wie hoch ist der Bitcoin-Kurs heute?",
    "Wer hat die Fußball-Weltmeisterschaft 2014 gewonnen?",
    "Wo kann ich meinen Elektroroller aufladen?",
    "Welche Nebenwirkungen hat die Corona-Impfung?",
    "Wie installiere ich einen Druckertreiber auf dem Laptop?",
    "Welche Streaming-Serie lohnt sich am meisten?",
    "Comment réinitialiser le mot de passe de ma box internet ?",
    "Quel smartphone a le meilleur appareil photo cette année ?",
    "Quel est le cours du bitcoin aujourd'hui ?",
    "Qui a gagné la coupe du monde de football en 2014 ?",
    "Où recharger ma trottinette électrique ?",
    "Quels sont les effets secondaires du vaccin contre le covid ?",
    "Comment installer un pilote d'imprimante sur mon ordinateur portable ?",
    "Quelle série en streaming faut-il regarder ?",
)



@dataclass(frozen=True)
class Background:
    """Best dense similarities of the off-topic probes in one archive (mean, sd)."""

    mean: float
    sd: float

    def z(self, similarity: float) -> float:
        return (similarity - self.mean) / self.sd


def measure_background(best_similarity: Any) -> Background:
    """``best_similarity(question) -> float`` for each probe; sd floored so z stays sane."""
    sims = [best_similarity(q) for q in PROBES]
    mean = sum(sims) / len(sims)
    sd = (sum((x - mean) ** 2 for x in sims) / len(sims)) ** 0.5
    return Background(mean, max(sd, 0.01))


# Backgrounds measured on a catalogue that accepts no writes (a read replica), per open
# catalogue: measured once per process and index state instead of at every question.
_UNSTORED: WeakKeyDictionary[Any, tuple[str, Background]] = WeakKeyDictionary()


def archive_background(retriever: HybridRetriever) -> Background:
    """The archive's off-topic similarity background, measured once per index state (the
    query space, i.e. embedder and adapter, and the indexed content) and kept in the
    catalogue's meta table, shared by every app server of the catalogue."""
    key = f"{query_key(retriever.embedder)}|{retriever.db.content_key()}"
    stored = retriever.db.get_meta("gate_background")
    if stored:
        data = json.loads(stored)
        if data.get("key") == key:
            return Background(data["mean"], data["sd"])

    def best(question: str) -> float:
        hits = retriever.dense.query(retriever.embedder.embed_query(question), 1)
        return hits[0][1] if hits else 0.0

    held = _UNSTORED.get(retriever.db)
    if held and held[0] == key:
        return held[1]
    bg = measure_background(best)
    try:
        retriever.db.set_meta("gate_background", json.dumps({"key": key, "mean": bg.mean, "sd": bg.sd}))
    except CatalogueReadOnlyError:
        # an app server on a read replica: the first question asked through the primary
        # stores it; until then this process keeps its own (measuring takes a second or two)
        _UNSTORED[retriever.db] = (key, bg)
    return bg

