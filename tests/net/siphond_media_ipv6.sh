#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Media anchoring over IPv6: a call whose SDP says c=IN IP6 gets IPv6
# relay ports, each phone is told the relay's, the four flows are IPv6
# ones and expect the ends the SDP named, and the BYE leaves nothing.
# Everything runs on ::1 in one namespace of its own (loopback is the
# only IPv6 these tests may use), so no packet is relayed here: the relay
# refuses a local destination. XDP's IPv6 forwarding is proven by the v6
# fixtures of tests/bpf/test_relay.c.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ] ||
	! command -v sipp > /dev/null || ! command -v jq > /dev/null; then
	echo "1..0 # SKIP needs build/siphond, build/siphonctl, sipp and jq"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-media-ipv6.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here

NS=sdmv$$
make_netns "$NS" || { echo "1..0 # SKIP cannot make a namespace"; exit $KSFT_SKIP; }
NS_R=$NS NS_A=$NS NS_B=$NS
SD_ADDR='[::1]'
A_IP=::1
B_IP=::1
TRUNK_IP=198.18.2.3
BOB_PORT=5080
make_pin_dir media-ipv6
tap_plan 6

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS" "$@"
}

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 36000\nport_max = 36099\n' "$PIN"
	# alice's scenario answers no challenge
	printf '[trusted]\npeer = ::1\n'
}

# the maps siphond anchors in; lo takes XDP in generic mode only
tap_check "siphon attached to lo (generic)" \
	eval 'ctl attach lo --mode generic > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "bob registers over IPv6" \
	register "$NS" ::1 $BOB_PORT bob bobpw 120

sipp_bg "$NS" ::1 $BOB_PORT "$LOGS/uas.log" -sf "$SIPP_DIR/uas_media.xml" \
	-m 1 -key port 40402 -key attr a=sendrecv -d 0 -key linger 0 \
	-trace_msg -message_file "$LOGS/uas-msgs.log"
UAS=$SIPP_PID
# alice talks until the test is done, then hangs up
HELD_SF=uac_media.xml sd_held_call alice "$NS" ::1 5072 -s bob \
	-key from alice -m 1 \
	-key port 40400 -key attr a=sendrecv -key attr2 a=sendrecv
UAC=$HELD_UAC

# four IPv6 flows: RTP and RTCP each way, on the relay's ::1, each taking
# packets only from the end its sender's SDP named
v6_flows() {
	wait_for nflows 4 || return 1
	flows | jq -e '
		(map(select(.relay | startswith("[::1]:"))) | length) == 4 and
		(map(.peer) | sort) ==
		["[::1]:40400", "[::1]:40401", "[::1]:40402", "[::1]:40403"]' \
		> /dev/null || { diag "$(flows | jq -c '[.[] | .relay + " " + .peer]')"; return 1; }
}
tap_check "the answer installs 4 IPv6 flows, from the ends the SDP named" \
	v6_flows
# the c= and m= lines of every SDP a phone received (all from siphond)
told() {
	tr -d '\r' < "$1" | awk '/^-+ [0-9]/ { r = 0 } /message received/ { r = 1 } r' |
		grep -E '^(c|m)=' | sort -u
}
sdp_anchored() {
	local a b to_bob to_alice
	a=$(relay_port "[::1]:40400")
	b=$(relay_port "[::1]:40402")
	to_bob=$(told "$LOGS/uas-msgs.log")
	to_alice=$(told "$LOGS/alice-uac-msgs.log")
	diag "alice sends to $a, bob to $b; bob was told $(tr '\n' ' ' <<< "$to_bob"); alice $(tr '\n' ' ' <<< "$to_alice")"
	[ -n "$a" ] && [ -n "$b" ] &&
		[ "$to_bob" = "$(printf 'c=IN IP6 ::1\nm=audio %s RTP/AVP 0' $b)" ] &&
		[ "$to_alice" = "$(printf 'c=IN IP6 ::1\nm=audio %s RTP/AVP 0' $a)" ]
}
tap_check "each phone's SDP names the relay's IPv6 port (c=IN IP6)" \
	sdp_anchored
tap_check "the BYE ends it: no flow, no session, no port" \
	eval 'sd_hangup alice &&
	      wait $UAC && wait $UAS && wait_for nflows 0 &&
	      wait_for sd_media_idle'
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
