"""Slugs the way WordPress makes them — the one implementation the catalogue, the planner and import share.

WordPress derives a post or term slug with ``sanitize_title()`` (``wp-includes/formatting.php``):
``remove_accents()`` (Unicode NFC first, then a fixed table of Latin letters folded to ASCII, a few of them
depending on the site's locale) followed by ``sanitize_title_with_dashes(…, 'save')``: tags stripped, stray
``%`` removed, lower case, every non-ASCII character percent-encoded as its UTF-8 octets (lower-case hex, cut
to 200 characters), a few encoded characters turned into ``-`` (no-break and typographic spaces, en and em
dashes, ``/``) or dropped (quotes, ©, ®, °, …, zero-width marks), ``×`` → ``x``, entities killed, ``.`` → ``-``,
anything but ``%a-z0-9 _-`` removed, spaces → ``-``, dashes collapsed and trimmed.

The captures of a WooCommerce 11.0.1 store (locale en_US) agree: ``Café & Crème`` → ``cafe-creme``,
``My Slug ÄÖÜ ß Straße`` → ``my-slug-aou-s-strase`` (``ß`` → ``ss`` only for German locales),
``Café ☕ 日本 👕`` → ``cafe-%e2%98%95-%e6%97%a5%e6%9c%ac-%f0%9f%91%95``, ``Dash – and — and ...`` →
``dash-and-and`` (02#10-13, 02#18, 05#69, 05#111, 11#).

A person writes a slug decoded (``日本茶``); the store keeps it encoded (``%e6%97%a5%e6%9c%ac%e8%8c%b6``).
:func:`encode_slug` accepts both spellings, :func:`decode_slug` gives the readable one back when it encodes to
exactly the stored slug. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote_to_bytes

# -- remove_accents ----------------------------------------------------------------------------------

#: every character WordPress's table folds (Latin-1 letters, all of Latin Extended-A, Ș ș Ț ț, € £, the
#: Vietnamese and Hanyu Pinyin vowels it lists); folded by stripping the Unicode marks unless listed in _OWN
_FOLDED = (
    "ªºÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿØ"
    + "".join(chr(cp) for cp in range(0x100, 0x180))
    + "ȘșȚț€£ƠơƯư"
    + "ẦầẰằỀềỒồỜờỪừỲỳ"  # grave
    + "ẢảẨẩẲẳẺẻỂểỈỉỎỏỔổỞởỦủỬửỶỷ"  # hook
    + "ẪẫẴẵẼẽỄễỖỗỠỡỮữỸỹ"  # tilde
    + "ẤấẮắẾếỐốỚớỨứ"  # acute
    + "ẠạẬậẶặẸẹỆệỊịỌọỘộỢợỤụỰựỴỵ"  # dot below
    + "ɑǕǖǗǘǍǎǏǐǑǒǓǔǙǚǛǜ"  # Hanyu Pinyin
)

#: letters the table maps to something Unicode decomposition does not give
_OWN = {
    "ª": "a", "º": "o", "Æ": "AE", "Ð": "D", "Þ": "TH", "ß": "s", "æ": "ae", "ð": "d", "ø": "o", "þ": "th",
    "Ø": "O", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ĳ": "IJ", "ĳ": "ij", "ĸ": "k", "Ŀ": "L",
    "ŀ": "l", "Ł": "L", "ł": "l", "ŉ": "n", "Ŋ": "N", "ŋ": "n", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t",
    "ſ": "s", "€": "E", "£": "", "ɑ": "a",
}  # fmt: skip

#: what remove_accents() changes for a locale (matched by prefix as WordPress does: ``de`` covers de_DE, de_CH…)
_LOCALE = {
    "de": {"Ä": "Ae", "ä": "ae", "Ö": "Oe", "ö": "oe", "Ü": "Ue", "ü": "ue", "ß": "ss"},
    "da_DK": {"Æ": "Ae", "æ": "ae", "Ø": "Oe", "ø": "oe", "Å": "Aa", "å": "aa"},
    "ca": {"l·l": "ll"},
    "sr_RS": {"Đ": "DJ", "đ": "dj"},
    "bs_BA": {"Đ": "DJ", "đ": "dj"},
}  # fmt: skip


def _base(ch: str) -> str:
    if ch in _OWN:
        return _OWN[ch]
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


_TABLE = {ch: _base(ch) for ch in _FOLDED}


@lru_cache(maxsize=16)
def _table(locale: str) -> tuple[dict[int, str], dict[str, str]]:
    """(single-character translation, multi-character replacements) for ``locale``."""
    table = dict(_TABLE)
    extra: dict[str, str] = {}
    for prefix, changes in _LOCALE.items():
        if locale == prefix or (prefix == "de" and locale.startswith("de")):
            for src, dst in changes.items():
                if len(src) == 1:
                    table[src] = dst
                else:
                    extra[src] = dst
    return {ord(k): v for k, v in table.items()}, extra


def remove_accents(text: str, locale: str = "") -> str:
    """WordPress ``remove_accents()`` for a UTF-8 site (NFC, then its fixed folding table)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    single, multi = _table(locale)
    for src, dst in multi.items():
        text = text.replace(src, dst)
    return text.translate(single)


