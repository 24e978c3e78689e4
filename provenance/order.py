"""Who copied whom when the dates cannot tell: undated members and members tied in time.

Dates decide first (``attribute``). Where they cannot, the text may: a member that credits another
member's outlet near the passage copied from it ("credit"), and a member whose document takes
passages from several sources, while the other member's document shares text with it alone, is the
compilation that copied them ("compilation"). Without such evidence, or in a family of more than
``MEMBERS_WEIGHED`` members, the order stays unknown: ``copied_from`` is left empty rather than
guessed.
"""

from __future__ import annotations

from .attribute import ORDER_UNKNOWN, TIE, ReuseFamily
from .corpus import Document
from .lineage import own_outlet, word_edits
from .outlets import Registry

CREDIT, COMPILATION = "credit", "compilation"
# Each unordered member is weighed against every other member: in larger families (a wire story
# reprinted everywhere) tied and undated members keep an unknown order, so the cost stays linear.
MEMBERS_WEIGHED = 64


def infer_order(families: list[ReuseFamily], documents: list[Document], registry: Registry) -> None:
    """Name ``copied_from`` (with ``copied_from_basis``) for tied and undated members where the
    text gives evidence; run after the credits are found."""
    by_id = {d.id: d for d in documents}
    families_of: dict[str, list[ReuseFamily]] = {}
    for family in families:
        for doc in {m.doc for m in family.members}:
            families_of.setdefault(doc, []).append(family)

    def partners(doc: str, enough: int = 2) -> set[str]:
        """The documents it shares text with, up to ``enough`` of them (a family can be huge)."""
        found: set[str] = set()
        for family in families_of[doc]:
            for m in family.members:
                if m.doc != doc:
                    found.add(m.doc)
                    if len(found) >= enough:
                        return found
        return found

    own_of: dict[str | None, set[str]] = {}  # per outlet: a corpus has far fewer outlets than members

    def own(doc: str) -> set[str]:
        source = by_id[doc].source
        if source not in own_of:
            own_of[source] = own_outlet(source, registry)
        return own_of[source]

    for family in (f for f in families if len(f.members) <= MEMBERS_WEIGHED):
        for member in family.members:
            if member.copied_from is not None or member.relation not in (TIE, ORDER_UNKNOWN):
                continue
            others = [m.doc for m in family.members if m.doc != member.doc]
            credited = [o for o in others if set(member.credited) & own(o)]
            compiled = [o for o in others if partners(o) == {member.doc} and len(partners(member.doc)) > 1]
            for basis, found in ((CREDIT, credited), (COMPILATION, compiled)):
                if len(found) == 1:
                    member.copied_from, member.copied_from_candidates, member.copied_from_basis = found[0], found, basis
                    member.copied_from_wire = None
                    source = next(m for m in family.members if m.doc == found[0])
                    member.edits = word_edits(by_id[source.doc].text[source.start : source.end], by_id[member.doc].text[member.start : member.end])
                    break
