#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond's /metrics, scraped with curl on the loopback of its namespace:
# the status, the content type, promtool's lint, the counters against
# siphonctl stats and against what a REGISTER and a call must have moved,
# the XDP families without and with siphon attached, 404 and 405, the
# connection timeout and limit (more clients than allowed neither crash
# siphond nor make it spin, and SIP is answered meanwhile), a listener
# address already taken, and an IPv6 listener.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
for tool in sipp curl promtool jq socat; do
	if ! command -v $tool > /dev/null; then
		echo "1..0 # SKIP needs $tool"
		exit $KSFT_SKIP
	fi
done
if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ]; then
	echo "1..0 # SKIP needs build/siphond and build/siphonctl"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-metrics.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here
sd_topology "met$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
make_pin_dir met
MET_PORT=9464
MET=127.0.0.1:$MET_PORT
MET_MAX=4
PAGE=$LOGS/page
HDRS=$LOGS/headers
OUT=$LOGS/out
BOB_PORT=5080
tap_plan 27

# a small connection limit and a short timeout, so both can be seen (the
# flood below ends well within the timeout: its clients' own closes must
# free the slots); the pin directory is this suite's own, empty for now
MET_TIMEOUT=4
sd_extra_conf() {
	printf '[metrics]\nlisten = %s\nmax_connections = %d\ntimeout_s = %d\n' \
		"$MET" $MET_MAX $MET_TIMEOUT
	printf '[media]\npin_dir = %s\n' "$PIN"
}

in_r() {
	ip netns exec "$NS_R" "$@"
}

