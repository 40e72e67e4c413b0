"""How long does parsing a 100-case live-shaped page take with the generated models?

Also: the recorded 206-case-type answer of GetAllCaseTypes (one unpaginated list, issue 17) beside
the 100-case page, both per whole answer.

Prints microseconds per case for generated/ddcases_api (our templates) and, when the generators
are installed, for stock openapi-python-client output made from the same spec in a temp dir
with dateutil's isoparse swapped in for date-times (the pre-0.2x default) when installed.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "generated"))
from _live import live_page  # noqa: E402

N_CASES = 100
REPEAT = 7


def per_case_us(models: Any, page: dict[str, Any]) -> float:
    fn = models.CasesResponse.from_dict
    loops = 50
    best = min(timeit.repeat(lambda: fn(page), number=loops, repeat=REPEAT))
    return best / loops / N_CASES * 1e6


def stock_models(tmp: Path) -> Any | None:
    """Stock templates (no overrides) into tmp/stock_api; None if the generator is missing."""
    out = tmp / "stock_api"
    cmd = [
        sys.executable,
        str(ROOT / "generator" / "opc.py"),
        "generate",
        "--path",
        str(ROOT / "openapi.yaml"),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--overwrite",
        "--config",
        str(ROOT / "generator" / "config.yml"),
    ]
    if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
        return None
    sys.path.insert(0, str(tmp))
    return importlib.import_module("stock_api.models")


def whole_answer_ms(parse: Any, document: dict[str, Any]) -> float:
    loops = 20
    return min(timeit.repeat(lambda: parse(document), number=loops, repeat=REPEAT)) / loops * 1e3


def case_types_beside_a_page(ours: Any, page: dict[str, Any]) -> None:
    import json

    recording = ROOT / "tests" / "resources" / "recordings" / "config_interactions.json"
    scenarios = json.loads(recording.read_text("utf-8"))["scenarios"]
    (types,) = [
        i["response_body"]
        for s in scenarios
        for i in s["interactions"]
        if i["operation"] == "GetAllCaseTypes"
    ]
    n = len(types["data"])
    types_ms = whole_answer_ms(ours.CaseTypesResponse.from_dict, types)
    page_ms = whole_answer_ms(ours.CasesResponse.from_dict, page)
    print(f"{n} case types (recorded answer):      {types_ms:7.3f} ms per answer")
    print(f"{N_CASES}-case page (live-shaped):          {page_ms:7.3f} ms per answer")


def main() -> None:
    import ddcases_api.models as ours

    page = live_page(N_CASES)
    print(f"ours  (generated/ddcases_api):        {per_case_us(ours, page):7.2f} µs/case")
    case_types_beside_a_page(ours, page)
    with tempfile.TemporaryDirectory() as tmp:
        stock = stock_models(Path(tmp))
        if stock is None:
            print("stock: generator not installed, skipped")
            return
        print(f"stock (upstream templates):           {per_case_us(stock, page):7.2f} µs/case")
        try:
            from dateutil.parser import isoparse
        except ImportError:
            print("dateutil: not installed, isoparse comparison skipped")
            return
        import datetime

        real = datetime.datetime

        class _Iso(real):  # type: ignore[misc]
            @classmethod
            def fromisoformat(cls, s: str) -> datetime.datetime:  # type: ignore[override]
                return isoparse(s)

        datetime.datetime = _Iso  # type: ignore[misc]
        try:
            print(f"stock + dateutil isoparse:            {per_case_us(stock, page):7.2f} µs/case")
        finally:
            datetime.datetime = real  # type: ignore[misc]


if __name__ == "__main__":
    main()
