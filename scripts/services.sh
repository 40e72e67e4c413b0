#!/usr/bin/env bash
# The services the tests start themselves, installed from Debian's packages when missing (as root,
# with apt-get; `make test` runs this first, so a fresh machine needs nothing else):
# - chromium, for tests/docs/test_browser.py (Playwright's own browser download is not reachable);
# - redis-server, for the shared rate-limit store (tests/reliability/test_fleet.py, bench/fleet.py).
# Where one cannot be installed, its tests are skipped and say why; this script never fails the run.
set -uo pipefail

need() {  # need COMMAND PACKAGE WHAT
  command -v "$1" > /dev/null 2>&1 && return 0
  if command -v apt-get > /dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if { [ -n "${updated:-}" ] || apt-get update -qq; } && apt-get install -y -qq "$2" > /dev/null; then
      updated=1
      return 0
    fi
    echo "installing $2 failed: $3 will be skipped" >&2
  else
    echo "$1 is missing and cannot be installed here: $3 will be skipped" >&2
  fi
}

need chromium chromium "the browser test"
need redis-server redis-server "the shared-store tests"
exit 0
