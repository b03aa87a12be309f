#!/usr/bin/env bash
# The in-browser engine against the native one, side by side in one run:
# builds the page, then runs the ERC-20 scenario and the counter example
# REPS times (default 5) natively (web/benches/native_levels.rs, release)
# and in headless Chromium (the page's worker), printing per-level medians
# as Markdown. Needs Debian's chromium (scripts/test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh >/dev/null
(cd web/tests && npm ci --no-audit --no-fund --silent && node bench.mjs "${1:-5}")
