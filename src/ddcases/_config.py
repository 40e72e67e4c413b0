"""Checking ``CaseManagement``'s arguments at construction, so a mistake fails there, by name.

A wrong type is a ``TypeError`` and a wrong value a ``ValueError``; each message names the
argument (or the environment variable it came from). Nothing here touches the network.

Sites: Datadog serves each site's API at ``https://api.<site>`` and adds sites over time. The
known ones (``SITES``) are accepted as they are; an unknown site under one of Datadog's domains
(``ap3.datadoghq.com``) is accepted too, so a new region works on the day it opens; anything
else (``datadoghq.cmo``, ``app.datadoghq.com``, a URL) is a ``ValueError`` that suggests the
closest known site. The price: a made-up region under a Datadog domain
(``us9.datadoghq.com``) is only caught when its name does not resolve.
"""

from __future__ import annotations

import difflib
import math
import os
import re

import httpx

from ._auth import DatadogAuth
from ._constants import (
    DEFAULT_SITE,
    ENV_API_KEY,
    ENV_APP_KEY,
    ENV_BASE_URL,
    ENV_RATE_LIMIT_STORE,
    ENV_SITE,
    SITE_DOMAINS,
    SITES,
)

__all__: list[str] = []

# A region label under a Datadog domain: "us3", "ap2", "us2" (of ddog-gov.com), ...
_SITE = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)?(?:" + "|".join(map(re.escape, SITE_DOMAINS)) + ")"
)
# Host names under a site, not sites: "app.datadoghq.com" is the web app of datadoghq.com.
_HOST_LABELS = ("api.", "app.", "www.")
_API_VERSION = re.compile(r"v[0-9]+")
# What a key or token may hold: printable ASCII without spaces (they go in an HTTP header).
_CREDENTIAL = re.compile(r"[\x21-\x7e]+")


def site_url(site: object, *, source: str = "site") -> tuple[str, str]:
    """``(site, "https://api.<site>")`` for a valid site (see the module docstring)."""
    if not isinstance(site, str):
        raise TypeError(f"{source} must be a str such as 'datadoghq.com', got {_kind(site)}")
    if site in SITES or (_SITE.fullmatch(site) and not site.startswith(_HOST_LABELS)):
        return site, f"https://api.{site}"
    hint = ""
    if "://" in site or "/" in site:
        hint = "; a URL goes in base_url="
    elif site.startswith(_HOST_LABELS):
        hint = f"; the site is the part after {site.split('.')[0]!r}."
    else:
        close = _closest_site(site)
        hint = f"; did you mean {close!r}?" if close else ""
    raise ValueError(
        f"unknown Datadog site {site!r} in {source}{hint} (known sites: {', '.join(SITES)}; "
        f"a new site under {', '.join(SITE_DOMAINS)} is accepted as well)"
    )


def _closest_site(site: str) -> str | None:
    """The known site ``site`` most likely means: a region or a top-level domain alone
    (``us5``, ``EU``), another case (``US5.datadoghq.com``), or a typo (``datadoghq.cmo``)."""
    low = site.strip().lower().strip(".")
    if low in SITES:
        return low
    for part in (0, -1):  # the region (us5 -> us5.datadoghq.com), the TLD (eu -> datadoghq.eu)
        named = [known for known in SITES if known.split(".")[part] == low]
        if len(named) == 1:
            return named[0]
    close = difflib.get_close_matches(low, SITES, n=1)
    if close:
        return close[0]
    regions = {known.split(".")[0]: known for known in SITES if known.count(".") == 2}
    close = difflib.get_close_matches(low, regions, n=1)  # "us 5", "usS"
    return regions[close[0]] if close else None


def resolve_site(site: object, base_url: object) -> tuple[str | None, str]:
    """``(site or None, base URL)``: the arguments (``base_url`` wins), else the environment
    (``DDCASES_BASE_URL`` wins over ``DD_SITE``), else the default site."""
    if base_url is not None:
        return None, check_base_url(base_url)
    if site is not None:
        return site_url(site)
    env_url = os.environ.get(ENV_BASE_URL)
    if env_url:
        return None, check_base_url(env_url, what=f"the {ENV_BASE_URL} environment variable")
    env = os.environ.get(ENV_SITE)
    if env:
        return site_url(env, source=f"the {ENV_SITE} environment variable")
    return site_url(DEFAULT_SITE)


_STORE_SCHEMES = ("redis", "rediss", "unix")


