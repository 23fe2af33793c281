"""Kubernetes resource quantities and Go durations compared by value ("1000m" == "1", "1h" == "60m0s")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_SUFFIX = {
    "": Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
}
# The one spelling of a Kubernetes quantity: blueprints, validation and drift all use it.
QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$")


@lru_cache(maxsize=4096)  # fleets repeat the same few quantities over and over
def _parse_text(text: str) -> Decimal | None:
    match = QUANTITY.match(text.strip())
    if not match:
        return None
    number, exponent, suffix = match.groups()
    try:
        if exponent:
            return Decimal(number + exponent)
        return Decimal(number) * _SUFFIX[suffix or ""]
    except InvalidOperation:
        return None


def parse_quantity(value: object) -> Decimal | None:
    """The value of a quantity given as text or number; ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return _parse_text(value)
    return None


_BINARY = ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki")


def format_quantity(value: Decimal, binary: bool = False) -> str:
    """A quantity as Kubernetes writes one: the largest binary suffix that divides it (``binary``: memory,
    storage), else a whole number, else millis ("1500m")."""
    if binary:
        for suffix in _BINARY:
            unit = _SUFFIX[suffix]
            if value and value % unit == 0:
                return f"{value // unit:f}{suffix}"
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    millis = value * 1000
    return f"{millis.to_integral_value():f}m" if millis == millis.to_integral_value() else f"{value.normalize():f}"


def same_quantity(a: object, b: object) -> bool:
    qa = parse_quantity(a)
    return qa is not None and qa == parse_quantity(b)


_DURATION_UNITS = {
    "ns": Decimal("1e-9"),
    "us": Decimal("1e-6"),
    "µs": Decimal("1e-6"),
    "μs": Decimal("1e-6"),
    "ms": Decimal("1e-3"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
}
_DURATION = re.compile(r"^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$")
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


@lru_cache(maxsize=1024)
def parse_duration(text: str) -> Decimal | None:
    """Seconds in a Go duration ("8760h", "1h30m0.5s", "0s"); ``None`` when it is not one."""
    if text in ("0", "+0", "-0"):
        return Decimal(0)
    if not _DURATION.match(text):
        return None
    seconds = sum((Decimal(n) * _DURATION_UNITS[u] for n, u in _DURATION_PART.findall(text)), Decimal(0))
    return -seconds if text.startswith("-") else seconds


def same_duration(a: object, b: object) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    da = parse_duration(a)
    return da is not None and da == parse_duration(b)
