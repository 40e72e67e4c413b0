"""Numbers and names the client and transport tune on (openai-python's ``_constants.py``)."""

from __future__ import annotations

import httpx

__all__: list[str] = []

# Finite by default: a hung connection must not hang the caller forever.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
# Exponential backoff: INITIAL_RETRY_DELAY * 2**n, capped, minus up to 25 % jitter
# (openai-python src/openai/_base_client.py, _calculate_retry_timeout).
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# Longest wait we accept for a rate-limit window (429 or X-RateLimit-Remaining: 0); past it the
# caller gets RateLimitError at once with .retry_after set.
DEFAULT_MAX_RATE_LIMIT_WAIT = 60.0
# The largest response body accepted, after decompression: a live-shaped 100-case page is about
# 0.2 MiB, so this is ~150 pages; a larger body is an UnexpectedResponseError, not an OOM.
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

DEFAULT_SITE = "datadoghq.com"
# The sites listed in openapi.yaml (servers[0].variables.site.enum): the reference page's six and
# the three Datadog's official clients also know (../shared/reference/live-case-api.md).
SITES: tuple[str, ...] = (
    "datadoghq.com",
    "us3.datadoghq.com",
    "us5.datadoghq.com",
    "ap1.datadoghq.com",
    "ap2.datadoghq.com",
    "datadoghq.eu",
    "uk1.datadoghq.com",
    "ddog-gov.com",
    "us2.ddog-gov.com",
)
# Domains Datadog serves sites under: an unknown site below one of these is a new region and is
# accepted (see _config).
SITE_DOMAINS: tuple[str, ...] = ("datadoghq.com", "datadoghq.eu", "ddog-gov.com")

ENV_API_KEY = "DD_API_KEY"
ENV_APP_KEY = "DD_APP_KEY"
ENV_SITE = "DD_SITE"
#: Where the client sends requests when no base_url= or site= is given: the emulator, a proxy
#: (openai-python's OPENAI_BASE_URL). It wins over DD_SITE, as base_url= wins over site=.
ENV_BASE_URL = "DDCASES_BASE_URL"
#: The Redis holding the rate-limit budget shared by every process using the same keys, when
#: no rate_limit_store= is given (docs/guides/reliability.md, "A fleet of processes").
ENV_RATE_LIMIT_STORE = "DDCASES_RATE_LIMIT_STORE"

API_KEY_HEADER = "DD-API-KEY"
APP_KEY_HEADER = "DD-APPLICATION-KEY"
AUTHORIZATION_HEADER = "Authorization"

# https://docs.datadoghq.com/api/latest/rate-limits/ : Reset is "time in seconds until the
# current rate limit period resets", not an epoch timestamp.
RATE_LIMIT_LIMIT_HEADER = "X-RateLimit-Limit"
RATE_LIMIT_PERIOD_HEADER = "X-RateLimit-Period"
RATE_LIMIT_REMAINING_HEADER = "X-RateLimit-Remaining"
RATE_LIMIT_RESET_HEADER = "X-RateLimit-Reset"
RATE_LIMIT_NAME_HEADER = "X-RateLimit-Name"
RETRY_AFTER_HEADER = "Retry-After"
RETRY_AFTER_MS_HEADER = "retry-after-ms"

# Statuses worth another attempt (openai-python _should_retry, minus 408/409 which Datadog
# does not use for transient conditions).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# The operations that are not idempotent (x-ddcases-creates in openapi.yaml; a test keeps this
# equal), by the name the generated client gives each request (its module's name), and what one
# creates: retried only when the request provably never reached the service.
CREATES: dict[str, str] = {
    "create_case": "case",
    "create_project": "project",
    "comment_case": "comment",
    "create_case_type": "case type",
    "create_custom_attribute_config": "custom attribute config",
    "create_project_notification_rule": "notification rule",
    "create_case_automation_rule": "automation rule",
    "create_case_view": "view",
    "create_maintenance_window": "maintenance window",
    "create_case_link": "link",
    "create_case_jira_issue": "jira_issue",
    "create_case_service_now_ticket": "servicenow_ticket",
    "create_case_notebook": "notebook",
}
# The same, by path, for requests that do not name their operation (built by hand on dd.api's
# client): POST to these, after any base-path prefix.
CREATE_PATHS: dict[str, str] = {
    "/api/v2/cases": "case",
    "/api/v2/cases/projects": "project",
    "/comment": "comment",
    "/api/v2/cases/types": "case type",
    "/custom_attributes": "custom attribute config",
    "/notification_rules": "notification rule",
    "/rules": "automation rule",
    "/api/v2/cases/views": "view",
    "/api/v2/maintenance_windows": "maintenance window",
    "/api/v2/cases/link": "link",
    "/relationships/jira_issues": "jira_issue",
    "/relationships/servicenow_tickets": "servicenow_ticket",
    "/relationships/notebook": "notebook",
}

# httpx.Response.extensions key under which RetryTransport records how many retries a response
# took (RawResponse.retries_taken).
RETRIES_EXTENSION = "ddcases.retries_taken"
