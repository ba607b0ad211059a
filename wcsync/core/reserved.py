"""Names wcsync keeps for itself in a store, which a catalogue must not use."""

from __future__ import annotations

#: the SKU of the apply lock's product (``wcsync.store.lock``); SKUs compare ignoring case
LOCK_SKU = "wcsync-apply-lock"
