"""Each engine provides every method of the protocol it stands for, with the same parameters,
so that callers typed against the protocols can be given either engine."""

import inspect

import pytest

from ragarchive.storage.chroma import ChromaStore
from ragarchive.storage.protocols import ArchiveStore, Catalogue, LexicalIndex, VectorStore
from ragarchive.storage.postgres import PostgresArchive
from ragarchive.storage.sqlite import ArchiveDB


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    names = {n for klass in protocol.__mro__ if klass not in (object,)
             for n, v in vars(klass).items() if callable(v) and not n.startswith("_")}
    return {n: inspect.signature(getattr(protocol, n)) for n in sorted(names)}


@pytest.mark.parametrize(("engine", "protocol"), [
    (ArchiveDB, Catalogue), (ArchiveDB, LexicalIndex), (ArchiveDB, ArchiveStore),
    (PostgresArchive, Catalogue), (PostgresArchive, LexicalIndex), (PostgresArchive, ArchiveStore),
    (ChromaStore, VectorStore),
])
def test_engine_implements_protocol(engine: type, protocol: type) -> None:
    wanted = _methods(protocol)
    assert wanted, "the protocol lists no methods"
    for name, signature in wanted.items():
        assert hasattr(engine, name), f"{engine.__name__} lacks {name}"
        have = list(inspect.signature(getattr(engine, name)).parameters)
        assert have == list(signature.parameters), f"{engine.__name__}.{name}: {have}"
    if protocol in (Catalogue, ArchiveStore):
        assert isinstance(getattr(engine, "shared", None), bool), f"{engine.__name__}.shared"


def test_callers_depend_on_protocols_not_engines() -> None:
    """The retriever and the pipeline name the protocols; only services builds the engines."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [root / "ragarchive/retrieval/retriever.py", root / "ingest/pipeline.py",
                 root / "ragarchive/gating/calibration.py"]:
        text = path.read_text(encoding="utf-8")
        for engine in ("sqlite", "postgres", "chroma"):
            assert f"storage.{engine} import" not in text, path