# -- sanitize_title_with_dashes ----------------------------------------------------------------------

#: PHP ``strip_tags`` without allowed tags: comments and tags go (an unclosed one to the end of the text); a
#: ``<`` followed by white space (or by another ``<``) is text
_TAG = re.compile(r"<!--.*?(?:-->|$)|<(?![\s<])[^>]*(?:>|$)", re.S)
_OCTET = re.compile(r"%([a-fA-F0-9]{2})")
_KEPT_OCTET = re.compile(r"---([a-fA-F0-9]{2})---")
_TO_DASH = (
    "%c2%a0", "%e2%80%93", "%e2%80%94",  # no-break space, en dash, em dash
    "&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;", "/",
)  # fmt: skip
_DROPPED = (
    "%c2%ad",  # soft hyphen
    "%c2%a1", "%c2%bf",  # ¡ ¿
    "%c2%ab", "%c2%bb", "%e2%80%b9", "%e2%80%ba",  # angle quotes
    "%e2%80%98", "%e2%80%99", "%e2%80%9c", "%e2%80%9d", "%e2%80%9a", "%e2%80%9b", "%e2%80%9e", "%e2%80%9f",
    "%e2%80%a2",  # bullet
    "%c2%a9", "%c2%ae", "%c2%b0", "%e2%80%a6", "%e2%84%a2",  # © ® ° … ™
    "%c2%b4", "%cb%8a", "%cc%81", "%cd%81", "%cc%80", "%cc%84", "%cc%8c",  # accents, macron, caron
    "%e2%80%8b", "%e2%80%8c", "%e2%80%8d", "%e2%80%8e", "%e2%80%8f",  # zero-width marks
    "%e2%80%aa", "%e2%80%ab", "%e2%80%ac", "%e2%80%ad", "%e2%80%ae", "%ef%bb%bf",  # bidi marks, BOM
)  # fmt: skip
_SPACES_TO_DASH = (*(f"%e2%80%{b:02x}" for b in range(0x80, 0x8B)), "%e2%80%a8", "%e2%80%a9", "%e2%80%af")
_ENTITY = re.compile(r"&.+?;")
_NOT_SLUG = re.compile(r"[^%a-z0-9 _-]")
_DASHES = re.compile(r"-+")

#: WordPress cuts the encoded slug to this many characters
MAX_LENGTH = 200


def php_strip_tags(text: str) -> str:
    """PHP ``strip_tags`` (no allowed tags), as ``sanitize_title_with_dashes`` applies it."""
    return _TAG.sub("", text) if "<" in text else text


