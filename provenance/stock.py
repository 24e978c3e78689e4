"""An outlet's own stock text: a background paragraph it repeats across its own stories.

TASS's paragraph on Crimea or a desk's standing account of a war is reuse, but of the outlet's own
words: no one copied anyone. A family whose members all come from one outlet, and which is no
rerun or update of one story (``provenance.boilerplate.is_rerun``), is of kind ``stock``: listed
apart from copying, and not counted as reuse in a document's shares. Furniture, the outlet's
verbatim site text, has left the families before this stage.
"""

from __future__ import annotations

from .attribute import COPIED, STOCK, ReuseFamily
from .boilerplate import is_rerun, single_outlet
from .corpus import Document


def mark_stock(families: list[ReuseFamily], documents: list[Document]) -> None:
    """Set the kind of copied families that are one outlet's own repeated text to stock."""
    by_id = {d.id: d for d in documents}
    for family in families:
        if family.kind != COPIED:
            continue
        members = [(by_id[m.doc], m.start, m.end) for m in family.members]
        if single_outlet(members) is not None and not is_rerun(members):
            family.kind = STOCK
