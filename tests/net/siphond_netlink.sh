#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond follows rtnetlink while calls run: the veth facing phone A is
# deleted and created again under the same name, and siphond attaches
# siphon's XDP program to it again by itself (ip link shows it, siphonctl
# status and /metrics count it), so a call's media crosses XDP again; the
# relay address taken away makes new calls fail with 503 (counted) while
# the call already up keeps its flows, and given back lets calls through
# again; an interface the operator detached stays detached.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite netlink 21 curl promtool ethtool

# media on an address of its own (on r1, facing A), so that taking it
# away leaves SIP on $SD_ADDR working
RELAY=198.18.1.10
A_RTP=$A_IP:40000
B_RTP=$B_IP:40002
BOB_PORT=5080
MET=127.0.0.1:9463

sctl() {
	"$SIPHONCTL" -s "$SD_SOCK" "$@"
}
in_r() {
	ip netns exec "$NS_R" "$@"
}

ip -n "$NS_R" addr add $RELAY/24 dev r1
sd_extra_conf() {
	printf '[media]\nanchor = yes\naddress = %s\npin_dir = %s\n' $RELAY "$PIN"
	printf 'port_min = 30000\nport_max = 30099\ntimeout_s = 20\n'
	printf '[trusted]\npeer = %s\n' $A_IP
}

tap_check "siphon attached to r1 and r2" eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

logged() {
	grep -q "$1" "$LOGS/siphond.log"
}
# iface NAME JQ: siphonctl status --json says JQ of interface NAME
iface() {
	local out
	out=$(sctl --json status) || return 1
	jq -e --arg n "$1" ".interfaces[] | select(.name == \$n) | $2" \
		<<< "$out" > /dev/null || { diag "$(jq -c .interfaces <<< "$out")"; return 1; }
}
has_xdp() {
	ip -n "$NS_R" link show "$1" | grep -q "prog/xdp"
}

# both ways through the call's flows
media_both_ways() {
	local a b
	a=$(relay_port $A_RTP)
	b=$(relay_port $B_RTP)
	[ -n "$a" ] && [ -n "$b" ] &&
		rtp_through "$NS_A" $A_RTP $RELAY:$a "$NS_B" $B_RTP $RELAY:$b &&
		rtp_through "$NS_B" $B_RTP $RELAY:$b "$NS_A" $A_RTP $RELAY:$a
}

# held_call NAME PORT: a call in the background, its PIDs in CALL_UAS
# and CALL_UAC, held until call_ended (however long the checks made
# during the call take)
held_call() {
	CALL=$1
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$1-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	CALL_UAS=$SIPP_PID
	sd_held_call "$1" "$NS_A" $A_IP "$2" -s bob -key from alice -m 1
	CALL_UAC=$HELD_UAC
}
# call_ended: alice hangs up, both phones end well, no flow is left
call_ended() {
	sd_hangup "$CALL" && wait "$CALL_UAC" && wait "$CALL_UAS" &&
		wait_for nflows 0
}

tap_check "status: r1 and r2 up, XDP native, wanted, never re-attached" \
	eval 'iface r1 ".link == \"up\" and .xdp and .mode == \"native\" and .wanted and .reattached == 0" &&
	      iface r2 ".link == \"up\" and .xdp"'

# a call that stays up while r1 goes and comes back
held_call long 5072
tap_check "a call runs: 4 flows" wait_for nflows 4
LONG_A=$(relay_port $A_RTP)
LONG_B=$(relay_port $B_RTP)

# r1 (and a0 with it) deleted: the XDP link is left bound to nothing
ip -n "$NS_R" link del r1
tap_check "r1 deleted: logged once, status says gone and not attached" \
	eval 'wait_for logged "r1: interface deleted" &&
	      iface r1 ".link == \"gone\" and (.xdp | not)"'
tap_check "the relay address went with it: logged" \
	wait_for logged "relay address $RELAY is on no interface"

# the same veth again, its addresses, and what the lab needs of it
ip link add r1 netns "$NS_R" type veth peer name a0 netns "$NS_A"
ip -n "$NS_R" addr add 198.18.1.1/24 dev r1
ip -n "$NS_R" addr add $RELAY/24 dev r1
ip -n "$NS_A" addr add $A_IP/24 dev a0
ip -n "$NS_R" link set r1 up
ip -n "$NS_A" link set a0 up
ip -n "$NS_A" route add default via 198.18.1.1
ip netns exec "$NS_A" ethtool -K a0 tx off gro on > /dev/null
wait_for in_r ping -c1 -W1 $A_IP > /dev/null

tap_check "siphond attached XDP to the new r1 (ip link shows it), logged once" \
	eval 'wait_for has_xdp r1 &&
	      wait_for logged "r1: interface is back (ifindex [0-9]*): XDP attached again (native mode)" &&
	      [ "$(grep -c "r1: interface is back" "$LOGS/siphond.log")" = 1 ]'
