#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# OPTIONS pings to siphon answered in XDP, end to end, from frames with
# the room a NIC's receive buffer gives (the project's live-frames
# generator, tools/gen/xdpgen): a locally sent ping on a veth rarely has
# the tail room the answer grows into (siphond_shield.sh). Every ping of
# a paced burst gets its 200 OK back at the pinger's interface with valid
# IP and UDP checksums and siphond sees none of them; a ping to another
# host is not XDP's to answer; once siphond is killed its heartbeat runs
# out and XDP answers no more (a dead proxy is never reported alive).
#
#   A a0 (xdpgen; an XDP sink that counts and checks what comes back)
#     --- r1 198.18.1.1 [R: siphon on r1 and r2, siphond :5060]
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

XDPGEN=$BUILD/tools/gen/xdpgen
XDPBENCH=$BUILD/tools/bench/xdpbench
# 1000 pings at 500/s from 20 addresses: under the shield's default
# budgets, each source's (200/s, 2000 at once, for requests other than
# INVITE and REGISTER) and unknown sources' together (256/s, 1024 at once)
PINGS=1000
PINGERS=20
PINGER_BASE=198.18.1.100

for bin in "$XDPGEN" "$XDPBENCH"; do
	if [ ! -x "$bin" ]; then
		echo "1..0 # SKIP needs $bin (make)"
		exit $KSFT_SKIP
	fi
done
sd_media_suite options-xdp 10

SINK_DIR=/sys/fs/bpf/siphon-test-options-sink-$$ # bpffs refuses dots
on_exit "rm -rf $SINK_DIR"
mkdir -p "$SINK_DIR"
SINK=$SINK_DIR/sink

sd_extra_conf() {
	printf '[media]\npin_dir = %s\n' "$PIN"
}

reason() {
	ctl --json stats | jq -r --arg r "$1" '.reasons[$r]'
}
# siphond's own count of datagrams received
sd_rx() {
	ctl -s "$SD_SOCK" --json stats | jq -re '.siphond.udp.rx_datagrams'
}
mac_of() {
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}
# sink FIELD: packets, bytes, csum_checked or csum_bad at a0's sink
sink() {
	"$XDPBENCH" sink-read "$SINK" |
		awk -v f="$1" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'
}
# ping_burst N [HOST]: N OPTIONS from the pingers, 500 a second, to HOST
# (siphond's address unless told) on siphond's port
ping_burst() {
	"$XDPGEN" --netns "$NS_A" --dev a0 --dst-mac "$(mac_of "$NS_R" r1)" \
		--src $PINGER_BASE --src-addrs $PINGERS --sport 5060 \
		--dst "${2:-$SD_ADDR}" --port-base 5060 --sip options \
		--count "$1" --rate 500 --threads 1 --duration 20 \
		> "$LOGS/gen.out" 2>&1
}
# heartbeat_until: until when (CLOCK_MONOTONIC ns) XDP may answer for
# siphond, as its last heartbeat in siphon_options said
heartbeat_until() {
	bpftool -j map dump pinned "$PIN/siphon_options" |
		jq -r '.[0].formatted.value.alive_until_ns'
}

tap_check "siphon attached to both proxy interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "siphond armed XDP's answer (its heartbeat in siphon_options)" \
	eval '[ "$(heartbeat_until)" -gt 0 ]'
# what comes back to A is counted there and the checksums of its UDP
# checked (the count of packets has A's own ARP and the like too); the
# sink's XDP also gives a0 the NAPI that XDP_TX out of r1 needs (LAB.md)
tap_check "an XDP sink on the pinger's interface" \
	"$XDPBENCH" --netns "$NS_A" sink-attach --validate --pin "$SINK" a0
rx0=$(sd_rx)
tx0=$(reason tx_sip_options)
tap_check "$PINGS pings sent from frames with room for the answer" \
	eval 'ping_burst $PINGS && diag "$(cat "$LOGS/gen.out")"'
sleep 0.5
tx=$(($(reason tx_sip_options) - tx0))
diag "answered in XDP: $tx; at the sink: $(sink packets) packets," \
	"$(sink csum_checked) checksums checked, $(sink csum_bad) bad"
tap_check "... every one answered in XDP (XDP_TX)" eval '[ "$tx" -eq $PINGS ]'
tap_check "... every answer reached the pinger, checksums valid" \
	eval '[ "$(sink csum_checked)" -eq $PINGS ] && [ "$(sink csum_bad)" -eq 0 ]'
tap_check "... siphond received none of them" eval '[ "$(sd_rx)" = "$rx0" ]'

# a ping for another host is not XDP's to answer
not_us0=$(reason pass_sip_options_not_us)
tap_check "pings to another address of R pass to the stack, unanswered by XDP" \
	eval 'ip -n "$NS_R" addr add 198.18.1.9/24 dev r1 &&
	      ping_burst 20 198.18.1.9 && sleep 0.5 &&
	      [ $(($(reason pass_sip_options_not_us) - not_us0)) -eq 20 ] &&
	      [ $(($(reason tx_sip_options) - tx0)) -eq $PINGS ]'

# siphond killed: nothing disarms the answer, its last heartbeat runs
# out (SIPHON_OPTIONS_ALIVE_NS, 3 s)
kill -KILL "$SD_PID"
wait "$SD_PID" 2>/dev/null
tap_check "siphond killed (SIGKILL): its last heartbeat still in the map" \
	eval '[ "$(heartbeat_until)" -gt 0 ]'
sleep 3.5
tx0=$(reason tx_sip_options)
tap_check "pings after the heartbeat ran out: none answered in XDP" \
	eval 'ping_burst 100 && sleep 0.5 &&
	      [ "$(reason tx_sip_options)" = "$tx0" ]'
tap_done
