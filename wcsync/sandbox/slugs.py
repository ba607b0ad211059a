"""WordPress slugs: ``remove_accents`` and ``sanitize_title`` (``sanitize_title_with_dashes`` in the ``save``
context), ported from ``wp-includes/formatting.php`` (WordPress 6.x) for the store's locale (``en_US``: no
German ``ß`` → ``ss``, which 02#10 confirms: ``Straße`` → ``strase``). Pure functions; no storage.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters ``remove_accents`` folds whose replacement is not simply their canonical decomposition's base.
_FOLD_SPECIAL = {
    "ª": "a", "º": "o", "Æ": "AE", "æ": "ae", "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th", "ß": "s", "Ø": "O",
    "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ĳ": "IJ", "ĳ": "ij", "ĸ": "k", "Ŀ": "L",
    "ŀ": "l", "Ł": "L", "ł": "l", "ŉ": "n", "Ŋ": "N", "ŋ": "n", "Œ": "OE", "œ": "oe", "Ŧ": "T", "ŧ": "t",
    "ſ": "s", "€": "E", "£": "", "ɑ": "a",
}


def _folded_set() -> dict[str, str]:
    """Every character of WordPress' ``remove_accents`` table (UTF-8 branch) → its replacement."""
    chars = [chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷"]  # Latin-1 Supplement letters
    chars += [chr(c) for c in range(0x100, 0x180)]  # Latin Extended-A, complete
    chars += ["Ș", "ș", "Ț", "ț", "Ơ", "ơ", "Ư", "ư"]  # Latin Extended-B
    chars += [chr(c) for c in range(0x1CD, 0x1DD)]  # pinyin: Ǎ … ǜ
    chars += [chr(c) for c in range(0x1EA0, 0x1EFA)]  # Vietnamese: Ạ … ỹ
    table = {}
    for char in chars:
        table[char] = _FOLD_SPECIAL.get(char) or unicodedata.normalize("NFD", char)[0]
    table.update(_FOLD_SPECIAL)
    return table


_FOLD = _folded_set()


def remove_accents(text: str) -> str:
    """WordPress ``remove_accents``: NFC first (WordPress ≥ 6.1 with intl), then the fixed table above."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(_FOLD.get(char, char) for char in text)


# sanitize_title_with_dashes, save context: octets turned into a hyphen or dropped
_TO_HYPHEN = ["%c2%a0", "%e2%80%93", "%e2%80%94"]
_ENTITY_HYPHEN = ["&nbsp;", "&#160;", "&ndash;", "&#8211;", "&mdash;", "&#8212;"]
_DROPPED = [
    "%c2%ad", "%c2%a1", "%c2%bf", "%c2%ab", "%c2%bb", "%e2%80%b9", "%e2%80%ba", "%e2%80%98", "%e2%80%99",
    "%e2%80%9c", "%e2%80%9d", "%e2%80%9a", "%e2%80%9b", "%e2%80%9e", "%e2%80%9f", "%e2%80%a2", "%c2%a9",
    "%c2%ae", "%c2%b0", "%e2%80%a6", "%e2%84%a2", "%c2%b4", "%cb%8a", "%cc%81", "%cd%81", "%cc%80", "%cc%84",
    "%cc%8c", "%e2%80%8b", "%e2%80%8c", "%e2%80%8d", "%e2%80%8e", "%e2%80%8f", "%e2%80%aa", "%e2%80%ab",
    "%e2%80%ac", "%e2%80%ad", "%e2%80%ae", "%ef%bb%bf",
]
_WIDE_SPACES = [
    "%e2%80%80", "%e2%80%81", "%e2%80%82", "%e2%80%83", "%e2%80%84", "%e2%80%85", "%e2%80%86", "%e2%80%87",
    "%e2%80%88", "%e2%80%89", "%e2%80%8a", "%e2%80%a8", "%e2%80%a9", "%e2%80%af",
]
_PHP_TAG = re.compile(r"<!--.*?(?:-->|$)|<(?![\s<])[^>]*(?:>|$)", re.S)


def php_strip_tags(text: str) -> str:
    """PHP ``strip_tags`` (no allowed tags): tags, comments and an unclosed tag to the end go; a ``<``
    followed by white space is text."""
    return _PHP_TAG.sub("", text) if "<" in text else text


def utf8_uri_encode(text: str, length: int = 0) -> str:
    """WordPress ``utf8_uri_encode``: non-ASCII characters as lower-case ``%xx`` octets; with ``length``,
    stops before the encoded text would exceed it (never splitting a character)."""
    out: list[str] = []
    size = 0
    for char in text:
        encoded = char if ord(char) < 128 else "".join(f"%{b:02x}" for b in char.encode("utf-8"))
        if length and size + len(encoded) > length:
            break
        out.append(encoded)
        size += len(encoded)
    return "".join(out)


_PLAIN = re.compile(r"[a-z0-9 _-]*")


def sanitize_title(text: str, limit: int = 200) -> str:
    """WordPress ``sanitize_title`` (save context) → a slug."""
    lowered = text.lower()
    if _PLAIN.fullmatch(lowered):  # fast path: what the steps below would do to such text
        return re.sub(r"-+", "-", re.sub(r"\s+", "-", lowered[:limit])).strip("-")
    text = remove_accents(text)
    text = php_strip_tags(text)
    text = re.sub(r"%([a-fA-F0-9]{2})", r"---\1---", text)  # keep escaped octets, drop other percent signs
    text = text.replace("%", "")
    text = re.sub(r"---([a-fA-F0-9]{2})---", r"%\1", text)
    text = utf8_uri_encode(text.lower(), limit)
    text = text.lower()
    for octet in _TO_HYPHEN:
        text = text.replace(octet, "-")
    for entity in _ENTITY_HYPHEN:
        text = text.replace(entity, "-")
    text = text.replace("/", "-")
    for octet in _DROPPED:
        text = text.replace(octet, "")
    for octet in _WIDE_SPACES:
        text = text.replace(octet, "-")
    text = text.replace("%c3%97", "x")
    text = re.sub(r"&.+?;", "", text)  # kill entities
    text = text.replace(".", "-")
    text = re.sub(r"[^%a-z0-9 _-]", "", text)
    text = re.sub(r"\s+", "-", text)
    text = re.sub(r"-+", "-", text)
    return text.strip("-")
