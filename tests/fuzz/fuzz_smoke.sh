#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Every libFuzzer target in build/fuzz/ runs for FUZZ_SECONDS (default 5:
# a smoke run in make check; `make fuzz` runs them longer), starting from
# its seed corpus in tests/corpus/NAME/ (fuzz_sip_msg -> tests/corpus/sip_msg).
# FUZZ_SEED (default 1) fixes the random sequence, so the smoke run in make
# check is reproducible; `make fuzz` passes 0, a new sequence every run.
# New inputs go to a scratch directory, never into the tree. A crash, a
# leak or a sanitizer report fails the target and leaves the input in
# build/fuzz/crashes/. Targets run side by side, one per CPU.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SECONDS_EACH=${FUZZ_SECONDS:-5}
SEED=${FUZZ_SEED:-1}

targets=("$BUILD"/fuzz/fuzz_*)
if [ ! -x "${targets[0]}" ]; then
	echo "1..0 # SKIP no fuzz targets built"
	exit 4
fi

echo "TAP version 13"
echo "1..${#targets[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$BUILD/fuzz/crashes"
# one target; its exit status lands in $scratch/NAME.rc
run_target() {
	local fuzzer=$1 name seeds
	name=$(basename "$fuzzer")
	seeds=$ROOT/tests/corpus/${name#fuzz_}
	mkdir -p "$scratch/$name"
	"$fuzzer" -seed="$SEED" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$BUILD/fuzz/crashes/$name-" \
		"$scratch/$name" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} \
		>"$scratch/$name.log" 2>&1
	echo $? >"$scratch/$name.rc"
}

# as many targets at once as there are CPUs: each is one process, and
# the smoke run's time is what make check waits for
jobs_max=$(nproc 2>/dev/null || echo 1)
running=0
for fuzzer in "${targets[@]}"; do
	run_target "$fuzzer" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs_max" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

n=0
failed=0
for fuzzer in "${targets[@]}"; do
	n=$((n + 1))
	name=$(basename "$fuzzer")
	if [ "$(cat "$scratch/$name.rc" 2>/dev/null)" = 0 ]; then
		echo "# $name: $(grep -m1 'stat::number_of_executed_units' \
			"$scratch/$name.log")"
		echo "ok $n $name for ${SECONDS_EACH}s"
	else
		sed 's/^/# /' "$scratch/$name.log" | tail -30
		echo "not ok $n $name"
		failed=1
	fi
done
exit $failed
