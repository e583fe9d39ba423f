#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test suite (the kselftest binaries in build/tests/, the
# namespace scripts in tests/net/, the fuzz smoke run and the install
# checks in tests/install/), show their TAP, and end with one line:
# "N passed, N failed, N skipped". Exit status 0 only when nothing failed.
# TESTS="relay_e2e test_csum" limits the run to suites with those names.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}

passed=0
failed=0
skipped=0

suites() {
	local f
	for f in "$BUILD"/tests/test_*; do
		[ -x "$f" ] && echo "$f"
	done
	for f in "$ROOT"/tests/net/*.sh "$ROOT"/tests/fuzz/*.sh \
		 "$ROOT"/tests/install/*.sh; do
		# lib.sh and *_lib.sh are sourced by suites, not suites
		case "$(basename "$f")" in
		lib.sh | *_lib.sh) ;;
		*) echo "$f" ;;
		esac
	done
}

wanted() {
	local name=$1 t
	[ -z "$TESTS" ] && return 0
	for t in $TESTS; do
		[ "$t" = "$name" ] && return 0
	done
	return 1
}

# count one suite's top-level TAP results; a suite that dies without
# reporting, exits non-zero with no failure reported, or runs another
# number of tests than its plan says, counts as a failure
run_suite() {
	local suite=$1 name out rc p f s plan start
	name=$(basename "$suite" .sh)
	wanted "$name" || return 0
	echo "# === $name"
	start=$SECONDS
	out=$(mktemp)
	timeout --kill-after=10 "$SUITE_TIMEOUT" bash -c '
		if [ "${1%.sh}" != "$1" ]; then exec bash "$1"; else exec "$1"; fi
	' _ "$suite" </dev/null 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$out" | head -1)
	s=$(grep -E '^ok [0-9]+' "$out" | grep -ci '# SKIP')
	f=$(grep -cE '^not ok [0-9]+' "$out")
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$out" | cut -d. -f3)
	p=$((p - s))
	rm -f "$out"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "# $name: timed out after ${SUITE_TIMEOUT}s"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$f" -eq 0 ]; then
		echo "# $name: exited $rc without reporting a failure"
		f=$((f + 1))
	elif [ "$rc" -eq 4 ] && [ $((p + f + s)) -eq 0 ]; then
		s=1
	elif [ -n "$plan" ] && [ "$plan" -ne $((p + f + s)) ]; then
		echo "# $name: planned $plan tests, ran $((p + f + s))"
		f=$((f + 1))
	fi
	echo "# $name: $((SECONDS - start)) s"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

while read -r suite; do
	run_suite "$suite"
done < <(suites)

if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "# no test ran"
	failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
