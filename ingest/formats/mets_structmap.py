"""The METS structMaps: finding the LOGICAL and PHYSICAL map, the type of a division, and which
article-like divisions of the LOGICAL map are Documents and which ALTO areas each one reads."""

from __future__ import annotations

import bisect

from lxml import etree

from .xmlsafe import local_name

# Divisions that are one readable unit for a reader (and so for an answer's citation).
UNIT_TYPES = {
    "article", "advertisement", "section", "chapter", "death_notice", "obituary", "weather",
    "bibliography", "supplement", "feuilleton", "editorial", "letter", "review", "notice",
    "announcement", "official_notice",
}


def struct_map(root: etree._Element, kind: str) -> etree._Element | None:
    """The structMap of this kind ("logical", "physical") by TYPE, else by LABEL."""
    maps = [m for m in root if local_name(m) == "structMap"]
    for m in maps:
        if m.get("TYPE", "").lower() == kind:
            return m
    for m in maps:
        if kind in m.get("LABEL", "").lower():
            return m
    return None


def div_type(div: etree._Element) -> str:
    """A division's TYPE as ``UNIT_TYPES`` spells it (``Death Notice`` -> ``death_notice``)."""
    return div.get("TYPE", "").strip().lower().replace(" ", "_")


def inside_unit(div: etree._Element) -> bool:
    """Whether the division lies inside an article-like division."""
    return any(local_name(a) == "div" and div_type(a) in UNIT_TYPES for a in div.iterancestors())


def article_units(
    logical: etree._Element,
) -> tuple[list[etree._Element], dict[etree._Element, list[tuple[etree._Element, bool]]]]:
    """Leaf article-like divisions in document order, and the areas each one reads.

    Areas inside a container (a SECTION holding articles) but outside its articles go to the
    next article of that container, or to its last one when none follows; the flag marks them.
    """
    events: list[tuple[str, etree._Element, etree._Element | None]] = []
    _walk(logical, None, events)
    unit_divs = [el for kind, el, _ in events if kind == "unit"]
    containers = {d for d in unit_divs
                  if any(div_type(x) in UNIT_TYPES for x in d.iterdescendants("{*}div"))}
    leaves = [d for d in unit_divs if d not in containers]
    areas: dict[etree._Element, list[tuple[etree._Element, bool]]] = {d: [] for d in leaves}
    heirs = _Heirs(events, containers, set(leaves))
    for k, (kind, el, owner) in enumerate(events):
        if kind != "area" or owner is None:
            continue  # areas outside any article (masthead, imprint) are not content
        if owner in areas:
            areas[owner].append((el, False))
            continue
        target = heirs.of(k, owner)
        if target is not None:
            areas[target].append((el, True))
    # Events are in document order, so a section heading read before an article comes first.
    return leaves, areas


def _walk(div: etree._Element, owner: etree._Element | None,
          events: list[tuple[str, etree._Element, etree._Element | None]]) -> None:
    for child in div:
        name = local_name(child)
        if name == "div":
            if div_type(child) in UNIT_TYPES:
                events.append(("unit", child, owner))
                _walk(child, child, events)
            else:
                _walk(child, owner, events)
        elif name == "fptr":
            for area in child.iter("{*}area"):
                events.append(("area", area, owner))


class _Heirs:
    """Which article inherits a container's own area: the first of its articles after the area,
    else the last one before it.

    The event positions of each container's articles are listed once, so each area costs a
    binary search; scanning the events for every area was quadratic, and a hostile METS with
    many thousands of section-level areas took minutes.
    """

    def __init__(self, events: list[tuple[str, etree._Element, etree._Element | None]],
                 containers: set[etree._Element], leaves: set[etree._Element]) -> None:
        self.positions: dict[etree._Element, list[int]] = {}
        self.units: dict[int, etree._Element] = {}
        for k, (kind, el, _) in enumerate(events):
            if kind != "unit" or el not in leaves:
                continue
            self.units[k] = el
            for ancestor in el.iterancestors():
                if ancestor in containers:
                    self.positions.setdefault(ancestor, []).append(k)

    def of(self, k: int, container: etree._Element) -> etree._Element | None:
        positions = self.positions.get(container)
        if not positions:
            return None
        i = bisect.bisect_right(positions, k)
        return self.units[positions[i] if i < len(positions) else positions[-1]]
