"""Variations of a variable product: the ``variation_matrix`` expanded (SKU template, shared fields, overrides),
explicit ``variations`` added or merged onto matrix members by SKU, combinations checked against the parent's
variation attributes. Produces desired variation records keyed by SKU, else by attribute combination.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from wcsync.catalog.fieldconv import check_meta, convert_simple, required_meta
from wcsync.catalog.loader import Loc
from wcsync.catalog.models import Product, VariationFields
from wcsync.catalog.problems import suggestion_hint
from wcsync.catalog.templates import TemplateProblem, Templates
from wcsync.catalog.yamlio import PathT
from wcsync.core.canonical import sku_key
from wcsync.core.fields import VARIATION_FIELDS
from wcsync.core.kinds import variation_combo_key
from wcsync.core.refs import attr_ref, global_ref
from wcsync.diagnostics import Diagnostic


@dataclass
class RAttr:
    """A product attribute, resolved: display name, global slug (None = local), canonical options."""

    name: str
    slug: str | None
    options: list[str]
    visible: bool
    variation: bool

    @property
    def ref(self) -> str:
        return attr_ref(self.slug, self.name)

    def option(self, value: str) -> str | None:
        low = value.strip().lower()
        for o in self.options:
            if o.lower() == low:
                return o
        return None


@dataclass
class Member:
    """One variation being assembled."""

    combo: dict[str, str]  # attr ref -> option
    values: dict[str, Any]  # variation field -> model value
    loc: Loc[Any]
    sub: PathT
    sku: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # display name -> option


def _set_fields(m: VariationFields) -> dict[str, Any]:
    return {f: getattr(m, f) for f in m.model_fields_set if f in VARIATION_FIELDS and f not in ("sku", "attributes")}


def _lookup(attrs: list[RAttr], name: str) -> RAttr | None:
    low = name.strip().lower()
    for a in attrs:
        if a.name.lower() == low or (a.slug and (a.slug == low or global_ref(a.slug) == low)):
            return a
    return None


def resolve_combo(
    loc: Loc[Product], sub: PathT, given: dict[str, str], attrs: list[RAttr], diags: list[Diagnostic]
) -> dict[str, str] | None:
    """Map ``{attribute: option}`` as written to ``{attr ref: canonical option}``; None after reporting errors."""
    sku = loc.model.sku
    combo: dict[str, str] = {}
    ok = True
    for name, value in given.items():
        a = _lookup(attrs, name)
        if a is None:
            diags.append(loc.diag((*sub, name), f"'{name}' is not an attribute of {sku}", suggestion_hint(name, [x.name for x in attrs if x.variation], fallback="add it to the product's attributes with variation: true"), key=True))
            ok = False
            continue
        if not a.variation:
            diags.append(loc.diag((*sub, name), f"'{a.name}' is not a variation attribute of {sku}", "set 'variation: true' on that product attribute", key=True))
            ok = False
            continue
        opt = a.option(value)
        if opt is None:
            diags.append(loc.diag((*sub, name), f"'{value}' is not an option of '{a.name}' on {sku}", suggestion_hint(value, a.options, fallback="options: " + ", ".join(a.options))))
            ok = False
            continue
        combo[a.ref] = opt
    return combo if ok else None


def build_variations(
    loc: Loc[Product],
    attrs: list[RAttr],
    templates: Templates,
    declared_meta: dict[str, Any],
    diags: list[Diagnostic],
    *,
    lenient: bool = False,
) -> list[Member]:
    p = loc.model
    if "attributes" in loc.dropped or "variations" in loc.dropped:
        return []  # invalid attributes or variations (reported): their variations cannot be checked
    var_attrs = [a for a in attrs if a.variation]
    if (p.variation_matrix is not None or p.variations) and not var_attrs:
        where: PathT = ("variation_matrix",) if p.variation_matrix is not None else ("variations",)
        diags.append(loc.diag(where, f"{p.sku} has variations but no variation attribute", "mark the attributes that vary with 'variation: true'", key=True))
        return []
    members: list[Member] = []
    by_sku: dict[str, Member] = {}
    mx = p.variation_matrix
    # an invalid matrix (reported) may be what explicit variations without attributes override
    sku_failed = "variation_matrix" in loc.dropped
    if mx is not None:
        shared = _set_fields(mx)
        overrides: list[tuple[dict[str, str], dict[str, Any], str | None, int]] = []
        for i, ov in enumerate(mx.overrides):
            when = resolve_combo(loc, ("variation_matrix", "overrides", i, "when"), ov.when, attrs, diags)
            if when is not None:
                overrides.append((when, _set_fields(ov), ov.sku, i))
        sku_error = False
        for options in itertools.product(*(a.options for a in var_attrs)):
            combo = {a.ref: o for a, o in zip(var_attrs, options, strict=True)}
            names = {a.name: o for a, o in zip(var_attrs, options, strict=True)}
            values = dict(shared)
            sku = None
            for when, fields, ov_sku, _ in overrides:
                if all(combo.get(k) == v for k, v in when.items()):
                    values.update(fields)
                    sku = ov_sku or sku
            if sku is None and mx.sku is not None and not sku_error:
                ctx: dict[str, Any] = {**names, "attrs": names, "parent_sku": p.sku}
                ctx.update({a.slug: o for a, o in zip(var_attrs, options, strict=True) if a.slug and a.slug not in ctx})
                try:
                    sku = templates.render_inline(mx.sku, ctx)
                except TemplateProblem as exc:
                    diags.append(loc.diag(("variation_matrix", "sku"), f"variation sku template: {exc.message}", exc.hint))
                    sku_error = sku_failed = True
                    continue
                if not sku:
                    diags.append(loc.diag(("variation_matrix", "sku"), "variation sku template renders an empty SKU", "use the attributes, e.g. {{ parent_sku }}-{{ Size }}"))
                    sku_error = sku_failed = True
                    continue
            m = Member(combo=combo, values=values, loc=loc, sub=("variation_matrix",), sku=sku, names=names)
            m.meta = dict(mx.meta or {})
            for when, fields, _, _ in overrides:
                if all(combo.get(k) == v for k, v in when.items()) and "meta" in fields:
                    m.meta.update(fields["meta"] or {})
            members.append(m)
            if sku:
                by_sku.setdefault(sku_key(sku), m)
    matrix_combos = {tuple(sorted(m.combo.items())): m for m in members}
    explicit_combos: dict[tuple[tuple[str, str], ...], int] = {}
    for i, v in enumerate(p.variations):
        sub: PathT = ("variations", i)
        resolved = resolve_combo(loc, (*sub, "attributes"), v.attributes, attrs, diags) if v.attributes else {}
        if resolved is None:
            continue
        combo = resolved
        target = by_sku.get(sku_key(v.sku)) if v.sku else None
        if target is not None:
            if combo and combo != target.combo:
                diags.append(loc.diag((*sub, "attributes"), f"variation {v.sku} overrides a matrix variation but gives other attributes", "leave out 'attributes' when overriding a matrix variation by sku"))
                continue
            target.values.update(_set_fields(v))
            target.meta.update(v.meta or {})
            target.sub = sub  # messages about this variation point at its explicit entry
            continue
        if not combo:
            if sku_failed:
                continue  # probably overrides a matrix variation whose SKU could not be rendered
            diags.append(loc.diag(sub, "variation has no attributes", "give its 'attributes:' (e.g. {Color: Red}), or the sku of a matrix variation to override"))
            continue
        ckey = tuple(sorted(combo.items()))
        if ckey in matrix_combos:
            other = matrix_combos[ckey]
            hint = f"to change that variation, give its sku: {other.sku}" if other.sku else "to change that variation, use variation_matrix.overrides"
            diags.append(loc.diag((*sub, "attributes"), f"variation collides with matrix variation {other.sku or _combo_text(combo, attrs)}", hint))
            continue
        if ckey in explicit_combos:
            first_line, _ = loc.doc.pos.of((*loc.path, "variations", explicit_combos[ckey]))
            diags.append(loc.diag((*sub, "attributes"), f"two variations of {p.sku} have the same attributes {_combo_text(combo, attrs)}", f"the other one is at line {first_line}: remove or change one of them"))
            continue
        explicit_combos[ckey] = i
        m = Member(combo=combo, values=_set_fields(v), loc=loc, sub=sub, sku=v.sku, meta=dict(v.meta or {}))
        members.append(m)
        if v.sku:
            by_sku.setdefault(sku_key(v.sku), m)
    for m in members:
        m.meta = check_meta(loc, (*m.sub, "meta"), m.meta, declared_meta, "variation", diags, lenient=lenient) if m.meta else {}
        required_meta(Loc(loc.model, loc.doc, (*loc.path, *m.sub)), m.meta, declared_meta, "variation", diags, f"variation {m.sku or _combo_text(m.combo, attrs)}")
    return members


def _combo_text(combo: dict[str, str], attrs: list[RAttr]) -> str:
    names = {a.ref: a.name for a in attrs}
    return "{" + ", ".join(f"{names.get(k, k)}: {v}" for k, v in combo.items()) + "}"


def member_key(parent_sku: str, m: Member) -> str:
    return m.sku if m.sku else variation_combo_key(parent_sku, m.combo)


def member_fields(m: Member, resolve_ref: Any) -> dict[str, Any]:
    """Desired variation fields (``resolve_ref(field, value)`` resolves shipping_class)."""
    fields: dict[str, Any] = {}
    if m.sku:
        fields["sku"] = m.sku
    for name, value in m.values.items():
        if name == "meta":
            continue
        if name == "shipping_class":
            fields[name] = resolve_ref(name, value)
        else:
            fields[name] = convert_simple(name, value)
    fields["attributes"] = dict(m.combo)
    if m.meta or "meta" in m.values:
        fields["meta"] = dict(m.meta)
    return fields
