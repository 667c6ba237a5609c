#!/usr/bin/env bash
# The whole test suite: domain, store and API tests (SQLite always; PostgreSQL too when
# HOTLINE_TEST_POSTGRES_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
swift test
