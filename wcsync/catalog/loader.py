"""Reading the catalogue directory: find the files, parse them, validate each item against its model.

The result (``ParsedCatalog``) holds validated models with their positions, plus every diagnostic found so
far; cross-file resolution happens in ``resolve.py``. A missing ``catalog/`` directory or one without products
is an error: a vanished directory must never read as "delete everything".
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from wcsync.catalog.confine import outside
from wcsync.catalog.models import Attribute, Brand, Category, MetaField, Product, ShippingClass, Tag
from wcsync.catalog.problems import validate_model, validate_partial
from wcsync.catalog.yaml_limits import read_capped
from wcsync.catalog.yamlio import PathT, YamlDoc, parse_bytes, parse_file
from wcsync.diagnostics import NO_LINE, Diagnostic

T = TypeVar("T", bound=BaseModel)
_SKU_RE = re.compile(r"^[ \t-]*sku:[ \t]*[\"']?([^\"'#\s]+)", re.MULTILINE)


@dataclass
class Loc(Generic[T]):
    """A validated model, the document it came from and its path there (for messages)."""

    model: T
    doc: YamlDoc
    path: PathT
    raw: Any = None
    #: validated without some invalid fields (already reported): resolved for references, never linted
    partial: bool = False
    #: the top-level keys left out of a partial model: checks that depend on them are skipped
    dropped: frozenset[str] = frozenset()

    def diag(self, sub: PathT, message: str, hint: str | None = None, *, key: bool = False) -> Diagnostic:
        return self.doc.diag((*self.path, *sub), message, hint, key=key)

    @property
    def line(self) -> int:
        return self.doc.pos.of(self.path)[0]


@dataclass
class ParsedCatalog:
    catalog_dir: Path
    rel_dir: str
    categories: list[Loc[Category]] = field(default_factory=list)
    brands: list[Loc[Brand]] = field(default_factory=list)
    tags: list[Loc[Tag]] = field(default_factory=list)
    attributes: list[Loc[Attribute]] = field(default_factory=list)
    shipping_classes: list[Loc[ShippingClass]] = field(default_factory=list)
    meta_fields: list[Loc[MetaField]] = field(default_factory=list)
    products: list[Loc[Product]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    version: str = ""
    #: number of product files found (even when they failed validation)
    product_files: int = 0
    #: taxonomy files (by wrapper key) that could not be read whole: references to them are not reported
    broken: set[str] = field(default_factory=set)
    #: SKUs written in product files that could not be parsed (references to them are not reported as dangling)
    unparsed_skus: set[str] = field(default_factory=set)


#: file name -> (wrapper key, model, what)
_TAXONOMY_FILES: dict[str, tuple[str, type[BaseModel], str]] = {
    "categories.yaml": ("categories", Category, "category"),
    "brands.yaml": ("brands", Brand, "brand"),
    "tags.yaml": ("tags", Tag, "tag"),
    "attributes.yaml": ("attributes", Attribute, "attribute"),
    "shipping-classes.yaml": ("shipping_classes", ShippingClass, "shipping class"),
    "meta-fields.yaml": ("meta_fields", MetaField, "meta field"),
}


def _items(doc: YamlDoc, wrapper: str, what: str, diags: list[Diagnostic]) -> tuple[list[Any], PathT]:
    """The list of items of a taxonomy file: a top-level list or a list under ``wrapper:``."""
    data = doc.data
    if data is None:
        return [], ()
    if isinstance(data, dict):
        if set(data) == {wrapper} and isinstance(data[wrapper], list | type(None)):
            return list(data[wrapper] or []), (wrapper,)
        for k in data:
            if k != wrapper:
                diags.append(doc.diag((k,), f"unknown top-level key '{k}'", f"this file holds a list under '{wrapper}:'", key=True))
                return [], ()
        diags.append(doc.diag((wrapper,), f"'{wrapper}' must be a list of {what} entries", "one '- name: …' per entry"))
        return [], ()
    if isinstance(data, list):
        return data, ()
    diags.append(doc.diag((), f"expected a list of {what} entries", f"write '{wrapper}:' followed by '- name: …' entries"))
    return [], ()


def _category(doc: YamlDoc, path: PathT, data: Any, diags: list[Diagnostic], model: type[T], what: str) -> T | None:
    """A category (or brand) node and its subtree; a broken node does not hide its valid children's errors or
    slugs."""
    if not isinstance(data, dict) or not isinstance(data.get("children", []), list | type(None)):
        return validate_model(doc, path, data, model, what, diags)
    node = validate_partial(doc, path, {k: v for k, v in data.items() if k != "children"}, model, what, diags)
    children = []
    for i, child in enumerate(data.get("children") or []):
        c = _category(doc, (*path, "children", i), child, diags, model, what)
        if c is not None:
            children.append(c)
    return node.model_copy(update={"children": children}) if node is not None else None


def _version(files: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for rel, content in sorted(files):
        h.update(rel.encode("utf-8") + b"\0")
        h.update(hashlib.sha256(content).digest())
    return h.hexdigest()[:7]


def _read_all(cdir: Path, root: Path, rel_dir: str, diags: list[Diagnostic]) -> dict[str, bytes | None]:
    """Every file of the catalogue directory that is not hidden (no part of its path starts with '.'),
    read once: relative POSIX path → bytes (None when unreadable), in path order. ``products/`` may itself be
    a symbolic link; links to directories further down are not followed (as ``Path.rglob`` does not).
    A file or ``products/`` resolving outside ``root`` (the project directory) is reported and never read."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(top_dir: Path, prefix: tuple[str, ...]) -> None:
        for top, dirs, names in os.walk(top_dir):
            parts = (*prefix, *Path(top).relative_to(top_dir).parts)
            dirs[:] = [d for d in dirs if not d.startswith(".") and (*parts, d) != ("products",)]
            for name in names:
                if not name.startswith(".") and os.path.isfile(os.path.join(top, name)):
                    found.append(((*parts, name), "/".join((*parts, name))))

    walk(cdir, ())
    products = cdir / "products"
    if products.is_dir():
        problem = outside(products, root, f"{rel_dir}/products", "directory")
        if problem is None:
            walk(products, ("products",))
        else:
            diags.append(problem)
    out: dict[str, bytes | None] = {}
    for _, rel in sorted(found):
        problem = outside(cdir / rel, root, f"{rel_dir}/{rel}")
        if problem is not None:
            diags.append(problem)
            continue
        content, problem = read_capped(cdir / rel, f"{rel_dir}/{rel}")
        if problem is not None:
            diags.append(problem)
            continue
        out[rel] = content
    return out


