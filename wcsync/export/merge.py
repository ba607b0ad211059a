"""Import into an existing catalogue: the files a person maintains are updated in place, never replaced.

What the store has and the catalogue does not say yet is found with the planner itself (``plan_changes`` of the
existing catalogue against the live state), so a product whose file already plans empty — whatever its form:
a matrix, a description template, flow lists, comments — is not touched. For a product that differs, only the
keys of the fields that differ are rewritten in its mapping (ruamel.yaml round trip: comments, key order and
layout around them stay); its variations are replaced as a whole when any of them differs. Products the
catalogue does not have get new files; taxonomy items it does not declare are appended to their files. Nothing
is ever deleted: products and terms the store lacks stay in the catalogue (``wcsync plan`` shows them).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from wcsync.bulk import paused_gc
from wcsync.core import canonical as c
from wcsync.core.kinds import Kind
from wcsync.core.plan import Action, Change
from wcsync.core.records import DesiredState
from wcsync.core.slugs import encode_slug, slug_from_name
from wcsync.export.files import HEADER, dump, styled, yaml_rt
from wcsync.export.model import ExportResult
from wcsync.export.products import PRODUCT_DEFAULTS

#: WooCommerce's default category: every store has it, a catalogue rarely declares it
_DEFAULT_CATEGORY = "uncategorized"
_LIST_FIELDS = frozenset({"categories", "tags", "brands", "downloads", "images", "attributes", "upsells", "cross_sells", "grouped_products"})


@dataclass
class Differences:
    """What the existing catalogue does not say as the store has it."""

    #: product SKU key -> names of the fields that differ ("variations" for any variation)
    products: dict[str, set[str]] = field(default_factory=dict)
    #: taxonomy kind -> keys (slugs, paths, ``attribute/term``) of items that differ
    terms: dict[Kind, set[str]] = field(default_factory=dict)


def differences(changes: Iterable[Change]) -> Differences:
    out = Differences()
    for ch in changes:
        if ch.action in (Action.CREATE, Action.DELETE) and ch.kind is not Kind.VARIATION:
            continue  # only in the catalogue (kept) / only in the store (a new file or item)
        if ch.kind is Kind.PRODUCT and ch.changes:
            out.products.setdefault(c.sku_key(ch.key), set()).update(fc.field for fc in ch.changes)
        elif ch.kind is Kind.VARIATION and (ch.changes or ch.action in (Action.CREATE, Action.DELETE)):
            out.products.setdefault(c.sku_key(ch.parent_key or ""), set()).add("variations")
        elif ch.changes:
            out.terms.setdefault(ch.kind, set()).add(ch.key)
    return out


@dataclass
class MergeReport:
    written: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: int = 0


def _save(path: Path, data: Any, before: str) -> bool:
    buf = io.StringIO()
    yaml_rt().dump(data, buf)
    text = buf.getvalue()
    if text == before:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def _same(old: Any, new: Any) -> bool:
    """Equal as values (``"45.00"`` and ``45`` are the same price; ``0.62`` and ``"0.62"`` the same weight)."""
    if old == new:
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, bool) or isinstance(new, bool):
        return False
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except (InvalidOperation, ValueError):
        return False


def _as_number(text: str) -> int | float | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number) if repr(float(number)) == str(number.normalize()) else None


def _set(mapping: Any, key: str, value: Any, *, before: str | None = None) -> None:
    if key in mapping and _same(mapping[key], value):
        return
    old = mapping.get(key)
    if isinstance(old, int | float) and not isinstance(old, bool) and isinstance(value, str):
        number = _as_number(value)  # the file writes this field as a number: keep its style
        value = value if number is None else number
    shown = styled(value, key)
    if key in mapping or before is None or before not in mapping:
        mapping[key] = shown
    else:
        mapping.insert(list(mapping).index(before), key, shown)


def update_product(mapping: CommentedMap, doc: dict[str, Any], fields: set[str]) -> None:
    """Rewrite in ``mapping`` (a product as the file has it) the ``fields`` that differ from the store."""
    for name in sorted(fields - {"variations", "meta"}):
        if name == "description" and "description_template" in mapping:
            anchor = "description_template"
            _set(mapping, "description", doc.get("description", ""), before=anchor)
            del mapping["description_template"]
            continue
        if name in doc:
            _set(mapping, name, doc[name])
        elif name in mapping:
            _set(mapping, name, [] if name in _LIST_FIELDS else {} if name == "default_attributes" else PRODUCT_DEFAULTS.get(name))
    if "meta" in fields:
        meta = mapping.get("meta")
        if not isinstance(meta, dict):
            _set(mapping, "meta", doc.get("meta") or {})
        else:
            for key, value in (doc.get("meta") or {}).items():
                _set(meta, key, value)
    if "variations" in fields:
        keys = list(mapping)
        at = min((keys.index(k) for k in ("variation_matrix", "variations") if k in mapping), default=len(keys))
        kept = {k for k in ("variation_matrix", "variations") if k in mapping and k in doc and _same(mapping[k], doc[k])}
        for k in ("variation_matrix", "variations"):
            if k in mapping and k not in kept:
                del mapping[k]
        for k in ("variation_matrix", "variations"):  # where the old ones were, matrix first
            if k in kept:
                at = list(mapping).index(k) + 1
            elif k in doc:
                mapping.insert(min(at, len(mapping)), k, styled(doc[k], k))
                at = list(mapping).index(k) + 1


def _product_in(data: Any, sku: str) -> Any:
    items: Any = data
    if isinstance(data, dict) and "sku" in data:
        items = [data]
    elif isinstance(data, dict):
        items = data.get("products") or []
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and c.sku_key(str(item.get("sku", ""))) == c.sku_key(sku):
            return item
    return None


def _term_key(item: Any, *, term: bool = True) -> str:
    given = item.get("slug") if isinstance(item, dict) else None
    if isinstance(given, str) and given:
        return encode_slug(given) or given
    return slug_from_name(c.plain_text(str(item.get("name", ""))) if isinstance(item, dict) else "", term=term)


def _merge_flat(data: Any, wrapper: str, new_items: list[dict[str, Any]], changed: set[str]) -> None:
    items = data.get(wrapper) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return
    have = {_term_key(i): i for i in items if isinstance(i, dict)}
    for item in new_items:
        key = _term_key(item)
        if key not in have:
            items.append(styled(item))
        elif key in changed:
            for name, value in item.items():
                if name != "slug":
                    _set(have[key], name, value)


def _merge_attributes(data: Any, new_items: list[dict[str, Any]], changed: dict[Kind, set[str]]) -> None:
    items = data.get("attributes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return
    have = {_term_key(i): i for i in items if isinstance(i, dict)}
    for attr in new_items:
        key = _term_key(attr)
        old = have.get(key)
        if old is None:
            items.append(styled(attr))
            continue
        if key in changed.get(Kind.ATTRIBUTE, set()):
            for name in ("name", "order_by", "has_archives"):
                if name in attr:
                    _set(old, name, attr[name])
        terms = old.get("terms")
        if not isinstance(terms, list):
            if attr.get("terms"):
                old["terms"] = styled(attr["terms"], "terms")
            continue
        have_terms = {_term_key(t): t for t in terms if isinstance(t, dict)}
        changed_terms = {k.split("/", 1)[-1] for k in changed.get(Kind.TERM, set()) if c.slug_key(k.split("/", 1)[0]) == c.slug_key(key)}
        for term in attr.get("terms") or ():
            tkey = _term_key(term)
            if tkey not in have_terms:
                terms.append(styled(term))
            elif tkey in changed_terms:
                for name, value in term.items():
                    if name != "slug":
                        _set(have_terms[tkey], name, value)


def _merge_categories(
    data: Any, new_items: list[dict[str, Any]], changed: set[str], *, default_used: bool, wrapper: str = "categories"
) -> None:
    top = data.get(wrapper) if isinstance(data, dict) else data
    if not isinstance(top, list):
        return

    def walk(new: list[dict[str, Any]], old: Any, parent: str) -> None:
        have = {_term_key(i): i for i in old if isinstance(i, dict)}
        for item in new:
            key = _term_key(item)
            path = f"{parent}/{key}" if parent else key
            if key not in have:
                if default_used or not (parent == "" and key == _DEFAULT_CATEGORY):
                    old.append(styled(item))
                continue
            mine = have[key]
            if path in changed or key in changed:
                for name, value in item.items():
                    if name not in ("slug", "children"):
                        _set(mine, name, value)
            kids = item.get("children") or []
            if kids:
                if not isinstance(mine.get("children"), list):
                    mine["children"] = CommentedSeq()
                walk(kids, mine["children"], path)

    walk(new_items, top, "")


@paused_gc()  # documents of a whole store at once: see wcsync.bulk
def merge_catalog(
    result: ExportResult,
    out_dir: Path,
    project_dir: Path,
    desired: DesiredState,
    diffs: Differences,
    *,
    store: str | None,
    rewrite_all: bool = False,
) -> MergeReport:
    """Write ``result`` into the existing catalogue ``out_dir`` (see the module docstring)."""
    report = MergeReport()
    header = HEADER.format(store=f" from store {store}" if store else "")
    sources = {c.sku_key(p.key): p.source for p in desired.products if p.source is not None}
    taxonomy = {
        "categories.yaml": ("categories", Kind.CATEGORY),
        "brands.yaml": ("brands", Kind.BRAND),
        "tags.yaml": ("tags", Kind.TAG),
        "attributes.yaml": ("attributes", Kind.ATTRIBUTE),
        "shipping-classes.yaml": ("shipping_classes", Kind.SHIPPING_CLASS),
        "meta-fields.yaml": ("meta_fields", None),
    }
    for rel, document in result.files.items():
        if rel in taxonomy:
            wrapper, kind = taxonomy[rel]
            path = out_dir / rel
            new_items = document.get(wrapper) or []
            if not path.exists():
                if new_items:
                    _write_new(path, header + dump(document), report)
                continue
            before = path.read_text(encoding="utf-8")
            data = yaml_rt().load(before)
            changed = diffs.terms.get(kind, set()) if kind is not None else set()
            if wrapper == "categories":
                used = any(_DEFAULT_CATEGORY in (d.get("categories") or ()) for d in result.files.values() if "sku" in d)
                _merge_categories(data, new_items, changed, default_used=used)
            elif wrapper == "brands":  # a brand tree has no default brand
                _merge_categories(data, new_items, changed, default_used=True, wrapper="brands")
            elif wrapper == "attributes":
                _merge_attributes(data, new_items, diffs.terms)
            elif wrapper == "meta_fields":
                items = data.get("meta_fields") if isinstance(data, dict) else data
                if isinstance(items, list):
                    known = {str(i.get("key")) for i in items if isinstance(i, dict)}
                    items.extend(styled(i) for i in new_items if i["key"] not in known)
            else:
                _merge_flat(data, wrapper, new_items, changed)
            if _save(path, data, before):
                report.updated.append(path)
            continue
        sku = str(document["sku"])
        source = sources.get(c.sku_key(sku))
        if source is None:
            path = _free(out_dir / rel)
            _write_new(path, header + dump(document), report)
            continue
        fields = diffs.products.get(c.sku_key(sku), set())
        if rewrite_all:
            fields = fields | (set(document) - {"sku", "variation_matrix"})
            if "variation_matrix" in document:
                fields.add("variations")
        if not fields:
            report.unchanged += 1
            continue
        path = project_dir / source.file
        before = path.read_text(encoding="utf-8")
        data = yaml_rt().load(before)
        mapping = _product_in(data, sku)
        if mapping is None:
            report.unchanged += 1
            continue
        update_product(mapping, document, fields)
        if _save(path, data, before):
            report.updated.append(path)
    return report


def _free(path: Path) -> Path:
    """``path``, or ``<stem>-2.yaml``, ``-3`` … when a file of the user's is already there."""
    n, candidate = 1, path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _write_new(path: Path, text: str, report: MergeReport) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    report.written.append(path)
