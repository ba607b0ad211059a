"""The apply lock's SKU (``wcsync.core.reserved.LOCK_SKU``) is wcsync's own: a catalogue product or variation
that uses it, in any case, is an error at its line, before anything reaches a store."""

from __future__ import annotations

from pathlib import Path

from tests.catalog.conftest import edit, errors

M = "catalog/products/mugs.yaml"
H = "catalog/products/clothing/hoodie.yaml"
WHY = ("is reserved: wcsync's apply lock is a private product with this SKU that wcsync keeps in the store "
       "while it applies — choose another SKU")


def test_a_product_with_the_lock_sku_is_refused_at_its_line(shop: Path) -> None:
    edit(shop, M, "  - sku: EXT-1\n", "  - sku: WCSYNC-Apply-Lock\n")
    assert errors(shop) == [f"catalog/products/mugs.yaml:17:10: SKU 'WCSYNC-Apply-Lock' {WHY}"]


def test_a_variation_sku_rendered_to_the_lock_sku_is_refused_at_its_line(shop: Path) -> None:
    edit(shop, H, '  sku: "HOODIE-{{ Color | upper }}-{{ Größe }}"\n',
         '  sku: "{{ \'WCSYNC-APPLY-LOCK\' if Größe == \'M\' else \'HOODIE-\' ~ Color | upper ~ \'-\' ~ Größe }}"\n')
    [problem] = errors(shop)
    assert problem.startswith("catalog/products/clothing/hoodie.yaml:22:8: ")  # the matrix sku template
    assert problem.endswith(f"SKU 'WCSYNC-APPLY-LOCK' {WHY}")
