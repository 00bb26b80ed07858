"""METS issues: one Document per article-like division of the logical structMap.

How a METS issue is read (see docs/formats.md for the full story):

* ``fileSec`` lists the ALTO (or PAGE) files (``FLocat xlink:href``, resolved next to the METS
  file, and read only inside the folder given to ``ingest``); the PHYSICAL structMap gives each
  file its page number (``div TYPE=PAGE ORDER=``), and the ``mix`` metadata of the page image
  (``imageWidth``) lets ALTO boxes in mm10/inch1200 be converted to image pixels.
* In the LOGICAL structMap every ``div`` whose TYPE is article-like (ARTICLE, ADVERTISEMENT,
  SECTION, DEATH_NOTICE, ...) and holds no such division itself is one Document. Its text is the
  ALTO blocks named by ``mets:area BEGIN=`` (a TextBlock, ComposedBlock or page ID) in its
  subtree, in METS order. A SECTION that holds articles is a container: its own heading blocks
  are given to the article that follows them, so no text is lost or duplicated. Divisions
  without areas take their pages (and, when no division has areas, their text) from smLinks.
* Title, language and authors come from the division's MODS ``dmdSec``; a division without a
  language inherits it from the nearest enclosing division that declares exactly one. Newspaper
  title and issue date come from the issue-level MODS (or Dublin Core), else the date is read
  from the file name.
* Without articles: the articles of a METS this one lists (a BnF manifest's table of contents),
  else one Document per page, from the best text group when there are several (OCR-D).
* Pages that are missing (or unreadable, or refused) are warned about; articles keep what exists.
* Text no article reads is a page remainder document (``<issue>/<FILEID>-rest``); blocks only the
  masthead references (TITLE_SECTION, PUBLISHING_STMT) are left out with one warning.

This module holds the entry points; the work is done by ``mets_files`` (fileSec, hrefs, pages,
image sizes), ``mets_structmap`` (article divisions and their areas), ``mets_links`` (smLinks),
``mets_mods`` (MODS, DC, issue-level metadata), ``mets_ids`` (issue ids), ``mets_text`` (which
text file of a page, ALTO or PAGE), ``mets_documents`` (the Documents of one issue) and
``mets_remainder`` (text no article reads, the masthead).
"""

from __future__ import annotations

from pathlib import Path

from ragarchive.errors import ParseError

from .common import ParseResult
from .mets_documents import IssueReader
from .mets_files import read_files
from .xmlsafe import local_name, parse_xml


def parse_mets(path: Path, root: Path | None = None) -> ParseResult:
    """``root``: the folder given to ``ingest``; the METS may reference files anywhere inside it
    (default: the METS file's folder)."""
    xml = parse_xml(path)
    if local_name(xml) != "mets":
        raise ParseError(f"{path}: root element is <{local_name(xml)}>, not <mets>")
    return IssueReader(path, xml, root).read()


def referenced_files(path: Path, root: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(ALTO/PAGE/XML files, image files) a METS file references, resolved inside ``root`` (the
    ingested folder); for discover()."""
    xml = parse_xml(path)
    if local_name(xml) != "mets":
        raise ParseError(f"{path}: root element is <{local_name(xml)}>, not <mets>")
    files = read_files(xml, path.parent, root)
    text = [f.path for f in files.values() if f.path and f.is_text]
    images = [f.path for f in files.values() if f.path and f.is_image]
    return text, images
