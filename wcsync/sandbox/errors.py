"""Error bodies of the WordPress REST API as WooCommerce answers them: ``{"code", "message", "data"}``.

Handlers raise :class:`ApiError`; the app turns it into a JSON response. Validation helpers build the
``rest_invalid_param`` bodies with ``data.params`` and ``data.details`` exactly as the captures show.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A WordPress REST error response."""

    def __init__(self, status: int, code: str, message: str, data: dict[str, Any] | bool | None = True):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = data

    def body(self) -> dict[str, Any]:
        if self.extra is None:
            return {"code": self.code, "message": self.message, "data": None}
        data: dict[str, Any] = {"status": self.status}
        if isinstance(self.extra, dict):
            data.update(self.extra)
        return {"code": self.code, "message": self.message, "data": data}


def no_route() -> ApiError:
    return ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_param(name: str, message: str, code: str | None, *, with_param: bool = False) -> ApiError:
    """400 ``rest_invalid_param``; ``code`` None gives the empty ``params``/``details`` variant."""
    if code is None:
        data: dict[str, Any] = {"params": {}, "details": {}}
    else:
        detail: dict[str, Any] = {"code": code, "message": message, "data": {"param": name} if with_param else None}
        data = {"params": {name: message}, "details": {name: detail}}
    return ApiError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", data)


def invalid_type(name: str, type_name: str) -> ApiError:
    return invalid_param(name, f"{name} is not of type {type_name}.", "rest_invalid_type", with_param=True)


def not_in_enum(name: str, values: list[str]) -> ApiError:
    listed = ", ".join(values[:-1]) + ", and " + values[-1] if len(values) > 2 else " and ".join(values)
    return invalid_param(name, f"{name} is not one of {listed}.", "rest_not_in_enum")


def missing_params(*names: str) -> ApiError:
    return ApiError(
        400, "rest_missing_callback_param", f"Missing parameter(s): {', '.join(names)}", {"params": list(names)}
    )
