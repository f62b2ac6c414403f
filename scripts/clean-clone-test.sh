#!/usr/bin/env bash
# Runs the unit tests in a fresh clone of this repository's HEAD, in a temporary folder with nothing beside it
# (no ../shared, no built dist/): what a new user has after `git clone` and `npm ci`. CI runs it after npm test.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
parent="$(mktemp -d)"
trap 'rm -rf "$parent"' EXIT
git clone --quiet --no-local "$repo" "$parent/cors-lens"
cd "$parent/cors-lens"
ls -A "$parent"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
npx vitest run --project unit
