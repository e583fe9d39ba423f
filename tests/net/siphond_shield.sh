#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The XDP shield in front of siphond, end to end: siphon attached on the
# proxy's interfaces, siphond's [shield] section applied to it. A scanner
# and a flooding source are dropped at XDP (the shield's counters say so,
# and siphond's own UDP counter shows it never saw them) while phones
# from other addresses register and call through siphond; a banned
# source's requests drop before XDP reads them; a flood spread over many
# addresses, each under its budget, meets the global budget while alice,
# known to be good since her call, still calls; a blocked address gets
# nothing, an allowed one is never limited, a ban ends, and a reload
# changes budgets and lists without losing a ban; a restart counts the
# live calls' parties afresh.
#
#   A: alice 198.18.1.2, scanner .5, flooder .6, blocked .7, allowed .8,
#      a spread flood from .20 to .27
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

SCANNER_IP=198.18.1.5
FLOODER_IP=198.18.1.6
BLOCKED_IP=198.18.1.7
ALLOWED_IP=198.18.1.8
BAN_S=6

SPREAD_IPS=$(seq -f "198.18.1.%g" 20 27)

sd_media_suite shield 41

for ip in $SCANNER_IP $FLOODER_IP $BLOCKED_IP $ALLOWED_IP $SPREAD_IPS; do
	ip -n "$NS_A" addr add $ip/24 dev a0
done

# INVITE: 5 at once, then one a second; the flood below sends 60 at 200/s
BLOCK_LINE="block = $BLOCKED_IP"
sd_extra_conf() {
	printf '[media]\npin_dir = %s\n' "$PIN"
	printf '[shield]\ninvite_rate = 1\ninvite_burst = 5\nban_s = %s\n' $BAN_S
	printf 'allow = %s\n%s\n' $ALLOWED_IP "$BLOCK_LINE"
}

reason() {
	ctl --json stats | jq -r --arg r "$1" '.reasons[$r]'
}

# a counter of the shield's tables (siphonctl shield stats)
table() {
	ctl --json shield stats | jq -r --arg c "$1" '.tables[$c]'
}

# siphond's own count of datagrams received
sd_rx() {
	ctl -s "$SD_SOCK" --json stats | jq -re '.siphond.udp.rx_datagrams'
}

# sipp_from IP NAME SCENARIO CALLS RATE: a bounded run from A at IP that
# sends only what the scenario says (no BYE or CANCEL for the answers it
# did not wait for: those would race with the ban)
sipp_from() {
	sipp_run "$NS_A" "$1" 5090 "$LOGS/$2.log" -sf "$SIPP_DIR/$3" \
		-m "$4" -r "$5" -rp 1000 -default_behaviors none
}

tap_check "siphon attached to both proxy interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi

tap_check "siphond applied [shield]: budgets and lists in the maps" \
	eval 'grep -q "shield: budgets INVITE 1/s burst 5" "$LOGS/siphond.log" &&
	      ctl --json shield stats |
		jq -e ".budgets.INVITE == {\"rate\": 1, \"burst\": 5} and
		       .ban_seconds == $BAN_S" > /dev/null &&
	      ctl --json shield block |
		jq -e ".[0] == {\"prefix\": \"$BLOCKED_IP\", \"origin\": \"config\"}" \
		> /dev/null'

BOB_PORT=5080
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

# ---- OPTIONS to siphon: answered at XDP, never seen by siphond ---------
# XDP_TX out of r1 reaches a0 only when a0 has NAPI (LAB.md): GRO gives it
ip netns exec "$NS_A" ethtool -K a0 gro on > /dev/null 2>&1
rx0=$(sd_rx)
tx0=$(reason tx_sip_options)
big0=$(reason pass_sip_options_too_big)
tap_check "sipp's OPTIONS pings to siphon.test get their 200" \
	sipp_run "$NS_A" $A_IP 5093 "$LOGS/xdp-ping.log" \
		-sf "$SIPP_DIR/options_ping.xml" -m 5 -r 10
