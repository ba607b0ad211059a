"""Generate a synthetic wcsync project (``wcsync.yaml`` + ``catalog/``) in the design.md §2 format.

Used by the benchmarks; never by the test suite. The catalogue is deterministic for given arguments (no
randomness), so two runs measure the same input:

- ``--products N`` products (default 10,000), half of them variable;
- ``--variations M`` variations (default 40,000), spread evenly over the variable products; every second
  variable product uses a ``variation_matrix`` (Color x Size, SKU template, shared price, one override),
  the others list explicit variations with their own SKUs and prices;
- a three-level category tree, tags, global attributes with terms and declared meta fields, all referenced
  by the products, so the loader's cross-file checks have real work to do.

Usage::

    python benchmarks/gen_catalog.py [--products N] [--variations M] [--per-file K] [DIR]

Without ``DIR`` a fresh temporary directory is created; its path is printed on stdout.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

COLORS = ["Red", "Blue", "Navy", "Forest Green", "Charcoal", "Ochre", "Natural", "Crème", "Sand", "Slate"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]
MATERIALS = ["Organic Cotton", "Merino Wool", "Recycled Polyester", "Linen", "Stoneware"]
#: Jinja2 SKU template of matrix variations (appended to the parent SKU)
MATRIX_SKU_SUFFIX = "-{{ Color | replace(' ', '-') | upper }}-{{ Size }}"
TAGS = ["winter", "summer", "organic", "recycled", "bestseller", "new-in", "gift-idea", "sale"]
TOP = ["clothing", "outdoor", "home-kitchen", "gifts"]
MID = ["hoodies", "jackets", "shirts", "bags"]
LEAF = ["classic", "technical", "kids"]


def slugify(name: str) -> str:
    """Slug of the simple ASCII-ish names used here (``Forest Green`` → ``forest-green``)."""
    return name.lower().replace("è", "e").replace(" ", "-")


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def categories_yaml() -> str:
    lines = ["categories:"]
    for top in TOP:
        lines += [f"  - name: {_q(top.replace('-', ' & ').title())}", f"    slug: {top}", "    children:"]
        for mid in MID:
            lines += [
                f"      - name: {_q(mid.title() + ' & More')}",
                f"        slug: {top}-{mid}",
                "        children:",
            ]
            for leaf in LEAF:
                lines += [f"          - name: {_q(leaf.title())}", f"            slug: {top}-{mid}-{leaf}"]
    return "\n".join(lines) + "\n"


def category_paths() -> list[str]:
    return [f"{t}/{t}-{m}/{t}-{m}-{leaf}" for t in TOP for m in MID for leaf in LEAF]


def tags_yaml() -> str:
    lines = ["tags:"]
    for slug in TAGS:
        lines += [f"  - name: {_q(slug.replace('-', ' ').title())}", f"    slug: {slug}"]
    return "\n".join(lines) + "\n"


def attributes_yaml() -> str:
    lines = ["attributes:"]
    for name, terms in (("Color", COLORS), ("Size", SIZES), ("Material", MATERIALS)):
        lines += [f"  - name: {name}", f"    slug: {name.lower()}", "    terms:"]
        for term in terms:
            lines += [f"      - name: {_q(term)}", f"        slug: {slugify(term)}"]
    return "\n".join(lines) + "\n"


META_FIELDS_YAML = """\
meta_fields:
  - key: _yoast_wpseo_metadesc
    type: string
  - key: gtin
    type: string
  - key: launch_year
    type: number
  - key: featured_badge
    type: enum
    values: [new, bestseller, limited, eco]
"""

PROJECT_YAML = """\
default_store: sandbox
stores:
  sandbox:
    url: sandbox:.wcsync/sandbox.db
