"""`ragarchive calibrate`: fit the gate on the archive itself, without labelled questions.

The calibration set is built from the index (no LLM):

* answerable: sampled chunks; from one sentence of each, a question made of its most salient
  words (rare in the archive, not function words), so that the archive holds its answer;
* unanswerable: the same kind of question built from another sampled chunk whose whole document
  is then held out of the candidates, so retrieval cannot find it (the archive, as searched,
  does not hold the answer); only questions with at most one word that occurs elsewhere in the
  archive are kept, because a question whose names the rest of the archive does hold is a near-miss, which
  the gate is not meant to refuse (see docs/asking.md); plus the gate's off-topic probe questions;
* phrased and cross-lingual: each question is put in a question frame of its language ("Was
  berichtete die Zeitung über …?"), and a third of each kind are first translated word for
  word into another of the supported languages (de, en, fr) by ``WordTranslator``: users ask
  in their own language about papers in another, and the gate must see what such evidence
  looks like. On the development set (docs/benchmarks.md) bare monolingual bags of words made
  the fit refuse 39% of the cross-lingual answerable questions; translated bags, 33%;
  translated and phrased, 17% (the shipped default: 27%);
* near-misses (the reader's side): a question made from a sentence's typed span — its date,
  sum, number or person replaced by the question word of that type ("When …", "Combien …") —
  asked once with the sentence visible (answered with that span: 1; another fact: 0) and once
  with the sentence hidden from the reader (0): the archive holds the topic, not the fact, which
  retrieval similarity cannot see and the reader's features must;
* prior: the labelled questions the shipped default calibration was fitted on (other archives;
  ``data/default_calibration_rows.json``). The synthetic questions alone are bags of salient
  words, far easier than real questions; fitted alone they taught the gate to distrust real
  questions. The prior keeps real questions in the fit, and the archive's own rows move the
  boundary to its scale.

The gate's features of every question are computed by the real ask service (no audit records:
these are not users' decisions); a logistic regression (standardised features, balanced classes)
is fitted; the threshold is the lowest at which the answered calibration questions reach the
target precision, counted at an even mix of answerable and unanswerable questions. The
calibration is stored with the index fingerprint as ``<archive>/calibration.json``, or in the
metadata of a shared PostgreSQL catalogue, where every app server reads it.
Reviewer labels from ``ragarchive audit label`` are added when present: a decision labelled
correct counts as answerable if it was answered and as unanswerable if it was refused, and the
opposite for a decision labelled wrong.
"""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..retrieval.query import Filters, content_terms
from ..storage.protocols import ArchiveStore
from ..text.languages import SUPPORTED_LANGUAGES
from ..text.tokens import word_counts
from .background import PROBES
from .gate import CATALOGUE_KEY, FEATURES

if TYPE_CHECKING:
    from ..asking import AskService


# the languages questions are translated into (wordfreq has them); alphabetical, as rng.choice
# draws from this order: the same seed picks the same languages
LANGUAGES = tuple(sorted(SUPPORTED_LANGUAGES))
CROSS_LINGUAL_SHARE = 1 / 3


def synthetic_questions(db: ArchiveStore, n: int, seed: int = 0) -> list[dict[str, Any]]:
    """n answerable and n held-out unanswerable questions: question, doc_id, chunk_id (the chunk
    it was made from), answerable, language (of the source document)."""
    rng = random.Random(seed)
    rows = db.long_chunks()
    rng.shuffle(rows)
    vocab = db.vocabulary()
    out: list[dict[str, Any]] = []
    for row in rows:
        question = _question_from(row[2], vocab, rng)
        if not question:
            continue
        answerable = sum(q["answerable"] for q in out) < n
        if not answerable and sum(not q["answerable"] for q in out) >= n:
            break
        if not answerable and not _absent_elsewhere(db, question, row[1], vocab):
            continue
        out.append({"question": question, "doc_id": row[1], "chunk_id": row[0], "answerable": answerable,
                    "language": row[3]})
    return out


