"""The METS structLink: which physical pages each logical division is on.

Kitodo and Goobi write no areas in the LOGICAL structMap; instead ``smLink xlink:from`` (a
logical division's ID) ``xlink:to`` (a physical page division's ID) say which pages a chapter or
article is on. METS 1.7's ``smLinkGrp`` (``smLocatorLink`` + ``smArcLink``) says the same and is
read too. A page that several divisions share is read by the last of them in document order (the
one that starts on it: chapter 2 begins on the page where chapter 1 ends); the others still list
it among their pages.
"""

from __future__ import annotations

from lxml import etree

from .mets_files import PhysicalPage
from .xmlsafe import local_name

_XLINK = "{http://www.w3.org/1999/xlink}"


def sm_links(root: etree._Element) -> dict[str, list[str]]:
    """Logical division ID -> the physical division IDs it links to, in METS order."""
    links: dict[str, list[str]] = {}
    for link in root.iter("{*}smLink"):
        source, target = _attr(link, "from"), _attr(link, "to")
        if source and target:
            links.setdefault(source, []).append(target)
    for group in root.iter("{*}smLinkGrp"):
        labels = {_attr(loc, "label"): _attr(loc, "href").lstrip("#")
                  for loc in group if local_name(loc) == "smLocatorLink"}
        for arc in group:
            if local_name(arc) != "smArcLink":
                continue
            source, target = labels.get(_attr(arc, "from")), labels.get(_attr(arc, "to"))
            if source and target:
                links.setdefault(source, []).append(target)
    return links


def linked_pages(links: dict[str, list[str]], leaves: list[etree._Element],
                 pages: list[PhysicalPage]) -> tuple[dict[etree._Element, list[int]],
                                                     dict[etree._Element, list[int]]]:
    """(the pages each division links to, the pages whose text it reads), for the divisions
    that link to any page. A division's links include those of the divisions inside it (its
    HEADING, BODY)."""
    number_of = {p.div_id: p.number for p in pages if p.div_id}
    linked: dict[etree._Element, list[int]] = {}
    for leaf in leaves:
        ids = [leaf.get("ID")] + [d.get("ID") for d in leaf.iterdescendants("{*}div")]
        numbers = {number_of[t] for i in ids if i for t in links.get(i, ()) if t in number_of}
        if numbers:
            linked[leaf] = sorted(numbers)
    owner: dict[int, etree._Element] = {}
    for leaf in leaves:  # in document order: a later division takes a page it shares
        for number in linked.get(leaf, ()):
            owner[number] = leaf
    reads = {leaf: [n for n in numbers if owner[n] is leaf] for leaf, numbers in linked.items()}
    return linked, reads


def _attr(el: etree._Element, name: str) -> str:
    return (el.get(_XLINK + name) or el.get(name) or "").strip()
