#!/usr/bin/env bash
# The whole test suite: domain, store, API and page tests (SQLite always; PostgreSQL too when
# HOTLINE_TEST_POSTGRES_URL is set), then the browser walk-through when chromium is installed.
# Arguments go to the browser test (e.g. --docs refreshes the screenshots under docs/).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test

# The end-to-end walk in a real headless browser (Debian's chromium + chromedriver, Selenium from PyPI).
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  python3 -c "import selenium" 2>/dev/null || python3 -m pip install --quiet selenium
  swift build --product hotline
  python3 scripts/e2e/browser_test.py --binary "$(swift build --show-bin-path)/hotline" "$@"
else
  echo "browser test skipped: install chromium and chromium-driver (scripts/ci-setup.sh does) to run it" >&2
  [ -z "${CI:-}" ] || exit 1
fi
