"""Canonical forms: the values the planner compares, so nothing WooCommerce rewrites shows as a change.

Pure functions from desired or live field values to JSON-able canonical values (money as ``"45.00"`` strings,
tuples as lists). Both sides go through the same function; where WooCommerce filters input (names, HTML,
meta scalars, dates, slugs) the canonical form applies the same filtering so the desired value and what the
store made of it compare equal. Must not do I/O or know the wire format beyond what is documented here.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache, wraps
from typing import Any, TypeVar
from urllib.parse import unquote

_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"^<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_EVENT_ATTR = re.compile(r"""\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_BETWEEN_TAGS_WS = re.compile(r">\s+<")
_SCRIPT_TAG = re.compile(r"</?\s*script[^>]*>", re.IGNORECASE)
_SPACED_FRAGMENT = re.compile(r"<\s+([^<>]*?)\s+>")
_SCRIPT_STYLE_ELEMENT = re.compile(r"<(script|style)[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)

#: how many distinct strings each text canonicaliser remembers (a large catalogue repeats term names, option
#: values, category paths and descriptions many times; the bound keeps memory flat on unique names)
_CACHE_SIZE = 1 << 16
_R = TypeVar("_R")


_CACHES: list[Any] = []


def clear_caches() -> None:
    """Forget memoised values (each plan starts cold, so its cost and memory do not depend on earlier ones)."""
    for cache in _CACHES:
        cache.cache_clear()


def _str_cached(fn: Callable[[Any], _R]) -> Callable[[Any], _R]:
    """Memoise a pure text function for ``str`` arguments (the common case); other values are computed."""
    cached = lru_cache(maxsize=_CACHE_SIZE)(fn)
    _CACHES.append(cached)

    @wraps(fn)
    def wrapper(value: Any) -> _R:
        if type(value) is str:
            return cached(value)
        return fn(value)

    return wrapper


def sku_key(sku: str | None) -> str:
    """How WooCommerce compares SKUs: trimmed, case-insensitive (05#114-115). ``""`` for no SKU."""
    return (sku or "").strip().casefold()


@_str_cached
def slug_key(slug: str | None) -> str:
    """Slugs compare lower-case with percent-encoding undone (non-Latin slugs come back ``%e5%b8%bd…``) and
    accents folded as WordPress folds them (``café`` is stored ``cafe``, ``ß`` as ``s``; 02#10-13)."""
    text = unquote((slug or "").strip()).replace("ß", "s").replace("ẞ", "s").casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@_str_cached
def path_key(path: str | None) -> str:
    return "/".join(slug_key(part) for part in (path or "").strip("/").split("/") if part)


# -- money and decimals ------------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """The one money (and decimal) reader, for every layer: ``45``, ``45.0``, ``"45.00"`` → Decimal;
    ``None``/``""`` → None. Unparsable or non-finite text → None (WooCommerce stores ``"abc"`` as ``""``,
    05#45)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


@_str_cached
def money(value: Any) -> str | None:
    """Canonical money string: at least two decimals (``"45.00"``, ``"39.50"``, ``"1.2345"``); what the plan
    shows and ``wcsync.store.payload`` sends."""
    dec = to_decimal(value)
    if dec is None:
        return None
    dec = dec.normalize()
    exponent = dec.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        dec = dec.quantize(Decimal("0.01"))
    return format(dec, "f")


@_str_cached
def decimal_str(value: Any) -> str | None:
    """Canonical decimal string without trailing zeros (``"0.80"`` → ``"0.8"``, ``"30.0"`` → ``"30"``)."""
    dec = to_decimal(value)
    if dec is None:
        return None
    if dec == dec.to_integral_value():
        return format(dec.to_integral_value(), "f")
    return format(dec.normalize(), "f")


def dimensions(value: Any) -> dict[str, str | None]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): decimal_str(v) for k, v in sorted(value.items())}


# -- text and HTML -----------------------------------------------------------------------------------


@_str_cached
def plain_text(value: Any) -> str:
    """Plain text fields (tax_class, external_url, …): entities decoded, trimmed; None → ``""``."""
    if value is None:
        return ""
    return html.unescape(str(value)).strip()


