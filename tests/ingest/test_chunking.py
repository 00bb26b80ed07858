from ragarchive.ingest.chunking import chunk_id, make_chunks, split_text
from ragarchive.types import Block, BlockSpan, CleanText, Document, Line, Word

SENTENCES = [
    f"Der Gemeinderat von Ahrweiler beschloss am {d}. Mai den Bau der Brücke Nummer {d}."
    for d in range(1, 40)
]


def test_pieces_are_exact_slices_and_cover_the_text() -> None:
    text = " ".join(SENTENCES[:20]) + "\n\n" + " ".join(SENTENCES[20:])
    pieces = split_text(text, size=300, overlap=60)
    assert len(pieces) > 5
    covered = [False] * len(text)
    for p in pieces:
        assert text[p.start : p.end] == p.text
        assert len(p.text) <= 300
        for i in range(p.start, p.end):
            covered[i] = True
    assert all(c or text[i].isspace() for i, c in enumerate(covered))
    # sentence-aware: no piece starts in the middle of a word
    assert all(p.start == 0 or not text[p.start - 1].isalnum() for p in pieces)


def test_chunk_ids_are_stable_and_content_dependent() -> None:
    assert chunk_id("d1", 0, "abc") == chunk_id("d1", 0, "abc")
    assert chunk_id("d1", 0, "abc") != chunk_id("d1", 0, "abd")
    assert chunk_id("d1", 0, "abc") != chunk_id("d2", 0, "abc")


def test_chunks_carry_metadata_and_regions() -> None:
    doc = Document(
        doc_id="issue/ART1",
        source_path="/x/issue-mets.xml",
        blocks=[Block([Line([Word("a")])])],
        title="Hochwasser",
        date="1856-03-14",
        newspaper="Der Moselbote",
        pages=[1, 2],
    )
    text = " ".join(SENTENCES[:6]) + "\n\n" + " ".join(SENTENCES[6:12])
    split = text.index("\n\n")
    clean = CleanText(
        text=text,
        raw=text,
        spans=[
            BlockSpan(0, split, 1, (10, 20, 300, 400), "TB1", 0.9),
            BlockSpan(split + 2, len(text), 2, (15, 25, 300, 400), "TB2", 0.5),
        ],
        mean_conf=0.7,
    )
    pieces = split_text(text, 400, 50)
    chunks = make_chunks(doc, clean, pieces, [("de", 0.99)] * len(pieces))
    first, last = chunks[0], chunks[-1]
    assert first.page == 1 and first.regions[0]["block_id"] == "TB1"
    assert first.mean_conf == 0.9
    assert last.page == 2 and last.regions[-1]["box"] == [15, 25, 300, 400]
    assert all(c.title == "Hochwasser" and c.date == "1856-03-14" for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    meta = first.metadata()
    assert meta["doc_id"] == "issue/ART1" and meta["language"] == "de"
    assert all(isinstance(v, (str, int, float)) for v in meta.values())
