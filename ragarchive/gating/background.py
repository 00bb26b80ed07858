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


def archive_background(retriever: HybridRetriever) -> Background:
    """The archive's off-topic similarity background, measured once per index state (embedder
    and indexed content) and kept in the archive's SQLite meta table."""
    key = f"{retriever.embedder.fingerprint}|{retriever.db.content_key()}"
    stored = retriever.db.get_meta("gate_background")
    if stored:
        data = json.loads(stored)
        if data.get("key") == key:
            return Background(data["mean"], data["sd"])

    def best(question: str) -> float:
        hits = retriever.dense.query(retriever.embedder.embed_query(question), 1)
        return hits[0][1] if hits else 0.0

    bg = measure_background(best)
    retriever.db.set_meta("gate_background", json.dumps({"key": key, "mean": bg.mean, "sd": bg.sd}))
    return bg