class WordTranslator:
    """Word-for-word translation: a word of the source language goes to its nearest neighbour,
    under the multilingual embedder, among the commonest words of the target language
    (wordfreq), when one is close enough; other words (names, OCR forms: unknown to the source
    language) stay as they are, as names do across languages ("Feuer Brücke Wendmouth" →
    "fire bridge Wendmouth"). Crude (one sense, no grammar, about half the words land on the
    right one or a near synonym with multilingual-e5-small), but the questions it serves are
    bags of salient words, and no dictionary or LLM is needed. Written here because translation
    libraries download models or call services at run time."""

    def __init__(self, embed: Callable[[list[str]], np.ndarray], size: int = 5000,
                 min_similarity: float = 0.9, min_zipf: float = 1.5) -> None:
        self.embed, self.size = embed, size
        self.min_similarity, self.min_zipf = min_similarity, min_zipf
        self._tables: dict[str, tuple[list[str], np.ndarray]] = {}

    def translate(self, words: Sequence[str], source: str | None, target: str) -> list[str]:
        from wordfreq import zipf_frequency

        vocab, vectors = self._table(target)
        sims = self.embed(list(words)) @ vectors.T
        out = []
        for i, word in enumerate(words):
            known = max(zipf_frequency(word, lang) for lang in ([source] if source in LANGUAGES else LANGUAGES))
            j = int(sims[i].argmax())
            out.append(vocab[j] if known >= self.min_zipf and sims[i, j] >= self.min_similarity else word)
        return out

    def _table(self, language: str) -> tuple[list[str], np.ndarray]:
        if language not in self._tables:
            from wordfreq import top_n_list

            words = [w for w in top_n_list(language, self.size * 2) if len(w) >= 4 and w.isalpha()]
            words = words[: self.size]
            self._tables[language] = (words, self.embed(words))
        return self._tables[language]


# Question frames per language: a bag of words phrased as users ask, so that the question's
# language is detected as it is for real questions (the cross-lingual machinery and the
# ``foreign_top`` feature depend on it) and the dense query looks like a question.
FRAMES = {
    "en": ("What did the paper report about {}?", "What is known about {}?",
           "Which article mentions {}?"),
    "de": ("Was berichtete die Zeitung über {}?", "Was weiß man über {}?",
           "Welcher Artikel erwähnt {}?"),
    "fr": ("Que disait le journal de {} ?", "Que sait-on de {} ?",
           "Quel article mentionne {} ?"),
}
AND = {"en": "and", "de": "und", "fr": "et"}


def phrase_questions(questions: list[dict[str, Any]], translator: WordTranslator, seed: int = 0,
                     share: float = CROSS_LINGUAL_SHARE) -> list[dict[str, Any]]:
    """The questions as users would ask them: ``share`` of each kind (answerable, unanswerable)
    translated into another language, both kinds alike so that "the question's words are not
    in the passage" does not itself become a sign of an answerable question; each phrased in a
    frame of its language (documents in other languages keep the bare words)."""
    rng = random.Random(seed)
    out = []
    for q in questions:
        words, language = q["question"].split(), q["language"]
        if rng.random() < share:
            language = rng.choice([lang for lang in LANGUAGES if lang != q["language"]])
            words = list(dict.fromkeys(translator.translate(words, q["language"], language)))
        text = " ".join(words)
        if language in FRAMES:
            listed = f"{', '.join(words[:-1])} {AND[language]} {words[-1]}"
            text = rng.choice(FRAMES[language]).format(listed)
        out.append({**q, "question": text, "asked_in": language})
    return out


def _question_from(text: str, vocab: dict[str, int], rng: random.Random) -> str | None:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if 60 <= len(s) <= 400]
    if not sentences:
        return None
    words = [w for w in content_terms(rng.choice(sentences)) if len(w) >= 4 and w.isalpha()]
    # salient: present in the archive but not everywhere (OCR garbage seen once is skipped)
    ranked = sorted(dict.fromkeys(words), key=lambda w: vocab.get(w, 0) if vocab.get(w, 0) > 1 else 10**9)
    chosen = ranked[:5]
    if len(chosen) < 3:
        return None
    return " ".join(chosen)


