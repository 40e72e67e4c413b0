"""The versions of its dependencies ddcases is built and tested for, and one warning outside them.

pip enforces these bounds (pyproject.toml) when ddcases is installed; a vendored copy has no
installer to enforce them, and ``pip install httpx`` in its project gives whatever is newest
(0.29.0 while the bound is ``<0.29``). So every client checks, when it is constructed, the
version of each of these packages already imported (the transport checks aiohttp when it
loads it), and a version outside its bounds is said once per package, naming the bounds.
``tests/test_dependencies.py`` keeps ``BOUNDS`` equal to pyproject.toml's.
"""

from __future__ import annotations

import re
import sys

from ._logs import logger

__all__ = ["BOUNDS", "check_versions", "within"]

#: Package (import name) -> (lowest version, first version too new or None), as pyproject says.
BOUNDS: dict[str, tuple[str, str | None]] = {
    "httpx": ("0.28", "0.29"),
    "attrs": ("23.1", None),
    "aiohttp": ("3.10", "4"),
    "orjson": ("3.10", "4"),
    # The emulator extra (an EMULATOR=1 copy).
    "starlette": ("0.40", None),
    "uvicorn": ("0.30", None),
    "pydantic": ("2.7", "3"),
    # The redis extra (rate_limit_store=).
    "redis": ("5.0", "9"),
}

_checked: set[str] = set()
_RELEASE = re.compile(r"\d+(?:\.\d+)*")


def _release(version: str) -> tuple[int, ...] | None:
    match = _RELEASE.match(version)
    return tuple(int(part) for part in match[0].split(".")) if match else None


def within(version: str, low: str, high: str | None) -> bool:
    """True when ``version`` is ``>= low`` and ``< high`` (release numbers only: ``0.29.0rc1``
    counts as 0.29.0); a version that does not parse is given the benefit of the doubt."""
    release = _release(version)
    if release is None:
        return True
    floor = _release(low) or ()
    if release < floor:
        return False
    return high is None or release < (_release(high) or ())


def check_versions() -> None:
    """Warn once for each imported package of ``BOUNDS`` whose version is outside them."""
    for name, (low, high) in BOUNDS.items():
        module = sys.modules.get(name)
        if module is None or name in _checked:
            continue
        _checked.add(name)
        version = getattr(module, "__version__", None) or getattr(module, "VERSION", None)
        if not isinstance(version, str) or within(version, low, high):
            continue
        wanted = f">={low}" + (f",<{high}" if high else "")
        logger.warning(
            "ddcases: %s %s is installed, outside the versions ddcases is built and tested "
            "for (%s%s); it may fail in ways its tests have not seen: install '%s%s'",
            name,
            version,
            name,
            wanted,
            name,
            wanted,
        )