def utf8_uri_encode(text: str, length: int) -> str:
    """WordPress ``utf8_uri_encode``: non-ASCII characters as lower-case ``%xx`` octets; stops before the
    character that would pass ``length``."""
    out: list[str] = []
    used = 0
    for ch in text:
        if ch.isascii():
            if used + 1 > length:
                break
            out.append(ch)
            used += 1
            continue
        octets = ch.encode("utf-8", "surrogatepass")
        if used + 3 * len(octets) > length:
            break
        out.append("".join(f"%{b:02x}" for b in octets))
        used += 3 * len(octets)
    return "".join(out)


def sanitize_title_with_dashes(title: str) -> str:
    """WordPress ``sanitize_title_with_dashes($title, '', 'save')``."""
    title = php_strip_tags(title)
    title = _OCTET.sub(r"---\1---", title).replace("%", "")
    title = _KEPT_OCTET.sub(r"%\1", title)
    title = utf8_uri_encode(title.lower(), MAX_LENGTH).lower()
    if "%" in title or "&" in title or "/" in title:
        for seq in _TO_DASH:
            title = title.replace(seq, "-")
        for seq in _DROPPED:
            title = title.replace(seq, "")
        for seq in _SPACES_TO_DASH:
            title = title.replace(seq, "-")
        title = title.replace("%c3%97", "x")
    title = _ENTITY.sub("", title).replace(".", "-")
    title = _NOT_SLUG.sub("", title).replace(" ", "-")
    return _DASHES.sub("-", title).strip("-")


@lru_cache(maxsize=1 << 15)
def sanitize_title(text: str, locale: str = "") -> str:
    """WordPress ``sanitize_title()`` with its default filter: the slug it stores for ``text``."""
    return sanitize_title_with_dashes(remove_accents(text, locale))


_BARE_AMP = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


_SCRIPT_STYLE = re.compile(r"<(script|style)[^>]*?>.*?</\1>", re.IGNORECASE | re.DOTALL)
#: what WordPress's kses takes for a tag in a name (``wp_kses_split2``): ``<`` + an element name, spaced or not
#: (``< b >`` is the tag ``<b>``); kept or removed there, it never reaches the slug (05#71: ``a < b > c`` → ``a-c``)
_KSES_TAG = re.compile(r"<\s*/?\s*[a-zA-Z0-9-]+[^>]*>")


def slug_from_name(name: str, locale: str = "", *, term: bool = False) -> str:
    """The slug WooCommerce derives from a product name, or with ``term`` from a category, tag, attribute or
    term name. WordPress stores names with a bare ``&`` escaped (``&amp;``) before deriving the slug, so ``&``
    and what an entity spans disappear; a term name also loses ``<script>``/``<style>`` elements whole
    (``sanitize_text_field``, 02#15), a product name only their tags (05#67)."""
    if term:
        name = _SCRIPT_STYLE.sub("", name)
    name = _KSES_TAG.sub("", name)
    return sanitize_title(_BARE_AMP.sub("&amp;", name), locale)


# -- the two spellings of a slug ---------------------------------------------------------------------


def decode_slug(slug: str) -> str:
    """The readable spelling of a stored slug (``%e6%97%a5…`` → ``日…``) when it encodes back to exactly
    ``slug``; otherwise ``slug`` unchanged."""
    if "%" not in slug:
        return slug
    try:
        text = unquote_to_bytes(slug).decode("utf-8")
    except UnicodeDecodeError:
        return slug
    return text if sanitize_title(text) == slug else slug


def encode_slug(written: str, locale: str = "") -> str | None:
    """The stored form of a slug as a person writes it — either spelling (``日本茶`` or its percent-encoded
    form) — or None when WordPress would change it into something else (then :func:`sanitize_title` says
    what it would store)."""
    stored = sanitize_title(written, locale)
    if stored and (stored == written or decode_slug(stored) == written):
        return stored
    return None


def encoded_length(text: str) -> int:
    """How many characters ``text`` takes in the store's (percent-encoded) spelling."""
    return sum(1 if ch.isascii() else 3 * len(ch.encode("utf-8", "surrogatepass")) for ch in text)


def is_slug(text: str) -> bool:
    """True when ``text`` is a slug WordPress keeps as is (in either spelling)."""
    return encode_slug(text) is not None
