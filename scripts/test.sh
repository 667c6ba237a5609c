#!/usr/bin/env bash
# The whole test suite: domain, store, API and page tests (SQLite always; PostgreSQL too when
# HOTLINE_TEST_POSTGRES_URL is set), then the browser walk-through when chromium is installed.
# Arguments go to the browser test (e.g. --docs refreshes the screenshots under docs/).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test

# The real `hotline serve` process: start with the demo city, sign in, record a ticket, SIGTERM, start again on the same
# data — on SQLite always, and on PostgreSQL when HOTLINE_TEST_POSTGRES_URL is set (a scratch database is created there).
swift build --product hotline
# The Open311 step drives the server with a real Open311 client library from PyPI (georeport, pinned).
python3 -c "import georeport" 2>/dev/null || python3 -m pip install --quiet georeport==0.3.1
HOTLINE_BIN="$(swift build --show-bin-path)/hotline"
python3 scripts/e2e/serve_test.py --binary "$HOTLINE_BIN" --start-timeout 600
if [ -n "${HOTLINE_TEST_POSTGRES_URL:-}" ]; then
  # Seeding on PostgreSQL once failed with a client-side PSQLError on a heavily loaded machine (not reproduced since the
  # connect timeout was raised); one retry on a fresh database keeps such a failure visible in the log without
  # failing the run on it alone.
  python3 scripts/e2e/serve_test.py --binary "$HOTLINE_BIN" --create-postgres-db hotline_serve_test --start-timeout 600 \
    --postgres-admin-url "$HOTLINE_TEST_POSTGRES_URL" \
  || { echo "serve test on PostgreSQL failed once; trying again on a fresh database" >&2
       python3 scripts/e2e/serve_test.py --binary "$HOTLINE_BIN" --create-postgres-db hotline_serve_test --start-timeout 600 \
         --postgres-admin-url "$HOTLINE_TEST_POSTGRES_URL"; }
fi

# Two real servers, a province and a city under it, each on its own database: data up, tickets down, the city down and
# the province killed mid-stream, reconciliation, a shared knowledge base (SQLite; PostgreSQL too when it is set).
python3 scripts/e2e/federation_test.py --binary "$HOTLINE_BIN"
if [ -n "${HOTLINE_TEST_POSTGRES_URL:-}" ]; then
  python3 scripts/e2e/federation_test.py --binary "$HOTLINE_BIN" --postgres-admin-url "$HOTLINE_TEST_POSTGRES_URL"
fi

# The contract: Schemathesis (pinned, from PyPI) fuzzes every operation of the real server's openapi.yaml as an agent and
# as an administrator; no 5xx, every answer and status as documented, no schema-valid request refused with a 400.
python3 -c "import schemathesis, sys; sys.exit(schemathesis.__version__ != '4.32.5')" 2>/dev/null \
  || python3 -m pip install --quiet schemathesis==4.32.5 hypothesis==6.170.27
python3 scripts/e2e/schemathesis_test.py --binary "$HOTLINE_BIN"

# The end-to-end walk in a real headless browser (Debian's chromium + chromedriver, Selenium from PyPI).
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  python3 -c "import selenium, openpyxl" 2>/dev/null || python3 -m pip install --quiet selenium openpyxl
  python3 scripts/e2e/browser_test.py --binary "$HOTLINE_BIN" "$@"
else
  echo "browser test skipped: install chromium and chromium-driver (scripts/ci-setup.sh does) to run it" >&2
  [ -z "${CI:-}" ] || exit 1
fi
