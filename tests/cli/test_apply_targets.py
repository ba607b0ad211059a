"""``wcsync.cli.targets``: ``--target`` values split on commas, and unknown keys are an error with close
matches (shared by ``wcsync plan`` and ``wcsync apply``)."""

from __future__ import annotations

import pytest

from wcsync.cli.targets import check_targets, split_targets
from wcsync.core.kinds import Kind
from wcsync.core.records import DesiredResource, DesiredState, LiveResource, LiveState
from wcsync.errors import ConfigError


def test_split_targets_splits_commas_strips_and_drops_empties_and_repeats() -> None:
    assert split_targets(["A-1,B-2", " C-3 ", "A-1", ",,", "clothing/hoodies, tag-x"]) == (
        "A-1", "B-2", "C-3", "clothing/hoodies", "tag-x")
    assert split_targets([]) == ()


def _states() -> tuple[DesiredState, LiveState]:
    desired = DesiredState(
        catalog_version="v",
        products=(DesiredResource(kind=Kind.PRODUCT, key="HOODIE-CLASSIC"),),
        categories=(DesiredResource(kind=Kind.CATEGORY, key="clothing/hoodies"),),
    )
    live = LiveState(products=(LiveResource(kind=Kind.PRODUCT, id=7, key="OLD-MUG"),))
    return desired, live


def test_known_keys_of_the_catalogue_and_the_store_pass() -> None:
    desired, live = _states()
    check_targets(["hoodie-classic", "OLD-MUG", "hoodies", "clothing/hoodies"], desired, live, store="shop")
    check_targets([], desired, live, store="shop")


def test_an_unknown_key_is_an_error_naming_it_with_close_matches() -> None:
    desired, live = _states()
    with pytest.raises(ConfigError) as caught:
        check_targets(["HOODIE-CLASIC", "OLD-MUG"], desired, live, store="shop")
    assert caught.value.message == "--target HOODIE-CLASIC matches nothing in the catalogue or in store shop"
    assert caught.value.hint == (
        "did you mean 'HOODIE-CLASSIC' or 'hoodies'?; a target is a product or variation SKU, a category or brand path or "
        "slug, or a tag, attribute or shipping-class slug")


def test_several_unknown_keys_are_named_together() -> None:
    desired, live = _states()
    with pytest.raises(ConfigError) as caught:
        check_targets(["zzz", "OLD-MUGG"], desired, live, store="shop")
    assert caught.value.message == "--target zzz, OLD-MUGG match nothing in the catalogue or in store shop"
    assert (caught.value.hint or "").startswith("did you mean 'OLD-MUG' (for OLD-MUGG)?; ")
