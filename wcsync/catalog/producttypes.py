"""The product type a catalogue entry may give: simple | variable | grouped | external, or a plugin's type name
(``subscription``, ``bundle``): such a product is a record of what the store holds, never written
(``wcsync.core.kinds.PRODUCT_TYPES``). A near miss of a known type (``variabel``) is a typo, not a plugin's type.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic.json_schema import WithJsonSchema

from wcsync.core.kinds import PRODUCT_TYPES, TYPE_NAME_PATTERN

_TYPE_NAME = re.compile(TYPE_NAME_PATTERN)


def _product_type(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    allowed = ", ".join(PRODUCT_TYPES)
    text = v.strip()
    if text in PRODUCT_TYPES:
        return text
    close = difflib.get_close_matches(text.lower(), PRODUCT_TYPES, n=1, cutoff=0.75)
    if close:
        raise ValueError(f"{text!r} is not allowed — did you mean {close[0]!r}? (allowed: {allowed})")
    if not _TYPE_NAME.match(text):
        raise ValueError(f"{text!r} is not allowed — use one of: {allowed} (or a plugin's type name, like subscription)")
    return text


def _meta_target(v: Any) -> Any:
    if v == "variation":
        return v
    return _product_type(v)


#: a product type (a plugin's too, for the meta its products carry) or ``variation``
MetaTarget = Annotated[
    str,
    BeforeValidator(_meta_target),
    WithJsonSchema({"anyOf": [{"enum": [*PRODUCT_TYPES, "variation"]}, {"type": "string", "pattern": _TYPE_NAME.pattern}]}),
]
ProductType = Annotated[
    str,
    BeforeValidator(_product_type),
    WithJsonSchema(
        {
            "anyOf": [{"enum": list(PRODUCT_TYPES)}, {"type": "string", "pattern": _TYPE_NAME.pattern}],
            "description": "simple | variable | grouped | external; another (a plugin's type, like subscription) "
            "is kept as a record and never written",
        }
    ),
]
