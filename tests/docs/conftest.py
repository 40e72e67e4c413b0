from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.docs import _site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: the one `make docs` has just written (DDCASES_DOCS_SITE, set by `make
    pytest`), or a strict build of our own when the tests run alone."""
    given = os.environ.get("DDCASES_DOCS_SITE")
    if given and (Path(given) / "search" / "search_index.json").is_file():
        return Path(given)
    return _site.build(tmp_path_factory.mktemp("site"))
