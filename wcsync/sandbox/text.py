"""Text rules of WordPress/WooCommerce as the recorded store applies them.

Entity encoding (``&`` → ``&amp;`` without double encoding), a small ``kses`` (allowed tags per context,
attributes filtered, text that looks like a tag eaten), ``sanitize_text_field``, ``wpautop`` for view
context, slugs (``sanitize_title``: accents folded, non-Latin percent-encoded) and WooCommerce's lossy
decimal parsing of prices. Pure functions; no storage.
"""

from __future__ import annotations

import html
import re

from wcsync.core.slugs import remove_accents as remove_accents
from wcsync.core.slugs import sanitize_title as sanitize_title

_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


def encode_amp(text: str) -> str:
    """``&`` → ``&amp;`` unless it already starts an entity (WordPress never double-encodes)."""
    out: list[str] = []
    pos = 0
    for match in re.finditer(r"&", text):
        start = match.start()
        out.append(text[pos:start])
        if _ENTITY.match(text, start):
            out.append("&")
        else:
            out.append("&amp;")
        pos = start + 1
    out.append(text[pos:])
    return "".join(out)


def decode_entities(text: str) -> str:
    return html.unescape(text)


# --- kses ---------------------------------------------------------------------------------------------

#: WordPress' ``$allowedtags`` (titles, term descriptions) → allowed attributes.
ALLOWED_INLINE: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "b": set(),
    "blockquote": {"cite"},
    "cite": set(),
    "code": set(),
    "del": {"datetime"},
    "em": set(),
    "i": set(),
    "q": {"cite"},
    "s": set(),
    "strike": set(),
    "strong": set(),
}
_POST_ATTRS = {"class", "id", "style", "title", "role", "dir", "lang", "align", "aria-label", "aria-hidden"}
#: A subset of ``$allowedposttags`` (descriptions): no script, iframe, form, event handlers.
ALLOWED_POST: dict[str, set[str]] = {
    **{tag: attrs | _POST_ATTRS for tag, attrs in ALLOWED_INLINE.items()},
    **{
        tag: set(_POST_ATTRS)
        for tag in ["p", "div", "span", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "pre", "small", "sub", "sup", "u", "ins", "section", "article", "aside", "header", "footer", "nav", "figure", "figcaption", "address", "big", "center", "font", "mark"]
    },
    "img": _POST_ATTRS | {"src", "alt", "width", "height", "srcset", "sizes", "loading"},
    "a": _POST_ATTRS | {"href", "title", "rel", "target", "name"},
}

_SPLIT = re.compile(r"(<!--.*?(?:-->|$))|(<[^>]*(?:>|$)|>)", re.S)
_TAG = re.compile(r"^<\s*(/\s*)?([a-zA-Z0-9-]+)([^>]*)>?$", re.S)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def kses(text: str, allowed: dict[str, set[str]]) -> str:
    """Keep only ``allowed`` tags/attributes; drop other tags (their text stays) and tag-like text."""

    def repl(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1):
            return ""
        if token == ">":
            return "&gt;"
        tag = _TAG.match(token)
        if tag is None:
            return ""
        closing, name, rest = bool(tag.group(1)), tag.group(2).lower(), tag.group(3)
        if name not in allowed:
            return ""
        if closing:
            return f"</{name}>"
        attrs = []
        for attr in _ATTR.finditer(rest):
            key = attr.group(1).lower()
            if key in allowed[name]:
                value = attr.group(2)
                if value is None:
                    attrs.append(f" {key}")
                else:
                    attrs.append(f' {key}="{value.strip(chr(34) + chr(39))}"')
        self_close = " /" if rest.rstrip().endswith("/") else ""
        return f"<{name}{''.join(attrs)}{self_close}>"

    return encode_amp(_SPLIT.sub(repl, text))


_SCRIPT_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.S | re.I)
_ANY_TAG = re.compile(r"<[^>]*>")


def strip_all_tags(text: str) -> str:
    if "<" not in text:
        return text
    return _ANY_TAG.sub("", _SCRIPT_STYLE.sub("", text))


def sanitize_text_field(text: str, *, keep_newlines: bool = False) -> str:
    """WordPress ``sanitize_text_field``: tags (and anything like one) out, whitespace collapsed."""
    if "<" in text:
        text = re.sub(r"<[^>]*?(?=<|$)", lambda m: html.escape(m.group(0), quote=False), text)
        text = strip_all_tags(text)
    if not keep_newlines:
        text = re.sub(r"[\r\n\t ]+", " ", text)
    text = text.strip()
    found = False
    while True:
        match = re.search(r"%[a-fA-F0-9]{2}", text)
        if match is None:
            break
        text = text.replace(match.group(0), "")
        found = True
    if found:
        text = re.sub(r" +", " ", text).strip()
    return text


def product_name(text: str) -> str:
    """Product (post) title as stored: slashes removed, inline kses, trimmed, ``&`` encoded."""
    return kses(text.replace("\\", ""), ALLOWED_INLINE).strip()


def term_name(text: str) -> str:
    """Term name as stored: ``sanitize_text_field`` then ``&`` encoded."""
    return encode_amp(sanitize_text_field(text))


def post_html(text: str) -> str:
    """Descriptions and purchase notes: post kses (script/iframe/handlers removed)."""
    return kses(text.replace("\\", ""), ALLOWED_POST)


def term_description(text: str) -> str:
    return kses(text, ALLOWED_INLINE)


# --- wpautop ------------------------------------------------------------------------------------------

_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|"
    r"nav|figure|figcaption|details|menu|summary)"
)


def wpautop(text: str) -> str:
    """A faithful-enough port of WordPress' ``wpautop`` (paragraphs and line breaks)."""
    if text.strip() == "":
        return ""
    text = text + "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(r"(<" + _BLOCK + r"[\s/>])", r"\n\n\1", text)
    text = re.sub(r"(</" + _BLOCK + r">)", r"\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n\n+", "\n\n", text)
    pees = re.split(r"\n\s*\n", text)
    text = ""
    for tee in pees:
        if tee.strip() == "":
            continue
        text += "<p>" + tee.strip("\n") + "</p>\n"
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _BLOCK + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p>\s*(</?" + _BLOCK + r"[^>]*>)", r"\1", text)
    text = re.sub(r"(</?" + _BLOCK + r"[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"(?<!<br />)\s*\n(?!\s*$)", "<br />\n", text)
    text = re.sub(r"(</?" + _BLOCK + r"[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    return text


# --- slugs ------------------------------------------------------------------------------------------

# ``remove_accents`` and ``sanitize_title`` live in ``slugs`` (a port of WordPress' own), re-exported above.


# --- numbers ------------------------------------------------------------------------------------------


def format_decimal(value: str) -> str:
    """WooCommerce ``wc_format_decimal`` on a price string as the store saw it (lossy, not rounded)."""
    value = value.strip()
    value = value.replace(",", "")
    value = re.sub(r"[^0-9.\-]", "", value)
    if value in ("", "-", "."):
        return ""
    if not re.fullmatch(r"-?[0-9]*\.?[0-9]*", value):
        match = re.match(r"-?[0-9]*\.?[0-9]*", value)
        value = match.group(0) if match else ""
    return value


def to_float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def sanitize_sku(value: str) -> str:
    """SKUs lose their tags and surrounding spaces but keep a raw ``&`` (WooCommerce's ``wc_clean``)."""
    return strip_all_tags(value).strip()