def resolve_rate_limit_store(store: object) -> object:
    """The shared rate-limit store: the argument (a Redis URL or a ``redis.asyncio.Redis``),
    else ``DDCASES_RATE_LIMIT_STORE``, else None (each process paces by itself)."""
    what = "rate_limit_store"
    if store is None:
        store = os.environ.get(ENV_RATE_LIMIT_STORE) or None
        what = f"the {ENV_RATE_LIMIT_STORE} environment variable"
        if store is None:
            return None
    if isinstance(store, str):
        scheme = store.partition("://")[0] if "://" in store else ""
        if scheme not in _STORE_SCHEMES:
            start = f"starting {scheme}://" if scheme else "with no scheme"
            raise ValueError(
                f"{what} must be a redis://, rediss:// or unix:// URL such as "
                f"'redis://localhost:6379/0', got one {start}"
            )
    return store


def check_base_url(base_url: object, what: str = "base_url") -> str:
    """``base_url`` if it is an absolute http(s) URL with a host (a str or an httpx.URL)."""
    if not isinstance(base_url, str | httpx.URL):
        raise TypeError(f"{what} must be a str or httpx.URL, got {_kind(base_url)}")
    text = str(base_url)
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"{what} must be an absolute http:// or https:// URL with a host, such as "
            f"'http://localhost:8126' or 'https://api.datadoghq.com', got {text!r}"
        )
    if url.query or url.fragment:
        raise ValueError(f"{what} must not have a query or fragment, got {text!r}")
    segments = url.path.split("/")
    for i in range(len(segments) - 1):
        # Every operation's path starts with /api/v2: a base URL holding it would send
        # /api/v2/api/v2/cases. A proxy's own prefix (https://proxy/datadog) is fine.
        if segments[i] == "api" and _API_VERSION.fullmatch(segments[i + 1]):
            prefix = "/".join(segments[:i]).rstrip("/")
            fixed = str(url.copy_with(path=prefix or "/")).rstrip("/")
            raise ValueError(
                f"{what} must not include the API path /api/{segments[i + 1]} (every "
                f"operation adds /api/v2 itself); use {fixed!r}, got {text!r}"
            )
    return text


def resolve_auth(
    api_key: object, app_key: object, access_token: object, base_url: str
) -> DatadogAuth:
    """The credentials: ``access_token``, or both keys (arguments first, then the environment).

    An empty string is an error, not "use the environment": passing ``api_key=""`` is most
    likely a variable that was never filled.
    """
    token = _credential(access_token, "access_token")
    if token is not None:
        # As with http_client=: a combination that would drop something given is refused.
        given = (("api_key", api_key), ("app_key", app_key))
        keys = [name for name, value in given if value is not None]
        if keys:
            raise ValueError(
                f"access_token replaces the keys; pass either access_token or {' and '.join(keys)}"
                ", not both"
            )
        return DatadogAuth(access_token=token, base_url=base_url)
    api = _credential(api_key, "api_key") or _credential(
        os.environ.get(ENV_API_KEY) or None, f"the {ENV_API_KEY} environment variable"
    )
    app = _credential(app_key, "app_key") or _credential(
        os.environ.get(ENV_APP_KEY) or None, f"the {ENV_APP_KEY} environment variable"
    )
    missing = [env for env, value in ((ENV_API_KEY, api), (ENV_APP_KEY, app)) if not value]
    if missing:
        raise ValueError(
            f"missing Datadog credentials: set {' and '.join(missing)} (or pass "
            "api_key=/app_key=), or pass access_token= for an OAuth app"
        )
    return DatadogAuth(api_key=api, app_key=app, base_url=base_url)


def _credential(value: object, source: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{source} must be a str, got {_kind(value)}")
    if not value:
        raise ValueError(f"{source} is empty")
    if not _CREDENTIAL.fullmatch(value):
        # The value itself is never quoted: it is a secret.
        raise ValueError(
            f"{source} contains whitespace or characters that cannot go in an HTTP header "
            "(a trailing newline from a file?)"
        )
    return value


def check_timeout(timeout: object) -> float | httpx.Timeout | None:
    """``timeout``: seconds (finite, > 0), an ``httpx.Timeout`` of such parts, or None (none)."""
    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        for part, value in timeout.as_dict().items():
            if value is not None:
                _seconds(value, f"timeout.{part}", positive=True)
        return timeout
    return _seconds(timeout, "timeout", positive=True)


def check_seconds(value: object, name: str) -> float:
    """A finite number of seconds >= 0."""
    return _seconds(value, name, positive=False)


def check_count(value: object, name: str, *, minimum: int) -> int:
    """An int (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {_kind(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _seconds(value: object, name: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {_kind(value)}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number of seconds {bound}, got {value!r}")
    return float(value)


def _kind(value: object) -> str:
    return (
        f"{type(value).__name__} {value!r}"
        if isinstance(value, str | int | float)
        else (type(value).__name__)
    )
