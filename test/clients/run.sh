#!/usr/bin/env bash
# The client suites (test/clients/README.md): real clients drive `taskport
# serve` unmodified. Needs Go (go.mod's version) and Python 3.10+; builds the
# fake first if dist/ is missing. Each suite prints "<name>: N passed, N failed".
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

fail() { echo "test:clients: $*" >&2; exit 1; }
command -v go >/dev/null 2>&1 || fail "Go is missing: install Go 1.26 (the suites are Go modules)"
command -v python3 >/dev/null 2>&1 || fail "python3 is missing: install Python 3.10+ with venv"
python3 -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' \
  || fail "python3 must be 3.10+ with the venv module"
[ -f "$root/dist/cli.js" ] || (cd "$root" && npm run build)
export TASKPORT_CLI="$root/dist/cli.js"

# Each suite is bounded (seconds): on a new machine, downloading and compiling
# CTS's module graph is the long part (about 4 minutes on 2 busy cores); warm, a second.
suite_limit="${TASKPORT_CLIENTS_TIMEOUT:-480}"
failed=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run_go() {
  local name="$1"
  echo "== $name (go run ./test/clients/$name)"
  (cd "$here/$name" && timeout "$suite_limit" go run .) | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("$name")
}

run_go go-tfe
run_go cts

# The Python SDK in a venv beside the suite, rebuilt when the pins change.
venv="$here/.venv"
stamp="$venv/.requirements"
if ! cmp -s "$here/python/requirements.txt" "$stamp" 2>/dev/null; then
  echo "== gitpod-sdk (Python): creating $venv from python/requirements.txt"
  rm -rf "$venv"
  python3 -m venv "$venv"
  timeout "$suite_limit" "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -r "$here/python/requirements.txt"
  cp "$here/python/requirements.txt" "$stamp"
fi
echo "== gitpod-sdk-python (python/gitpod_sdk_suite.py)"
(cd "$here/python" && timeout "$suite_limit" "$venv/bin/python" gitpod_sdk_suite.py) | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("gitpod-sdk-python")

# One closing line over every suite's "<name>: N passed, N failed".
total() {
  awk '/^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 } END { print p + 0, f + 0 }' "$log"
}
read -r passed failed_checks < <(total)

if [ "${#failed[@]}" -gt 0 ]; then
  echo "test:clients: failed suites: ${failed[*]}" >&2
  echo "clients: $passed passed, $((failed_checks > 0 ? failed_checks : 1)) failed"
  exit 1
fi
echo "clients: $passed passed, $failed_checks failed"