# a veth hands XDP a locally sent frame in its skb, often with too
# little tail room for the answer to grow into: those pass, counted
tx=$(($(reason tx_sip_options) - tx0))
big=$(($(reason pass_sip_options_too_big) - big0))
diag "answered in XDP: $tx, passed as too big for the frame: $big"
# at least 5: sipp resends a ping whose 200 was slow on a busy machine
tap_check "... each answered in XDP or passed to siphond as too big" \
	eval '[ $((tx + big)) -ge 5 ]'
tap_check "... siphond received exactly those XDP did not answer" \
	eval '[ $(($(sd_rx) - rx0)) -eq $big ]'

# ---- a scanner: dropped at XDP, never seen by siphond ------------------
rx0=$(sd_rx) || { diag "no siphond counters"; exit $KSFT_FAIL; }
scan0=$(reason drop_sip_scanner)
sipp_from $SCANNER_IP scanner scanner_options.xml 10 50
tap_check "the scanner's 20 requests are dropped at XDP" \
	eval '[ $(($(reason drop_sip_scanner) - scan0)) -eq 20 ]'
tap_check "siphond received none of them" eval '[ "$(sd_rx)" = "$rx0" ]'

# ---- a flood: the budget, then the ban ---------------------------------
rx0=$(sd_rx)
rate0=$(reason drop_sip_rate)
banned0=$(reason drop_sip_banned)
unread0=$(table BANNED_UNREAD)
sipp_from $FLOODER_IP flood flood_invite.xml 60 200
tap_check "the flooder is banned once, at its 6th INVITE" \
	eval '[ $(($(reason drop_sip_rate) - rate0)) -eq 1 ]'
tap_check "the other 54 are dropped as banned" \
	eval '[ $(($(reason drop_sip_banned) - banned0)) -eq 54 ]'
rx1=$(sd_rx)
diag "siphond received $((rx1 - rx0)) datagrams of the flood"
tap_check "siphond saw the burst of 5 and nothing after it" \
	eval '[ $((rx1 - rx0)) -eq 5 ]'
# the 6th INVITE, which ran dry, was read; the lists have not changed
# since (siphond applied them at start), so every later one drops unread
tap_check "the banned flooder's requests drop before XDP reads them" \
	eval '[ $(($(table BANNED_UNREAD) - unread0)) -eq 54 ]'
tap_check "siphond logs the ban once, from the shield's ring buffer" \
	eval 'wait_for grep -q "shield: $FLOODER_IP banned for $BAN_S s: over its INVITE budget" \
		"$LOGS/siphond.log" &&
	      [ "$(grep -c "shield: $FLOODER_IP banned" "$LOGS/siphond.log")" = 1 ]'
tap_check "shield list shows the ban, its time left and its drops" \
	eval 'ctl --json shield list | jq -e ".[] | select(.source == \"$FLOODER_IP\")
		| .seconds_left > 0 and .seconds_left <= $BAN_S and .drops == 55
		and .by == \"over budget\"" > /dev/null'

tap_check "a banned source's OPTIONS gets nothing" \
	eval '! sipp_run "$NS_A" $FLOODER_IP 5091 "$LOGS/banned-ping.log" \
		-sf "$SIPP_DIR/options_ping.xml" -m 1 -timeout 2s'

# ---- phones from other addresses are not touched -----------------------
tap_check "alice calls bob through siphond while the flooder is banned" \
	call legit uas_answer.xml uac_call.xml 1
tap_check "alice and bob are known to be good: parties of a confirmed call" \
	eval 'ctl --json shield stats | jq -e ".known_good >= 2" > /dev/null'