tap_check "status: r1 up, XDP native, re-attached once" \
	eval 'iface r1 ".link == \"up\" and .xdp and .mode == \"native\" and .reattached == 1" &&
	      sctl status | grep -Eq "^ +r1 +up, XDP native, re-attached 1 time$|^interfaces +r1 +up, XDP native, re-attached 1 time$"'
tap_check "the relay address is back with it: logged, status says so" \
	eval 'wait_for logged "relay address $RELAY is back" &&
	      sctl --json status | jq -e ".media.relay.available" > /dev/null'
tap_check "the call that stayed up: its media crosses the new r1" \
	eval '[ "$(relay_port $A_RTP)" = "$LONG_A" ] && media_both_ways'
tap_check "it ends cleanly" call_ended

# a new call: its media crosses XDP (the flows counted every packet)
xdp_counted() {
	local out
	out=$(sctl --json calls)
	jq -e '.calls[0].streams[0] | .from_caller.packets == 100 and
		.from_callee.packets == 100' <<< "$out" > /dev/null ||
		{ diag "$(jq -c '.calls[0].streams[0]' <<< "$out")"; return 1; }
}
held_call new 5072
tap_check "a new call after the comeback: its media crosses XDP" \
	eval 'wait_for nflows 4 && media_both_ways && xdp_counted && call_ended'

scrape() {
	in_r curl -sS --max-time 5 "http://$MET/metrics" > "$LOGS/page"
}
metric() {
	awk -v m="$1" '$1 == m { print $2 }' "$LOGS/page"
}
tap_check "/metrics: r1 up, attached, re-attached once; promtool is content" \
	eval 'scrape &&
	      [ "$(metric "siphon_interface_up{interface=\"r1\"}")" = 1 ] &&
	      [ "$(metric "siphon_interface_xdp_attached{interface=\"r1\",mode=\"native\"}")" = 1 ] &&
	      [ "$(metric "siphon_interface_reattached_total{interface=\"r1\"}")" = 1 ] &&
	      [ "$(metric siphon_netlink_reattached_total)" = 1 ] &&
	      promtool check metrics < "$LOGS/page"'

# the relay address taken away, with a call up
held_call kept 5072
wait_for nflows 4
ip -n "$NS_R" addr del $RELAY/24 dev r1
unavailable() {
	ctl -s "$SD_SOCK" --json stats | jq -r '.siphond.media.relay_unavailable'
}
tap_check "relay address removed: logged, status and /metrics say so" \
	eval 'wait_for logged "relay address $RELAY is on no interface: new calls get 503" &&
	      [ "$(grep -c "relay address $RELAY is on no interface" "$LOGS/siphond.log")" = 2 ] &&
	      sctl status | grep -q "GONE: new calls get 503" &&
	      scrape && [ "$(metric siphon_media_relay_up)" = 0 ]'
BEFORE=$(unavailable)
refused() {
	sipp_run "$NS_A" $A_IP 5073 "$LOGS/gone.log" \
		-sf "$SIPP_DIR/uac_reject.xml" -s bob -key from alice \
		-au alice -ap alicepw -key code 503 -key alt 503 \
		-key maxfwd 70 -m 1 -trace_msg -message_file "$LOGS/gone-msgs.log" &&
		grep -q "SIP/2.0 503 Media Relay Address Unavailable" \
			"$LOGS/gone-msgs.log"
}
tap_check "a new call gets 503 Media Relay Address Unavailable" refused
tap_check "the refusal is counted (media relay_unavailable)" \
	eval '[ "$(unavailable)" -gt "${BEFORE:-0}" ] && scrape &&
	      [ "$(metric siphon_media_relay_unavailable_total)" -ge 1 ]'
tap_check "the call already up kept its flows and its media" \
	eval 'nflows 4 && media_both_ways && call_ended'

ip -n "$NS_R" addr add $RELAY/24 dev r1
held_call again 5072
tap_check "relay address back: logged, a new call's media crosses XDP" \
	eval 'wait_for logged "relay address $RELAY is back: new calls are anchored again" &&
	      [ "$(grep -c "relay address $RELAY is back" "$LOGS/siphond.log")" = 2 ] &&
	      wait_for nflows 4 && media_both_ways && call_ended'

# the operator detaches r2: link events on it change nothing
tap_check "siphonctl detach r2" eval 'ctl detach r2 > /dev/null && ! has_xdp r2'
ip -n "$NS_R" link set r2 down
ip -n "$NS_R" link set r2 up
sleep 1
tap_check "siphond does not attach r2 again, nor lists it" \
	eval '! has_xdp r2 && ! logged "r2: interface is back" &&
	      sctl --json status | jq -e "[.interfaces[] | select(.name == \"r2\")] | length == 0" > /dev/null'
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -25 | sed 's/^/# /'
fi
tap_done
