"""The search filter language and sort orders of SearchCases.

What users type (the spec's example is ``status:open priority:P1``)::

    status:open priority:p1 project:SEC -archived:true "disk full" memory -flaky

* ``field:value`` terms for ``status``, ``priority``, ``project`` (key), ``assignee`` (user UUID),
  ``archived`` (``true``/``false``), ``type`` and ``key``. Values are case-insensitive; a value
  may be quoted (``project:"SEC"``).
* Free words and ``"quoted phrases"`` match case-insensitively anywhere in title or description.
* Terms are ANDed; a leading ``-`` negates a term.
* Archived cases are hidden unless the filter says otherwise: any ``archived:`` term (negated or
  not) switches the default off, so ``archived:true`` finds them and ``-archived:false`` too.
* An unknown field, an unknown status/priority/type, a bad boolean or an unbalanced quote is a
  ``SearchError`` (400 over HTTP) naming the problem.

Sorting: ``created_at`` (creation order), ``priority`` (NOT_DEFINED < P5 < ... < P1, so descending
puts P1 first) and ``status`` (OPEN < IN_PROGRESS < CLOSED, workflow order). ``sort[asc]`` defaults
to false: newest first, most urgent first. Ties are always broken by creation order, ascending, so
pages are stable.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from ._store import Case, Store

__all__ = ["SearchError", "parse_filter", "sort_cases"]

_STATUSES = ("OPEN", "IN_PROGRESS", "CLOSED")
_PRIORITIES = ("P1", "P2", "P3", "P4", "P5", "NOT_DEFINED")
_TYPES = ("STANDARD",)
_FIELDS = ("status", "priority", "project", "assignee", "archived", "type", "key")
_TOKEN = re.compile(r'\s*(-?)(?:([A-Za-z_]+):)?("([^"]*)"|[^\s"]+)?')

Predicate = Callable[[Case], bool]


class SearchError(ValueError):
    """A filter or sort the emulator refuses, with a message fit for the user."""

    def __init__(self, message: str, parameter: str = "filter") -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclasses.dataclass
class Filter:
    """A parsed filter: apply it with ``matches``."""

    terms: list[tuple[bool, Predicate]]
    shows_archived: bool

    def matches(self, case: Case) -> bool:
        if not self.shows_archived and case.archived_at is not None:
            return False
        return all(pred(case) != negated for negated, pred in self.terms)


def _choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    upper = value.upper()
    if upper not in allowed:
        expected = ", ".join(a.lower() if field == "status" else a for a in allowed)
        raise SearchError(f'unknown {field} "{value}" in filter; expected one of {expected}')
    return upper


def _term(field: str, value: str, store: Store) -> Predicate:
    if field == "status":
        status = _choice(field, value, _STATUSES)
        return lambda c: c.status == status
    if field == "priority":
        priority = _choice(field, value, _PRIORITIES)
        return lambda c: c.priority == priority
    if field == "type":
        type_ = _choice(field, value, _TYPES)
        return lambda c: c.type == type_
    if field == "project":
        key = value.upper()
        ids = {p.id for p in store.projects() if p.key == key}
        return lambda c: c.project_id in ids
    if field == "assignee":
        assignee = value.lower()
        return lambda c: c.assignee_id is not None and c.assignee_id.lower() == assignee
    if field == "key":
        case_key = value.upper()
        return lambda c: c.key == case_key
    # archived
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise SearchError(f'archived must be true or false in filter, got "{value}"')
    want = lowered == "true"
    return lambda c: (c.archived_at is not None) == want


def _text(words: str) -> Predicate:
    needle = words.lower()
    return lambda c: needle in c.title.lower() or needle in c.description.lower()


def parse_filter(text: str | None, store: Store) -> Filter:
    """Parse what a user typed into a ``Filter``; raises ``SearchError`` on anything unclear."""
    if text is not None and text.count('"') % 2:
        raise SearchError('unbalanced quote in filter: every " needs a closing "')
    terms: list[tuple[bool, Predicate]] = []
    shows_archived = False
    position = 0
    source = text or ""
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise SearchError(f"cannot parse filter at position {position}: {source[position:]!r}")
        position = match.end()
        negated, field, raw, quoted = (
            match.group(1) == "-",
            match.group(2),
            match.group(3),
            match.group(4),
        )
        if raw is None:
            if field is None and not negated:
                continue  # trailing whitespace
            raise SearchError(
                f"missing value after {'-' if negated else ''}{field or ''}: in filter"
            )
        value = quoted if quoted is not None else raw
        if field is None:
            if value.strip():
                terms.append((negated, _text(value)))
            continue
        field = field.lower()
        if field not in _FIELDS:
            raise SearchError(
                f'unknown field "{field}" in filter; known fields: {", ".join(_FIELDS)}'
            )
        if field == "archived":
            shows_archived = True
        terms.append((negated, _term(field, value, store)))
    return Filter(terms=terms, shows_archived=shows_archived)


# Higher rank = further along: P1 outranks P5, which outranks NOT_DEFINED; CLOSED outranks OPEN.
_PRIORITY_RANK = {p: i for i, p in enumerate(reversed(_PRIORITIES))}
_STATUS_RANK = {s: i for i, s in enumerate(_STATUSES)}


def sort_cases(cases: Iterable[Case], field: str | None, ascending: bool | None) -> list[Case]:
    """Sort by ``field`` (default ``created_at``), descending unless ``ascending``.

    Ties keep creation order (ascending) in both directions, so pages are stable.
    """
    ordered = sorted(cases, key=lambda c: c.seq)
    sign = 1 if ascending else -1
    if field in (None, "created_at"):
        return ordered if ascending else ordered[::-1]
    if field == "priority":
        return sorted(ordered, key=lambda c: sign * _PRIORITY_RANK.get(c.priority, -1))
    return sorted(ordered, key=lambda c: sign * _STATUS_RANK.get(c.status, -1))