# siphond's count of siphon_goodsrc writes
good_writes() {
	ctl -s "$SD_SOCK" --json stats | jq -re '.siphond.shield.known_good'
}
GOOD_WRITES=$(good_writes)
# the call is over, but its entry lingers for the BYE's resends: its two
# parties are still counted where XDP looks for a banned source's calls
live_peer_slots() {
	bpftool -j map dump pinned "$PIN/siphon_livepeer" |
		jq '[.[] | select((.formatted.value // 0) != 0)] | length'
}
tap_check "... and counted as live-call parties (siphon_livepeer)" \
	eval '[ "$(live_peer_slots)" -ge 1 ]'

# ---- a flood spread thin: the global budget ------------------------------
printf 'global_rate = 1\nglobal_burst = 5\n' >> "$LOGS/siphond.conf"
tap_check "reload: a global budget of 1/s, 5 at once" \
	eval '"$SIPHONCTL" -s "$SD_SOCK" reload > /dev/null &&
	      ctl --json shield stats |
		jq -e ".budgets.global == {\"rate\": 1, \"burst\": 5}" > /dev/null'
rate0=$(reason drop_sip_rate)
global0=$(reason drop_sip_global)
for ip in $SPREAD_IPS; do
	sipp_from $ip spread-${ip##*.} flood_invite.xml 4 200
done
diag "spread flood: $(($(reason drop_sip_global) - global0)) of 32 over the global budget"
# 32 INVITEs in a few seconds, each address within its budget of 5
tap_check "8 addresses, 4 INVITEs each: over the global budget, none banned" \
	eval '[ $(($(reason drop_sip_global) - global0)) -ge 16 ] &&
	      [ "$(reason drop_sip_rate)" = "$rate0" ]'
global0=$(reason drop_sip_global)
tap_check "alice, known to be good, still calls while it is dry" \
	call legit-known uas_answer.xml uac_call.xml 1
tap_check "... none of her requests met the global budget" \
	eval '[ "$(reason drop_sip_global)" = "$global0" ]'
# vouched for moments ago as parties of a call: not written again
tap_check "... and the same parties are not written to siphon_goodsrc again" \
	eval '[ "$GOOD_WRITES" -ge 2 ] 2>/dev/null &&
	      [ "$(good_writes)" = "$GOOD_WRITES" ]'
sed -i '/^global_/d' "$LOGS/siphond.conf"
tap_check "reload: the default global budget again" \
	eval '"$SIPHONCTL" -s "$SD_SOCK" reload > /dev/null &&
	      ctl --json shield stats |
		jq -e ".budgets.global == {\"rate\": 256, \"burst\": 1024}" > /dev/null'

# ---- block and allow lists ---------------------------------------------
blocked0=$(reason drop_sip_blocked)
tap_check "a blocked address gets no answer" \
	eval '! sipp_run "$NS_A" $BLOCKED_IP 5092 "$LOGS/blocked-ping.log" \
		-sf "$SIPP_DIR/options_ping.xml" -m 1 -timeout 2s'
tap_check "... and its packets are counted as blocked" \
	eval '[ $(($(reason drop_sip_blocked) - blocked0)) -ge 1 ]'
rate0=$(reason drop_sip_rate)
banned0=$(reason drop_sip_banned)
rx0=$(sd_rx)
sipp_from $ALLOWED_IP allowed-flood flood_invite.xml 60 200
tap_check "an allowed address floods 60 INVITEs: none limited" \
	eval '[ "$(reason drop_sip_rate)" = "$rate0" ] &&
	      [ "$(reason drop_sip_banned)" = "$banned0" ] &&
	      [ $(($(sd_rx) - rx0)) -ge 60 ]'
tap_check "... and it is not banned" \
	eval '! ctl shield list | grep -q "^$ALLOWED_IP "'
tap_check "the trusted trunk ([trusted] peer) is on the allow list" \
	eval 'ctl --json shield allow |
		jq -e --arg ip $TRUNK_IP "any(.[]; (.prefix | sub(\"/32$\"; \"\")) == \$ip and .origin == \"config\")" \
		> /dev/null'

# ---- the ban ends --------------------------------------------------------
ban_over() {
	! ctl shield list | grep -q "^$FLOODER_IP " &&
	grep -q "shield: ban of $FLOODER_IP ended" "$LOGS/siphond.log"
}
tap_check "the ban ends after ban_s, and siphond logs it" \
	eval 'for i in $(seq $((BAN_S + 3))); do ban_over && break; sleep 1; done; ban_over'
tap_check "the former flooder is answered again" \
	sipp_run "$NS_A" $FLOODER_IP 5093 "$LOGS/unbanned-ping.log" \
		-sf "$SIPP_DIR/options_ping.xml" -m 1

# ---- reload: new budgets and lists, bans kept ----------------------------
tap_check "a ban by hand" eval 'ctl shield ban $SCANNER_IP --for 600'
BLOCK_LINE=""
sd_extra_conf_v2() {
	printf '[media]\npin_dir = %s\n' "$PIN"
	printf '[shield]\ninvite_rate = 3\ninvite_burst = 9\nban_s = %s\n' $BAN_S
	printf 'allow = %s\n' $ALLOWED_IP
}
sed -i '/^\[shield\]/,$d' "$LOGS/siphond.conf"
sd_extra_conf_v2 | sed '1,2d' >> "$LOGS/siphond.conf"
tap_check "siphonctl reload applies the new [shield]" \
	eval '"$SIPHONCTL" -s "$SD_SOCK" reload > /dev/null &&
	      ctl --json shield stats |
		jq -e ".budgets.INVITE == {\"rate\": 3, \"burst\": 9}" > /dev/null'
tap_check "the block list lost its config entry, the ban by hand stayed" \
	eval '[ "$(ctl --json shield block | jq length)" = 0 ] &&
	      ctl shield list | grep -q "^$SCANNER_IP "'
tap_check "the address no longer blocked is answered" \
	sipp_run "$NS_A" $BLOCKED_IP 5094 "$LOGS/unblocked-ping.log" \
		-sf "$SIPP_DIR/options_ping.xml" -m 1

# ---- a restart counts the live calls' parties afresh ---------------------
# siphond counts siphon_livepeer from siphon_livecall when it starts: a
# count for nobody (a siphond killed between writing one map and the
# other) would otherwise have XDP read a banned source's requests forever
peer_slots() {
	bpftool -j map dump pinned "$PIN/siphon_livepeer" |
		jq -c "[.[] | select((.formatted.value // 0) $1 0) | .formatted.key]"
}
le32() {
	printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}
tap_check "alice calls bob again: its parties are counted" \
	eval 'call again uas_answer.xml uac_call.xml 1 &&
	      [ "$(peer_slots "!=" | jq length)" -ge 1 ]'
PEERS_BEFORE=$(peer_slots "!=")
STALE=$(peer_slots "==" | jq '.[0]')
tap_check "a count for nobody written into siphon_livepeer" \
	eval 'bpftool map update pinned "$PIN/siphon_livepeer" \
		key $(le32 "$STALE") value 3 0 0 0 &&
	      peer_slots "!=" | jq -e --argjson s "$STALE" "index(\$s)" > /dev/null'
kill -KILL "$SD_PID"
wait "$SD_PID" 2>/dev/null
tap_check "siphond killed (SIGKILL) and started again" sd_start "$LOGS"
tap_check "... the count for nobody is gone" \
	eval '[ "$(peer_slots "!=" | jq --argjson s "$STALE" "index(\$s)")" = null ]'
# calls that end their linger meanwhile may take counts away, never add
tap_check "... the lingering call's parties are still counted" \
	eval 'now=$(peer_slots "!=") &&
	      [ "$(echo "$now" | jq length)" -ge 1 ] &&
	      jq -en --argjson a "$now" --argjson b "$PEERS_BEFORE" \
		"\$a - \$b == []" > /dev/null'

tap_check "siphond is still running" sd_alive
tap_done
