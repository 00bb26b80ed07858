"""Where an archive is kept: the catalogue, the lexical index and the vectors.

Callers depend on the small protocols in ``protocols.py``; the engines implement them:

* ``sqlite.ArchiveDB`` (with ``sqlite_lexical.SQLiteLexical``): catalogue and lexical index in
  one SQLite file per archive, so one transaction commits a source file's rows everywhere.
* ``chroma.ChromaStore``: the vectors, in an embedded Chroma folder or on a Chroma server.

SQL is written only in this package. Nothing is imported here, so that importing a protocol
does not load SQLite or Chroma code.
"""