ownership: marked
delete: trash
store_owned: [stock_quantity, stock_status]
"""


def _price(i: int) -> str:
    # Mix the three price spellings users write; all are the same kind of decimal to wcsync.
    whole = 10 + i % 190
    return (str(whole), f"{whole}.0", f'"{whole}.00"')[i % 3]


def _common(i: int, sku: str, kind: str, cats: list[str]) -> list[str]:
    return [
        f"sku: {sku}",
        f"name: {_q(f'Synthetic {kind} product {i} & Co')}",
        f"type: {kind}",
        "status: publish",
        f"short_description: {_q(f'Short description of product {i}.')}",
        f"description: {_q(f'<p>Description of product {i}, with <strong>HTML</strong>.</p>')}",
        f"categories: [{cats[i % len(cats)]}]",
        f"tags: [{TAGS[i % len(TAGS)]}, {TAGS[(i + 3) % len(TAGS)]}]",
        "images:",
        f"  - src: https://cdn.example.com/synthetic/{sku.lower()}-front.jpg",
        f"    alt: {_q(f'Product {i}, front view')}",
        "meta:",
        f"  gtin: {_q(f'{7045210000000 + i:014d}')}",
        f"  launch_year: {2015 + i % 12}",
    ]


def _combos(count: int) -> tuple[list[str], list[str]]:
    """Colors and sizes whose cross product has at least ``count`` combinations (as square as possible)."""
    n_sizes = min(len(SIZES), max(1, math.isqrt(count)))
    n_colors = min(len(COLORS), math.ceil(count / n_sizes))
    if n_colors * n_sizes < count:
        raise SystemExit(
            f"cannot make {count} variations per product from {len(COLORS)} x {len(SIZES)} options"
        )
    return COLORS[:n_colors], SIZES[:n_sizes]


def _matrix_fits(count: int) -> tuple[list[str], list[str]] | None:
    """Colors and sizes whose cross product is exactly ``count``, as square as possible (None if impossible)."""
    fits = [
        (abs(count // s - s), count // s, s)
        for s in range(1, min(len(SIZES), count) + 1)
        if count % s == 0 and count // s <= len(COLORS)
    ]
    if not fits:
        return None
    _, n_colors, n_sizes = min(fits)
    return COLORS[:n_colors], SIZES[:n_sizes]


def _options_line(name: str, options: list[str]) -> list[str]:
    return [f"  - name: {name}", f"    options: [{', '.join(_q(o) for o in options)}]", "    variation: true"]


def simple_product(i: int, cats: list[str]) -> str:
    sku = f"SIM-{i:06d}"
    lines = _common(i, sku, "simple", cats)
    lines += [f"regular_price: {_price(i)}", "manage_stock: true", f"weight: {0.1 + (i % 40) / 10:.1f}"]
    if i % 4 == 0:
        lines.append(f"sale_price: {(10 + i % 190) - 5}")
    return "\n".join(lines) + "\n"


def variable_product(i: int, count: int, cats: list[str], use_matrix: bool) -> str:
    sku = f"VAR-{i:06d}"
    lines = _common(i, sku, "variable", cats)
    matrix = _matrix_fits(count) if use_matrix else None
    if matrix is not None:
        colors, sizes = matrix
        lines += ["attributes:", *_options_line("Color", colors), *_options_line("Size", sizes)]
        lines += [
            f"default_attributes: {{Color: {_q(colors[0])}, Size: {_q(sizes[0])}}}",
            "variation_matrix:",
            f"  sku: {_q(sku + MATRIX_SKU_SUFFIX)}",
            f"  regular_price: {_price(i)}",
            "  overrides:",
            f"    - when: {{Size: {_q(sizes[-1])}}}",
            f"      regular_price: {_q(f'{10 + i % 190 + 3}.00')}",
        ]
        return "\n".join(lines) + "\n"
    colors, sizes = _combos(count)
    combos = [(c, s) for c in colors for s in sizes][:count]
    used_colors = [c for c in colors if any(cc == c for cc, _ in combos)]
    used_sizes = [s for s in sizes if any(ss == s for _, ss in combos)]
    lines += ["attributes:", *_options_line("Color", used_colors), *_options_line("Size", used_sizes)]
    lines.append("variations:")
    for n, (color, size) in enumerate(combos):
        lines += [
            f"  - sku: {sku}-{n:02d}",
            f"    attributes: {{Color: {_q(color)}, Size: {_q(size)}}}",
            f"    regular_price: {_price(i + n)}",
        ]
    return "\n".join(lines) + "\n"


def products(n_products: int, n_variations: int) -> Iterator[tuple[str, str]]:
    """(file stem, YAML text) of every product, deterministic."""
    cats = category_paths()
    n_variable = n_products // 2 if n_variations else 0
    if n_variable == 0 and n_variations:
        raise SystemExit("variations need at least 2 products (half of them are variable)")
    base, extra = divmod(n_variations, n_variable) if n_variable else (0, 0)
    for i in range(n_products):
        if i < n_variable:
            count = base + (1 if i < extra else 0)
            if count == 0:
                yield f"sim-{i:06d}", simple_product(i, cats)
                continue
            yield f"var-{i:06d}", variable_product(i, count, cats, use_matrix=i % 2 == 0)
        else:
            yield f"sim-{i:06d}", simple_product(i, cats)


def generate(root: Path, n_products: int = 10_000, n_variations: int = 40_000, per_file: int = 1) -> Path:
    """Write a project into ``root`` (created if needed) and return it."""
    catalog = root / "catalog"
    (catalog / "products").mkdir(parents=True, exist_ok=True)
    (root / "wcsync.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    (catalog / "categories.yaml").write_text(categories_yaml(), encoding="utf-8")
    (catalog / "tags.yaml").write_text(tags_yaml(), encoding="utf-8")
    (catalog / "attributes.yaml").write_text(attributes_yaml(), encoding="utf-8")
    (catalog / "meta-fields.yaml").write_text(META_FIELDS_YAML, encoding="utf-8")
    batch: list[str] = []
    for n, (stem, text) in enumerate(products(n_products, n_variations)):
        # Spread files over sub-directories of 500 like a real repository would (products/**.yaml).
        sub = catalog / "products" / f"group-{n // 500:03d}"
        if per_file <= 1:
            sub.mkdir(exist_ok=True)
            (sub / f"{stem}.yaml").write_text(text, encoding="utf-8")
            continue
        batch.append("  - " + text.rstrip("\n").replace("\n", "\n    "))
        if len(batch) == per_file:
            sub.mkdir(exist_ok=True)
            (sub / f"{stem}.yaml").write_text("products:\n" + "\n".join(batch) + "\n", encoding="utf-8")
            batch = []
    if batch:
        last = catalog / "products" / "rest"
        last.mkdir(exist_ok=True)
        (last / "rest.yaml").write_text("products:\n" + "\n".join(batch) + "\n", encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dir", nargs="?", help="target directory (default: a new temporary directory)")
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variations", type=int, default=40_000)
    parser.add_argument(
        "--per-file", type=int, default=1, help="products per file (a `products:` list when > 1)"
    )
    args = parser.parse_args(argv)
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="wcsync-bench-"))
    generate(root, args.products, args.variations, args.per_file)
    print(root)


if __name__ == "__main__":
    main()
