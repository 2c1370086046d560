#!/usr/bin/env bash
# scripts/npm-run.sh NAME [ARGS...]
# Runs the npm script NAME from the root package.json if it defines one, else from the frontend
# workspace; ARGS go to the script after `--`. With ARGS, a script the frontend workspace defines is
# run there directly: a root forwarder like `npm run test -w frontend` drops arguments given after
# `--` (only `npm run test -w frontend --` would pass them on). Fails with a clear message when
# neither defines NAME (a stage whose script is not written yet fails; it is never skipped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

name="${1:?usage: scripts/npm-run.sh NAME [ARGS...]}"
shift

has_script() { # package.json name
  [[ -f "$1" ]] && node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).scripts || {};
    process.exit(typeof s[process.argv[2]] === "string" ? 0 : 1);' "$1" "$2"
}

if (( $# )) && has_script frontend/package.json "$name"; then
  exec npm run "$name" --workspace frontend -- "$@"
elif has_script package.json "$name"; then
  exec npm run "$name" -- "$@"
elif has_script frontend/package.json "$name"; then
  exec npm run "$name" --workspace frontend -- "$@"
else
  echo "npm-run: no npm script \"$name\" in package.json or frontend/package.json; it must be defined for this stage to pass" >&2
  exit 1
fi