_START = "to start a project, see Quick start in wcsync's README"


def _missing_catalog(project_dir: Path, rel_dir: str) -> Diagnostic:
    """Why there is no catalogue directory: no project directory, not a project at all, or just no catalogue."""
    if not project_dir.is_dir():
        return Diagnostic(
            str(project_dir),
            NO_LINE,
            NO_LINE,
            f"project directory '{project_dir}' does not exist",
            f"pass --project DIR naming the directory that holds wcsync.yaml and {rel_dir}/ ({_START})",
        )
    if not (project_dir / "wcsync.yaml").is_file():
        return Diagnostic(
            "wcsync.yaml",
            NO_LINE,
            NO_LINE,
            f"{os.path.abspath(project_dir)} is not a wcsync project: it has no wcsync.yaml and no {rel_dir}/",
            f"run wcsync in the project directory or pass --project DIR; or create wcsync.yaml and "
            f"{rel_dir}/products/ here ({_START})",
        )
    return Diagnostic(
        rel_dir,
        NO_LINE,
        NO_LINE,
        f"catalogue directory '{rel_dir}' does not exist",
        "create it, or set 'catalog:' in wcsync.yaml; wcsync never treats a missing catalogue as empty",
    )


def parse_catalog(project_dir: Path, catalog: str = "catalog") -> ParsedCatalog:
    """Parse and validate every file of ``<project_dir>/<catalog>``."""
    cdir = Path(project_dir) / catalog
    rel_dir = Path(catalog).as_posix().rstrip("/")
    out = ParsedCatalog(catalog_dir=cdir, rel_dir=rel_dir)
    diags = out.diagnostics
    if Path(project_dir).is_dir() and (problem := outside(cdir, Path(project_dir), rel_dir, "catalogue directory")):
        diags.append(problem)
        return out
    if not cdir.is_dir():
        diags.append(_missing_catalog(Path(project_dir), rel_dir))
        return out
    contents = _read_all(cdir, Path(project_dir), rel_dir, diags)
    refused = {d.file for d in diags}
    out.version = _version([(rel_in, c) for rel_in, c in contents.items() if c is not None])

    def parse(path: Path, rel: str) -> tuple[YamlDoc | None, list[Diagnostic]]:
        content = contents.get(path.relative_to(cdir).as_posix())
        return parse_file(path, rel) if content is None else parse_bytes(rel, content)

    def usable(path: Path) -> bool:
        return path.is_file() and f"{rel_dir}/{path.name}" not in refused

    for fname, (wrapper, model, what) in _TAXONOMY_FILES.items():
        path = cdir / fname
        alt = cdir / fname.replace(".yaml", ".yml")
        if not usable(path) and usable(alt):
            path, fname = alt, alt.name
        if not usable(path):
            if f"{rel_dir}/{fname}" in refused:
                out.broken.add(wrapper)
            continue
        doc, errs = parse(path, f"{rel_dir}/{fname}")
        diags.extend(errs)
        if doc is None:
            out.broken.add(wrapper)
            continue
        before = len(diags)
        items, base = _items(doc, wrapper, what, diags)
        if len(diags) > before:
            out.broken.add(wrapper)
        target: list[Any] = getattr(out, wrapper)
        for i, item in enumerate(items):
            if model is Category or model is Brand:
                cat = _category(doc, (*base, i), item, diags, model, what)
                if cat is not None:
                    target.append(Loc(cat, doc, (*base, i), item))
                continue
            m = validate_partial(doc, (*base, i), item, model, what, diags)
            if m is not None:
                target.append(Loc(m, doc, (*base, i), item))

    pdir = cdir / "products"
    product_rels = [r for r in contents if r.startswith("products/") and r.endswith((".yaml", ".yml"))]
    out.product_files = len(product_rels)
    for rel_in in product_rels:
        rel = f"{rel_dir}/{rel_in}"
        content = contents[rel_in]
        doc, errs = parse_bytes(rel, content) if content is not None else (None, [])
        diags.extend(errs)
        if doc is None:
            text = (content or b"").decode("utf-8", errors="replace")
            out.unparsed_skus.update(_SKU_RE.findall(text))
            continue
        data = doc.data
        if isinstance(data, dict) and "products" in data and "sku" not in data:
            extra = [k for k in data if k != "products"]
            for k in extra:
                diags.append(doc.diag((k,), f"unknown top-level key '{k}'", "a product list file holds only 'products:'", key=True))
            plist = data["products"]
            if not isinstance(plist, list):
                diags.append(doc.diag(("products",), "'products' must be a list of products", "one '- sku: …' per product"))
                continue
            for i, item in enumerate(plist):
                before, dropped = len(diags), set[str]()
                p = validate_partial(doc, ("products", i), item, Product, "product", diags, dropped)
                if p is not None:
                    out.products.append(Loc(p, doc, ("products", i), item, partial=len(diags) > before, dropped=frozenset(dropped)))
                elif isinstance(item, dict) and item.get("sku") is not None:
                    out.unparsed_skus.add(str(item["sku"]))
        elif data is None:
            diags.append(doc.diag((), "empty product file", "write a product (sku:, name:, …) or delete the file"))
        else:
            before, dropped = len(diags), set[str]()
            p = validate_partial(doc, (), data, Product, "product", diags, dropped)
            if p is not None:
                out.products.append(Loc(p, doc, (), data, partial=len(diags) > before, dropped=frozenset(dropped)))
            elif isinstance(data, dict) and data.get("sku") is not None:
                out.unparsed_skus.add(str(data["sku"]))
    if not out.products and not out.unparsed_skus and not any(d.file.startswith(f"{rel_dir}/products/") for d in diags):
        diags.append(
            Diagnostic(
                f"{rel_dir}/products" if pdir.is_dir() else rel_dir,
                NO_LINE,
                NO_LINE,
                "the catalogue has no products",
                f"add product files under {rel_dir}/products/; wcsync never treats an empty catalogue as "
                "'delete everything'",
            )
        )
    return out
