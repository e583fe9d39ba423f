# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by the namespace tests: TAP output in the kselftest format, unique
# namespace names, and a cleanup that runs on every exit path.
# Source it, then call tap_plan N, tap_ok / tap_fail, and tap_done.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SIPHON_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$SIPHON_ROOT/build}
SIPHONCTL=$BUILD/siphonctl
UDP_PEER=$BUILD/tools/net/udp_peer

_tap_n=0
_tap_failed=0
_cleanups=()
_pids=()

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $*"
}

tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $*"
}

tap_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $* # SKIP"
}

# tap_check NAME COMMAND...: one test point from a command's exit status
tap_check() {
	local name=$1
	shift
	if "$@"; then
		tap_ok "$name"
	else
		tap_fail "$name"
	fi
}

tap_done() {
	[ "$_tap_failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# say what went wrong as a TAP comment
diag() {
	echo "# $*"
}

# require root and the tools a test needs, or skip the whole suite
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root"
		exit $KSFT_SKIP
	fi
}

# on_exit CMD: run CMD (an eval'd string) at exit, last registered first
on_exit() {
	_cleanups=("$1" "${_cleanups[@]}")
}

bg_pid() {
	_pids+=("$1")
}

# _kill_tree PID: PID and every process under it, children first (a
# function run in the background is a subshell: its children, a sipp or
# a siphonctl, would outlive it and keep the TAP pipe open)
_kill_tree() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2> /dev/null); do
		_kill_tree "$child"
	done
	kill "$1" 2> /dev/null
}

_run_cleanups() {
	local pid c
	for pid in "${_pids[@]}"; do
		# only what is still ours: a PID that ended may be reused
		[ "$(ps -o ppid= -p "$pid" 2> /dev/null)" -eq $$ ] 2> /dev/null &&
			_kill_tree "$pid"
	done
	for c in "${_cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
}
trap _run_cleanups EXIT
trap 'exit $KSFT_FAIL' INT TERM

# make_netns NAME: a fresh namespace with lo up, deleted at exit
make_netns() {
	ip netns add "$1" || return 1
	on_exit "ip netns del $1"
	ip -n "$1" link set lo up
}

# make_pin_dir NAME: sets PIN to a unique bpffs directory for this test's
# maps and links, removed at exit (not a $(...): cleanups must register here)
make_pin_dir() {
	PIN=/sys/fs/bpf/siphon-test-$1-$$
	on_exit "rm -rf $PIN"
}

# wait_for CMD...: poll a condition for up to 5 s
wait_for() {
	local i
	for i in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