def _absent_elsewhere(db: ArchiveStore, question: str, doc_id: str, vocab: dict[str, int]) -> bool:
    """Whether at most one word of ``question`` occurs in the archive outside document ``doc_id``
    (one shared word, a town's name say, does not make the rest of the archive hold the topic)."""
    own = word_counts(db.chunk_texts(doc_id))
    return sum(vocab.get(w, 0) > own.get(w, 0) for w in question.split()) <= 1


def prior_rows() -> list[tuple[dict[str, float], int]]:
    """The labelled rows of the shipped default calibration (features, label): the label is
    "answered with the fact" where the rows have it (``label``), else answerable."""
    text = resources.files("ragarchive").joinpath("data/default_calibration_rows.json").read_text("utf-8")
    return [(r["features"], int(r.get("label", r["answerable"]))) for r in json.loads(text)]


def calibrate(service: AskService, n: int = 60, target_precision: float = 0.9, seed: int = 0,
              labels: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    rows = []
    translator = WordTranslator(service.retriever.embedder.embed_documents)
    for q in phrase_questions(synthetic_questions(service.retriever.db, n, seed), translator, seed):
        held = () if q["answerable"] else (q["doc_id"],)
        result = service.decide(q["question"], Filters(exclude_documents=held), None)
        rows.append((result.gate.features, int(q["answerable"])))
    for probe in PROBES:
        result = service.decide(probe, None, None)
        rows.append((result.gate.features, 0))
    rows += near_miss_rows(service, near_miss_questions(service.retriever.db, n // 2, seed))
    rows += prior_rows()
    rows += [(lab["features"], lab["answerable"]) for lab in labels or []]
    rows = [(f, y) for f, y in rows if f]  # no_evidence has no features
    X = np.array([[f.get(k, 0.0) for k in FEATURES] for f, _ in rows])
    y = np.array([y for _, y in rows])
    weights, intercept = fit_logistic(X, y)
    conf = 1.0 / (1.0 + np.exp(-(X @ weights + intercept)))
    threshold = _threshold_for_precision(conf, y, target_precision)
    return {
        "weights": {k: round(float(w), 5) for k, w in zip(FEATURES, weights)},
        "intercept": round(intercept, 5),
        "threshold": round(threshold, 4),
        "embedder": service.retriever.embedder.fingerprint,
        "notes": "ragarchive calibrate: synthetic questions from the archive's own chunks "
        "(answerable), the same with their document held out and words found nowhere else "
        "(unanswerable), phrased as questions, a third of each translated word for word into "
        "another language, off-topic probes, near-misses from typed spans (sentence visible / "
        "hidden from the reader), the default calibration's labelled questions"
        + (f", {len(labels)} reviewer labels" if labels else "") + ".",
        "index": service.index_fingerprint(),
        "fit": {
            "questions": int(len(y)),
            "answerable": int(y.sum()),
            "unanswerable": int(len(y) - y.sum()),
            "target_precision": target_precision,
            "auroc_in_sample": round(float(roc_auc_score(y, conf)), 4),
            "expected_answer_rate": round(float((conf[y == 1] >= threshold).mean()), 4),
            "expected_refusal_rate": round(float((conf[y == 0] < threshold).mean()), 4),
        },
    }


# The question word of each typed answer, per language (what the synthetic near-misses ask).
ASK_FOR = {
    "en": {"date": "When", "money": "How much did it cost", "number": "How many", "person": "Who"},
    "de": {"date": "Wann", "money": "Wie viel kostete", "number": "Wie viele", "person": "Wer"},
    "fr": {"date": "Quand", "money": "Combien a coûté", "number": "Combien", "person": "Qui"},
}


def near_miss_questions(db: ArchiveStore, n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Up to n questions, each made from one sentence holding a typed span: the question word
    of the span's type, then the sentence's content words without the span's."""
    from ..text.sentences import split_units
    from ..answering.spans import find_spans

    rng = random.Random(seed + 1)
    rows = [(text, language) for _, _, text, language in db.long_chunks()]
    rng.shuffle(rows)
    out: list[dict[str, Any]] = []
    for text, language in rows:
        if len(out) >= n:
            break
        language = language if language in ASK_FOR else "en"
        kind = rng.choice(list(ASK_FOR[language]))
        units = split_units(text)
        for sentence in rng.sample(units, k=min(4, len(units))):
            spans = [sp for sp in find_spans(sentence, kind) if sp.strength >= 0.9]
            if not spans or not 60 <= len(sentence) <= 320:
                continue
            span = spans[0]
            words = [w for w in content_terms(sentence[: span.start] + " " + sentence[span.end :])
                     if w.isalpha()][:7]
            if len(words) >= 3:
                out.append({"question": f"{ASK_FOR[language][kind]} {' '.join(words)}?",
                            "sentence": sentence, "span": span.text})
                break
    return out


def near_miss_rows(service: AskService, questions: list[dict[str, Any]]) -> list[tuple[dict[str, float], int]]:
    """Each question with its sentence visible (1 when the reader's best candidate is the span)
    and hidden (0)."""
    rows = []
    for q in questions:
        seen = service.decide(q["question"], None, None)
        best = seen.reading.best if seen.reading else None
        found = best is not None and (q["span"] in best.text or best.text in q["span"])
        rows.append((seen.gate.features, int(found)))
        hidden = service.decide(q["question"], Filters(hide_sentences=(q["sentence"],)), None)
        rows.append((hidden.gate.features, 0))
    return [(f, y) for f, y in rows if f]


def fit_logistic(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Balanced logistic regression on standardised features, returned in raw feature units
    (weights, intercept) as the gate computes them."""
    from sklearn.linear_model import LogisticRegression

    mean, sd = X.mean(axis=0), X.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced").fit((X - mean) / sd, y)
    weights = model.coef_[0] / sd
    return weights, float(model.intercept_[0] - np.sum(model.coef_[0] * mean / sd))


def _threshold_for_precision(conf: np.ndarray, y: np.ndarray, target: float) -> float:
    """The lowest threshold whose answered questions are at least ``target`` answerable, counted
    as if answerable and unanswerable questions came in equal numbers (TPR / (TPR + FPR)): the
    calibration set's own mix (the prior rows make it two-thirds answerable) says nothing about
    what users will ask, and a raw precision would drop the threshold as that share grows."""
    pos, neg = max(1, int((y == 1).sum())), max(1, int((y == 0).sum()))
    for t in sorted(set(conf.tolist())):
        passed = conf >= t
        tpr, fpr = (passed & (y == 1)).sum() / pos, (passed & (y == 0)).sum() / neg
        if tpr + fpr > 0 and tpr / (tpr + fpr) >= target:
            return float(t)
    return 1.0


def label_rows(records: list[dict[str, Any]], labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Reviewer judgements as training rows (see the module docstring)."""
    out = []
    for r in records:
        lab = labels.get(r["record_id"])
        if not lab or not r.get("features"):
            continue
        answered = r["decision"] == "answer"
        answerable = answered if lab["label"] == "correct" else not answered
        out.append({"features": r["features"], "answerable": int(answerable)})
    return out


def save(calibration: dict[str, Any], archive_dir: Path, catalogue: ArchiveStore | None = None) -> str:
    """Store the calibration where ``gate.load_calibration`` reads it; returns where. A shared
    catalogue keeps it for every app server that uses it (a file would stay on this machine)."""
    text = json.dumps(calibration, indent=2) + "\n"
    if catalogue is not None and catalogue.shared:
        catalogue.set_meta(CATALOGUE_KEY, text)
        return f"the catalogue's metadata ({getattr(catalogue, 'where', 'shared catalogue')})"
    path = archive_dir / "calibration.json"
    path.write_text(text, encoding="utf-8")
    return str(path)