def stored_product_name(value: Any) -> str:
    """The text WooCommerce stores for a product name (``wp_filter_post_kses``): entity-decoded, backslashes
    dropped, ``< b >`` tightened to ``<b>`` (05#71), tags outside the post allowlist removed with their text kept
    (``<script>x</script>`` → ``x``, 05#67; ``<Limited>`` → nothing, 11#68: two spaces are left where it stood),
    trimmed."""
    text = html.unescape(str(value or ""))
    text = text.replace("\\", "")
    text = _SPACED_FRAGMENT.sub(r"<\1>", text)
    text = _TAG.sub(_filter_tag, text)
    return text.strip()


@_str_cached
def product_name(value: Any) -> str:
    """A product name as WooCommerce stores it (05#65-77, 11#68), whitespace runs collapsed."""
    return _WS.sub(" ", stored_product_name(value)).strip()


_OCTET = re.compile(r"%[a-fA-F0-9]{2}")


def stored_term_name(value: Any) -> str:
    """The text WordPress stores for a category/tag/term/shipping class name (``pre_term_name``:
    ``sanitize_text_field`` then ``wp_filter_kses``): entity-decoded, script/style elements dropped with their
    content (02#15), every tag and tag-looking fragment removed (``A <b>bold</b>`` → ``A bold``, 11#64-65;
    ``<3 > 2`` → ``2``, 02#16), runs of whitespace collapsed, percent-encoded octets removed, trimmed. A lone
    ``<`` with no ``>`` after it is kept (``wp_pre_kses_less_than``; ``_sanitize_text_fields`` in WordPress formatting.php, not captured)."""
    text = html.unescape(str(value or ""))
    text = _SCRIPT_STYLE_ELEMENT.sub("", text)
    text = _TAG.sub("", text)
    text = _WS.sub(" ", text)
    while _OCTET.search(text):
        text = _WS.sub(" ", _OCTET.sub("", text))
    return text.strip()


@_str_cached
def term_name(value: Any) -> str:
    """A category/tag/term name as WordPress stores it."""
    return stored_term_name(value)


@_str_cached
def attribute_name(value: Any) -> str:
    """Global attribute names are kept raw (04#6); only whitespace and entities are normalised."""
    return _WS.sub(" ", html.unescape(str(value or ""))).strip()


#: tags WordPress's post filter (``wp_kses_post``) surely keeps; anything else is treated as removed. Erring
#: towards "removed" can only hide an edit to such a tag, never invent a change that would not go away.
_POST_ALLOWED_TAGS = frozenset(
    [
        "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdo", "big",
        "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
        "dfn", "div", "dl", "dt", "em", "fieldset", "figcaption", "figure", "font", "footer", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "label",
        "legend", "li", "main", "map", "mark", "menu", "nav", "ol", "p", "pre", "q", "rb", "rp",
        "rt", "rtc", "ruby", "s", "samp", "section", "small", "span", "strike", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track",
        "tt", "u", "ul", "var", "video", "wbr"
    ]
)


def _filter_tag(match: re.Match[str]) -> str:
    tag = match.group(0)
    name = _TAG_NAME.match(tag)
    if name is None:
        return ""  # ``< 6 & 7 >`` is eaten (05#78)
    if name.group(1).lower() not in _POST_ALLOWED_TAGS:
        return ""  # script, iframe, style, unknown tags: the tag goes, its text stays (05#78)
    return _EVENT_ATTR.sub("", tag)


def removed_by_post_filter(value: Any) -> list[str]:
    """The tags (and ``on*`` attributes) WordPress's post filter removes from HTML, as written (05#78, 11#70)."""
    out: list[str] = []
    for match in _TAG.finditer(str(value or "")):
        if _filter_tag(match) != match.group(0):
            out.append(match.group(0))
    return out


#: ``<`` and ``>`` written as entities in HTML: text, not markup. Decoded they would be sent as markup and eaten
#: by WordPress's filter (``Für Tassen &lt; 300 ml`` must not become ``Für Tassen < 300 ml`` → ``Für Tassen``)
_LT_GT_ENTITY = re.compile(r"&(?:lt|#0*60|#x0*3c);|&(?:gt|#0*62|#x0*3e);", re.IGNORECASE)


def _unescape_html(text: str) -> str:
    """Entities decoded, except ``&lt;``/``&gt;`` (in any spelling), kept as ``&lt;``/``&gt;``."""
    parts = _LT_GT_ENTITY.split(text)
    found = _LT_GT_ENTITY.findall(text)
    out = [html.unescape(parts[0])]
    for entity, rest in zip(found, parts[1:], strict=True):
        out.append("&lt;" if html.unescape(entity) == "<" else "&gt;")
        out.append(html.unescape(rest))
    return "".join(out)


