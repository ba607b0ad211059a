"""The export layer: a live store's catalogue (``LiveState``) → catalogue YAML files in exactly the format the
loader reads (``wcsync import``).

Public API::

    export_catalog(live, options) -> ExportResult        pure: file path -> document, skipped, warnings
    write_catalog(result, out_dir, *, force) -> WriteReport   YAML on disk (refuses a non-empty dir unless force)
    ExportOptions(meta_keys=(), only_managed=False, all_fields=False)

The round trip is the contract: importing a store and planning the result against the same store shows no
field change (only ``adopt`` for products wcsync does not manage yet — import never marks anything; the first
apply adopts them). This package reads ``wcsync.core`` and ``wcsync.catalog`` (slug rules); it never speaks HTTP.
"""

from __future__ import annotations

from typing import Any

from wcsync.bulk import paused_gc
from wcsync.core.kinds import Kind
from wcsync.core.records import LiveState
from wcsync.export.files import WriteReport, product_file_names, write_catalog
from wcsync.export.model import ExportOptions, ExportResult, Skipped
from wcsync.export.products import export_products
from wcsync.export.taxonomy import attributes, categories, flat

__all__ = ["ExportOptions", "ExportResult", "Skipped", "WriteReport", "export_catalog", "write_catalog"]


@paused_gc()  # documents of a whole store at once: see wcsync.bulk
def export_catalog(live: LiveState, options: ExportOptions | None = None) -> ExportResult:
    """Every catalogue document of ``live``: taxonomy files (written even when empty, except brands, shipping
    classes and meta fields, which are optional) and one ``products/<first category path>/<sku-slug>.yaml`` per exportable product."""
    opts = options or ExportOptions()
    result = ExportResult()
    result.files["categories.yaml"] = {"categories": categories(live, opts, result)}
    result.files["tags.yaml"] = {"tags": flat(live.tags, "tag", opts, result)}
    brands = categories(live, opts, result, Kind.BRAND)
    if brands:
        result.files["brands.yaml"] = {"brands": brands}
    result.files["attributes.yaml"] = {"attributes": attributes(live, opts, result)}
    shipping = flat(live.shipping_classes, "shipping class", opts, result)
    if shipping:
        result.files["shipping-classes.yaml"] = {"shipping_classes": shipping}
    products, meta_fields = export_products(live, opts, result)
    if meta_fields:
        result.files["meta-fields.yaml"] = {"meta_fields": meta_fields}
    for rel, doc in product_paths(products).items():
        result.files[rel] = doc
    return result


def product_folder(doc: dict[str, Any]) -> str:
    """``products/<first category's path>`` (``products`` for a product without category)."""
    cats = doc.get("categories") or ()
    parts = [p for p in str(cats[0]).split("/") if p not in ("", ".", "..")] if cats else []
    return "/".join(["products", *parts])


def product_paths(products: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Relative file path per product document: ``products/<category path>/<sku-slug>.yaml``."""
    folders: dict[str, list[dict[str, Any]]] = {}
    for doc in products:
        folders.setdefault(product_folder(doc), []).append(doc)
    out: dict[str, dict[str, Any]] = {}
    for folder, docs in folders.items():
        for name, doc in zip(product_file_names([str(d["sku"]) for d in docs]), docs, strict=True):
            out[f"{folder}/{name}"] = doc
    return out
