"""Follow revoked ATT&CK ids to their replacements.

ATT&CK revokes an object when it is merged into another one (``T1002`` Data Compressed
became ``T1560`` Archive Collected Data) and records a ``revoked-by`` relationship; a
replacement can itself be revoked later, so lookups follow the whole chain. Deprecated
objects have no replacement: they are returned as they are, flagged.

>>> from llmnav.catalog.model import Technique
>>> table = {"T1002": Technique("T1002", "Data Compressed", revoked=True, revoked_by="T1560"),
...          "T1560": Technique("T1560", "Archive Collected Data")}
>>> follow_revoked("T1002", table.get).id
'T1560'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llmnav.catalog.model import Technique, TechniqueLookup

__all__ = ["follow_revoked", "normalize_id"]

_SEPARATOR = re.compile(r"[/_]")


def normalize_id(value: str) -> str:
    """An ATT&CK id as ATT&CK writes it: trimmed, upper case, ``.`` before a sub-id.

    >>> normalize_id(" t1003/001 ")
    'T1003.001'
    """
    return _SEPARATOR.sub(".", value.strip().upper())


def follow_revoked(
    requested: str, get: Callable[[str], Technique | None]
) -> TechniqueLookup | None:
    """Look ``requested`` up with ``get`` and follow ``revoked_by`` to the replacement.

    Returns None when the id is unknown. A chain that ends at an unknown id or loops
    stops at the last technique found, which stays flagged as revoked.
    """
    key = normalize_id(requested)
    found = get(key)
    if found is None:
        return None
    via: list[str] = []
    seen = {found.id}
    while found.revoked and found.revoked_by:
        replacement = get(found.revoked_by)
        if replacement is None or replacement.id in seen:
            break
        via.append(found.id)
        seen.add(replacement.id)
        found = replacement
    return TechniqueLookup(requested=key, technique=found, via=tuple(via))