@_str_cached
def html_text(value: Any) -> str:
    """Canonical HTML (descriptions, purchase notes): WooCommerce's filtering (05#78-79) applied — tags
    outside the post allowlist dropped (their text kept), ``on*`` attributes removed, ``< … >`` fragments
    that are not tags eaten — then entities decoded, whitespace between tags dropped and runs of whitespace
    collapsed. Markup that survives filtering is compared as written, so a real edit always shows."""
    if value is None:
        return ""
    text = _TAG.sub(_filter_tag, str(value))
    text = _unescape_html(text)
    text = text.replace("\r\n", "\n")
    text = _BETWEEN_TAGS_WS.sub("><", text)
    return _WS.sub(" ", text).strip()


_AUTOP_TAGS = re.compile(r"</?\s*p\b[^>]*>|<\s*br\s*/?\s*>", re.IGNORECASE)


@_str_cached
def variation_html(value: Any) -> str:
    """A variation description: WooCommerce returns it through ``wc_format_content`` (``wpautop``), in every
    context and even in the create response (06#8: sent ``Blue & slim <b>limited</b>``, returned
    ``<p>Blue &amp; slim <b>limited</b></p>\n``). Paragraph and line-break tags are therefore not compared:
    they become whitespace on both sides."""
    text = _AUTOP_TAGS.sub(" ", html_text(value))
    return _WS.sub(" ", text).strip()


#: what WordPress keeps in a term description (``wp_filter_kses``'s ``$allowedtags``; ``<p>`` goes, 02#36)
_TERM_ALLOWED_TAGS = frozenset(
    {"a", "abbr", "acronym", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strike", "strong"}
)


def _filter_term_tag(match: re.Match[str]) -> str:
    name = _TAG_NAME.match(match.group(0))
    if name is None or name.group(1).lower() not in _TERM_ALLOWED_TAGS:
        return ""
    return _EVENT_ATTR.sub("", match.group(0))


@_str_cached
def term_html(value: Any) -> str:
    """Term descriptions keep only inline tags (02#36, 03#8, 04#21): other tags vanish without a trace."""
    if value is None:
        return ""
    text = html.unescape(_TAG.sub(_filter_term_tag, str(value)))
    return _WS.sub(" ", text).strip()


@_str_cached
def plain_title(value: Any) -> str:
    return _WS.sub(" ", html.unescape(_TAG.sub("", str(value or "")))).strip()


# -- dates -------------------------------------------------------------------------------------------


def date_time(value: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` (store-local); date-only input is midnight (05#105); unparsable → None (05#104)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00"
    text = str(value).strip().replace(" ", "T")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T00:00:00"
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?", text)
    if match is None:
        return None
    return match.group(1) + (match.group(2) or ":00")


# -- meta --------------------------------------------------------------------------------------------


def meta_value(value: Any) -> Any:
    """What WooCommerce returns for a written meta value (05#7): scalars become strings (``42`` → ``"42"``,
    ``True`` → ``"1"``, ``False`` → ``""``); lists and objects round-trip as JSON."""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    if isinstance(value, Mapping | list | tuple):
        return php_json(jsonable(value))
    if value is None:
        return None
    return str(value)


_PHP_INT_KEY = re.compile(r"-?[1-9][0-9]*|0")


def php_json(value: Any) -> Any:
    """A JSON value as PHP stores and returns it (``json_decode(…, true)`` then ``json_encode``, 11#1-4): an
    object becomes a PHP array, so ``{}`` comes back ``[]`` (nested too) and an object whose keys are exactly
    ``"0"``, ``"1"``, … in order comes back as a list; nested scalars keep their JSON type."""
    if isinstance(value, list | tuple):
        return [php_json(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    keys = [str(k) for k in value]
    items = [php_json(v) for v in value.values()]
    if keys == [str(n) for n in range(len(keys))]:
        return items
    return dict(zip(keys, items, strict=True))


# -- JSON --------------------------------------------------------------------------------------------


_SCALARS = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A JSON-able copy: Decimals as strings, tuples as lists, dict keys as strings."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def sorted_unique(keys: Iterable[str], key_fn: Any = None) -> list[str]:
    seen: dict[str, str] = {}
    for k in keys:
        seen.setdefault(key_fn(k) if key_fn else k, k)
    return [seen[k] for k in sorted(seen)]
