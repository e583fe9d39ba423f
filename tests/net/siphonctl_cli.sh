#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphonctl answers bad input with a clear message and the documented exit
# status (1 failed, 2 bad command line), never with a crash or a half-done
# change; and its JSON is valid.

source "$(dirname "$0")/lib.sh"
require_root

NS=scli-$$
make_pin_dir cli
ERR=$(mktemp)
on_exit "rm -f $ERR"

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS" "$@"
}

# expect STATUS PATTERN CMD...: CMD exits STATUS and says PATTERN on stderr
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	"$@" >/dev/null 2>"$ERR"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		diag "exit $rc, wanted $want: $(cat "$ERR")"
		return 1
	fi
	grep -q -- "$pattern" "$ERR" || {
		diag "stderr lacks '$pattern': $(cat "$ERR")"
		return 1
	}
}

FLOW="from 198.18.0.2:4000 to 198.18.0.3:5000 src 198.18.0.1:30002"

tap_plan 29

make_netns "$NS"
ip -n "$NS" link add c0 type veth peer name c1
ip -n "$NS" addr add 198.18.0.1/24 dev c0
ip -n "$NS" link set c0 up
ip -n "$NS" link set c1 up

tap_check "flow add before attach: siphon is not loaded" \
	expect 1 "not loaded" ctl flow add 198.18.0.1:30000 $FLOW nexthop fib
tap_check "unknown interface" \
	expect 1 "no such interface" ctl attach nosuch0
tap_check "nothing attached after a refused attach" \
	eval '! ls "$PIN"/xdp_link_* >/dev/null 2>&1'
# counters an older siphon pinned, with fewer reasons than this one has
mkdir -p "$PIN"
bpftool map create "$PIN"/siphon_stats type percpu_array key 4 value 8 \
	entries 14 name siphon_stats
tap_check "attach with a tiny table" \
	eval 'ctl attach c0 c1 --max-flows 2 >/dev/null 2>"$ERR"'
tap_check "an older, shorter counter map is replaced, and says so" \
	eval 'grep -q "counts 14 reasons" "$ERR" &&
	      [ "$(bpftool map show pinned "$PIN"/siphon_stats -j |
		   jq .max_entries)" = "$(ctl --json stats | jq ".reasons | length")" ]'
tap_check "attach counts NAPI polls for RTP's clock (bpf/clock.h)" \
	eval 'bpftool -j link show pinned "$PIN"/poll_link | jq -e \
		".type == \"raw_tracepoint\" and .tp_name == \"napi_poll\"" \
		>/dev/null'
tap_check "detach one interface, attach it again (pinned maps adopted)" \
	eval 'ctl detach c1 >/dev/null && ctl attach c1 >/dev/null'
tap_check "attach again replaces the program in place" \
	eval '[ "$(ctl --json attach c0 | jq .attached[0].replaced)" = true ]'
tap_check "two interfaces in the tx port map" \
	eval '[ "$(bpftool map dump pinned "$PIN"/siphon_tx_ports -j | jq length)" = 2 ]'
tap_check "ip netns exec (private bpffs) is refused, not silently lost" \
	expect 1 "ip netns exec" ip netns exec "$NS" "$SIPHONCTL" \
	--pin-dir /sys/fs/bpf/siphon-cli-exec-$$ attach c0
tap_check "re-attach with another table size is refused" \
	expect 1 "resize" ctl attach c0 --max-flows 10
tap_check "port 0" \
	expect 2 "bad relay address" ctl flow add 198.18.0.1:0 $FLOW
tap_check "bad address" \
	expect 2 "bad destination" ctl flow add 198.18.0.1:30000 \
	from 198.18.0.2 to 198.18.0.300:5000 src 198.18.0.1:30002
tap_check "missing words" \
	expect 2 "required" ctl flow add 198.18.0.1:30000 from 198.18.0.2
tap_check "IPv4 and IPv6 mixed" \
	expect 2 "mix of IPv4 and IPv6" ctl flow add 198.18.0.1:30000 \
	from 198.18.0.2 to 198.18.0.3:5000 src "[2001:2::1]:30002"
tap_check "no route to the destination" \
	expect 1 "no route" ctl flow add 198.18.0.1:30000 \
	from 198.18.0.2 to 198.19.9.9:5000 src 198.18.0.1:30002
tap_check "two flows fill the table" \
	eval 'ctl flow add 198.18.0.1:30000 $FLOW nexthop fib >/dev/null &&
	      ctl flow add 198.18.0.1:30002 $FLOW nexthop fib >/dev/null'
tap_check "a third one: table full" \
	expect 1 "table is full" ctl flow add 198.18.0.1:30004 $FLOW nexthop fib
tap_check "a duplicate is refused without 'replace'" \
	expect 1 "already has a flow" ctl flow add 198.18.0.1:30000 $FLOW \
	nexthop fib
tap_check "flow list --json is valid and complete" \
	eval '[ "$(ctl --json flow list | jq length)" = 2 ]'
tap_check "flow add rtp clock: flow show names the RTP clock, nothing measured" \
	eval 'ctl flow add 198.18.0.1:30002 $FLOW nexthop fib replace rtp \
		clock 48000 >/dev/null &&
	      ctl --json flow show 198.18.0.1:30002 | jq -e ".rtp.clock_rate ==
		48000 and .rtp.measured == false and .packets == 0" >/dev/null &&
	      ctl --json flow show 198.18.0.1:30000 | jq -e ".rtp == null" \
		>/dev/null &&
	      [ "$(ctl --json flow show | jq length)" = 2 ] &&
	      ctl flow show | grep -q "^198.18.0.1:30002 .* rtp "'
tap_check "flow show of a flow that is not there" \
	expect 1 "no such flow" ctl flow show 198.18.0.1:30010
tap_check "a bad clock rate" \
	expect 2 "clock rate" ctl flow add 198.18.0.1:30000 $FLOW clock 0
tap_check "flow flush empties the table" \
	eval '[ "$(ctl --json flow flush | jq .deleted)" = 2 ] &&
	      [ "$(ctl --json flow list | jq length)" = 0 ]'
ctl detach c1 >/dev/null
tap_check "detach where siphon is not attached" \
	expect 1 "not attached" ctl detach c1
tap_check "the poll counter stays while an interface is attached" \
	test -e "$PIN"/poll_link
# c1 held by another program (siphon from another pin dir): refused, and
# the tx port map is left as it was (c0 only)
OTHER=/sys/fs/bpf/siphon-test-cli-other-$$
on_exit "rm -rf $OTHER"
"$SIPHONCTL" --pin-dir "$OTHER" --netns "$NS" attach c1 >/dev/null
tap_check "a refused attach leaves the tx port map as it was" \
	eval 'expect 1 "another XDP program" ctl attach c1 &&
	      [ "$(bpftool map dump pinned "$PIN"/siphon_tx_ports -j |
		   jq length)" = 1 ]'
"$SIPHONCTL" --pin-dir "$OTHER" --netns "$NS" detach c1 >/dev/null
tap_check "the last detach removes the poll counter" \
	eval 'ctl detach c0 >/dev/null && ! test -e "$PIN"/poll_link'
tap_check "not root" \
	expect 1 "must run as root" setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$SIPHONCTL" --pin-dir "$PIN" stats
tap_done