# scrape [PATH [CURL ARGS...]]: the body in $PAGE, the headers in $HDRS,
# the HTTP status in $CODE
scrape() {
	local path=${1:-/metrics}
	[ $# -gt 0 ] && shift
	CODE=$(in_r curl -sS --max-time "${CURL_TIME:-5}" -o "$PAGE" -D "$HDRS" \
		-w '%{http_code}' "$@" "http://$MET$path") || {
		diag "curl http://$MET$path failed"
		CODE=000
		return 1
	}
}

# value SERIES: its value on the last page ('name' or 'name{labels}')
value() {
	awk -v m="$1" '$1 == m { print $2 }' "$PAGE"
}

# snap: remember every series of the last page, for moved()
declare -A SNAP
snap() {
	local n v
	SNAP=()
	while read -r n v; do
		SNAP[$n]=$v
	done < <(grep -v '^#' "$PAGE")
}

# moved SERIES N...: each series grew by exactly N since snap
moved() {
	local now bad=0
	while [ $# -ge 2 ]; do
		now=$(value "$1")
		if [ -z "$now" ] || [ -z "${SNAP[$1]:-}" ] ||
			[ $((now - SNAP[$1])) -ne "$2" ]; then
			diag "$1: ${SNAP[$1]:-none} -> ${now:-none}, wanted +$2"
			bad=1
		fi
		shift 2
	done
	return $bad
}

lint() {
	promtool check metrics < "$PAGE" > "$OUT" 2>&1 || {
		diag "promtool: $(head -5 "$OUT")"
		return 1
	}
	[ ! -s "$OUT" ] || { diag "promtool: $(head -5 "$OUT")"; return 1; }
}

# siphond's counter groups over the control socket (siphonctl stats
# would want the XDP maps too)
daemon_json() {
	printf '{"cmd":"stats"}\n' |
		timeout 5 socat -t 2 - UNIX-CONNECT:"$SD_SOCK" | jq .groups
}

if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "siphond says where /metrics is" \
	grep -q "metrics: http://$MET/metrics" "$LOGS/siphond.log"

tap_check "GET /metrics: 200, text/plain version 0.0.4" \
	eval 'scrape && [ "$CODE" = 200 ] &&
	      grep -qi "^content-type: text/plain; version=0.0.4" "$HDRS"'
tap_check "promtool: well formed, no lint problem" lint
# per-call RTP quality: histograms across the live calls, none yet
quality_families() {
	local f
	for f in siphon_media_rtp_jitter_seconds siphon_media_rtp_loss_ratio; do
		grep -qx "# TYPE $f histogram" "$PAGE" &&
			[ "$(value "${f}_bucket{le=\"+Inf\"}")" = 0 ] &&
			[ "$(value "${f}_count")" = 0 ] &&
			[ "$(value "${f}_sum")" = 0 ] ||
			{ diag "$f: $(grep "^$f" "$PAGE" | tr '\n' ' ')"; return 1; }
	done
}
tap_check "RTP jitter (seconds) and loss (ratio) histograms, no call yet" \
	quality_families
tap_check "not attached: siphon_xdp_up 0 and no XDP family" \
	eval '[ "$(value siphon_xdp_up)" = 0 ] &&
	      ! grep -q "^siphon_xdp_packets_total\|^siphon_flows" "$PAGE"'

# every counter siphonctl reads over the control socket is on the page
# with the same value (but for those the two reads themselves move)
same_as_siphonctl() {
	scrape && daemon_json > "$OUT" || return 1
	jq -r 'to_entries[] | .key as $g |
		select($g != "control" and $g != "metrics") |
		.value | to_entries[] | "\($g) \(.key) \(.value)"' "$OUT" \
		> "$LOGS/counters"
	[ "$(wc -l < "$LOGS/counters")" -gt 60 ] || return 1
	local g n v series bad=0
	while read -r g n v; do
		series=$(grep -m1 -E "^siphon_${g}_${n}(_total)? " "$PAGE" |
			cut -d' ' -f1)
		# the timers B, F, H are one family with a label
		case $n in timeouts_?)
			series="siphon_${g}_timeouts_total{timer=\"${n#timeouts_}\"}" ;;
		esac
		if [ "$(value "$series")" != "$v" ]; then
			diag "$g $n: siphonctl $v, /metrics '${series:-none}' $(value "$series")"
			bad=1
		fi
	done < "$LOGS/counters"
	return $bad
}
tap_check "every siphonctl stats counter, same value on /metrics" \
	same_as_siphonctl

# REGISTER, 401, REGISTER with credentials, 200
scrape && snap
tap_check "alice registers" register "$NS_A" $A_IP 5070 alice alicepw 120
tap_check "the REGISTER moved its counters: 2 requests, 1 challenge, 1 ok" \
	eval 'scrape && moved siphon_proxy_requests_total 2 \
		siphon_proxy_auth_challenges_total 1 \
		siphon_registrar_ok_total 1 siphon_auth_ok_total 1 \
		siphon_location_added_total 1 &&
	      [ "$(value siphon_location_bindings)" = 1 ] &&
	      [ "$(value siphon_location_aors)" = 1 ]'

# bob registers, then alice calls him: INVITE, 407, ACK, INVITE with
# credentials, 180, 200, ACK, BYE, 200
register "$NS_B" $B_IP $BOB_PORT bob bobpw 120
scrape && snap
tap_check "alice calls bob, caller hangs up" \
	call metcall uas_answer.xml uac_call.xml 1
tap_check "the call moved its counters: INVITE and BYE forwarded, one ACK end to end" \
	eval 'scrape && moved siphon_proxy_auth_challenges_total 1 \
		siphon_proxy_forwarded_total 2 \
		siphon_proxy_acks_forwarded_total 1 \
		siphon_proxy_forwarded_responses_total 3 \
		siphon_transaction_client_created_total 2'

tap_check "GET /nope: 404" \
	eval 'scrape /nope && [ "$CODE" = 404 ]'
tap_check "POST /metrics: 405, Allow: GET, HEAD" \
	eval 'scrape /metrics -d x=1 && [ "$CODE" = 405 ] &&
	      grep -qi "^allow: GET, HEAD" "$HDRS"'
# raw, so nothing but what siphond sent is looked at
head_only() {
	printf 'HEAD /metrics HTTP/1.0\r\n\r\n' |
		timeout 5 ip netns exec "$NS_R" socat -t 2 - TCP:$MET > "$OUT" ||
		return 1
	head -1 "$OUT" | grep -q "^HTTP/1.[01] 200" &&
		grep -qi "^content-length: [1-9]" "$OUT" &&
		[ -z "$(sed '1,/^\r$/d' "$OUT")" ] ||
		{ diag "$(head -c 300 "$OUT")"; return 1; }
}
tap_check "HEAD /metrics: 200, a length, no body" head_only
tap_check "the metrics group counted them" \
	eval 'scrape && [ "$(value siphon_metrics_not_found_total)" = 1 ] &&
	      [ "$(value siphon_metrics_bad_method_total)" = 1 ] &&
	      [ "$(value siphon_metrics_connections)" = 1 ] &&
	      [ "$(value siphon_metrics_connections_max)" = $MET_MAX ]'

tap_check "siphon attached in R" \
	eval '"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" attach r1 r2 > /dev/null'
nreasons=$(grep -cE '^\s+X\(' "$SIPHON_ROOT/include/siphon/counters.h")
tap_check "attached: siphon_xdp_up 1, every reason, both interfaces, flows" \
	eval 'scrape && [ "$(value siphon_xdp_up)" = 1 ] &&
	      [ "$(grep -c "^siphon_xdp_packets_total{reason=" "$PAGE")" = "$nreasons" ] &&
	      [ "$(value siphon_xdp_interfaces)" = 2 ] &&
	      [ "$(value siphon_flows)" = 0 ] &&
	      [ "$(value siphon_flows_max)" -gt 0 ]'
tap_check "promtool: still no lint problem" lint
snap
xdp_moves() {
	local s='siphon_xdp_packets_total{reason="pass_not_udp",verdict="pass"}'
	ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 1 198.18.1.1 > /dev/null &&
		"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" flow add 198.18.1.1:30000 \
			from $A_IP:4000 to $B_IP:5000 src 198.18.2.1:30002 &&
		scrape || return 1
	[ "$(value siphon_flows)" = 1 ] ||
		{ diag "siphon_flows $(value siphon_flows)"; return 1; }
	[ $(($(value "$s") - ${SNAP[$s]})) -ge 3 ] ||
		{ diag "$s ${SNAP[$s]} -> $(value "$s")"; return 1; }
}
tap_check "three pings counted as pass_not_udp, a flow added is counted" \
	xdp_moves

# one client that says nothing is closed after timeout_s
idle_closed() {
	local t0 t1
	t0=$(date +%s%N)
	timeout 15 ip netns exec "$NS_R" socat -u TCP:$MET - > /dev/null ||
		return 1
	t1=$(date +%s%N)
	diag "idle connection closed after $(((t1 - t0) / 1000000)) ms"
	[ $(((t1 - t0) / 1000000)) -ge $((MET_TIMEOUT * 1000 - 500)) ] &&
		[ $(((t1 - t0) / 1000000)) -le $((MET_TIMEOUT * 1000 + 3000)) ]
}
tap_check "an idle connection is closed after timeout_s" idle_closed

# 24 connections held open, MET_MAX served at a time
ip netns exec "$NS_R" bash -c '
	for i in $(seq 24); do
		exec {fd}<>/dev/tcp/127.0.0.1/'$MET_PORT' || exit 1
	done
	exec sleep 30' &
FLOOD=$!
bg_pid $FLOOD
connections() {
	daemon_json | jq -e ".metrics.connections == $MET_MAX" > /dev/null
}
tap_check "24 clients at once: siphond holds $MET_MAX connections, no more" \
	eval 'wait_for connections && sd_alive'
cpu_ns() {
	awk '{ print $1 }' /proc/$SD_PID/schedstat
}
not_spinning() {
	local c0 c1
	c0=$(cpu_ns)
	sleep 1
	c1=$(cpu_ns)
	diag "siphond used $(((c1 - c0) / 1000000)) ms of CPU in 1 s of the flood"
	[ $((c1 - c0)) -lt 200000000 ]
}
tap_check "siphond does not spin while clients wait" not_spinning
tap_check "SIP is answered meanwhile (OPTIONS, 200)" \
	sipp_run "$NS_A" $A_IP 5076 "$LOGS/options.log" \
	-sf "$SIPP_DIR/options_ping.xml" -m 1
kill "$FLOOD" 2> /dev/null
wait "$FLOOD" 2> /dev/null
back() {
	CURL_TIME=1 scrape && [ "$CODE" = 200 ] &&
		[ "$(value siphon_metrics_connections)" = 1 ]
}
tap_check "the clients gone, /metrics answers again" \
	eval 'wait_for back && sd_alive'

# every slot taken and a client waiting, then all of them gone at once:
# the slots free up in one go, with nothing left for MHD to wake up for
leave_at_once() {
	local round
	for round in 1 2 3; do
		ip netns exec "$NS_R" bash -c '
			for i in $(seq '$((MET_MAX + 2))'); do
				exec {fd}<>/dev/tcp/127.0.0.1/'$MET_PORT' || exit 1
			done
			exec sleep 1' || return 1
		CURL_TIME=2 scrape && [ "$CODE" = 200 ] ||
			{ diag "round $round: $CODE"; return 1; }
	done
}
tap_check "clients filling every slot leave at once: the next scrape is served" \
	leave_at_once

# a second siphond in R: its SIP port and socket differ, /metrics not
sed -e "s|^udp = .*|udp = 127.0.0.1:15998|; s|^tcp = .*||" \
	-e "s|^socket = .*|socket = $LOGS/second.sock|" \
	"$LOGS/siphond.conf" > "$LOGS/second.conf"
tap_check "an address already taken: siphond refuses to start, naming it" \
	eval '! timeout 5 nsenter --net=/run/netns/"$NS_R" "$SIPHOND" \
		-c "$LOGS/second.conf" > "$LOGS/second.log" 2>&1 &&
	      grep -q "\[metrics\] listen $MET: Address already in use" \
		"$LOGS/second.log"'
sed -i "s|^listen = .*|listen = [::1]:$MET_PORT|" "$LOGS/second.conf"
ipv6() {
	nsenter --net=/run/netns/"$NS_R" "$SIPHOND" -c "$LOGS/second.conf" \
		> "$LOGS/second.log" 2>&1 &
	local pid=$! code
	bg_pid $pid
	wait_for grep -q ready "$LOGS/second.log" || return 1
	code=$(in_r curl -sS --max-time 5 -g -o /dev/null -w '%{http_code}' \
		"http://[::1]:$MET_PORT/metrics")
	kill -TERM $pid
	wait $pid
	[ "$code" = 200 ] || { diag "IPv6 scrape: $code"; return 1; }
}
tap_check "an IPv6 listener, [::1], serves /metrics too" ipv6

tap_check "siphond is still running and scraped clean" \
	eval 'sd_alive && scrape && [ "$CODE" = 200 ] && lint'

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
fi
tap_done
