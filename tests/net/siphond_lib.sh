# SPDX-License-Identifier: GPL-2.0-only
#
# Shared by the siphond suites: a proxy namespace R between phone
# namespaces A and B (and a trunk address in B), siphond started in R
# from tests/sipp/siphond.conf.in, and sipp runs that are bounded in calls
# and time. Source after lib.sh.
#
#   A a0 198.18.1.2 --- r1 198.18.1.1 [R: siphond :5060] r2 198.18.2.1 --- b0 198.18.2.2 B
#                                                                        198.18.2.3 (trunk)

SIPP_DIR=$SIPHON_ROOT/tests/sipp
SIPHOND=$BUILD/siphond
SD_DOMAIN=siphon.test
SD_ADDR=198.18.1.1
A_IP=198.18.1.2
B_IP=198.18.2.2
TRUNK_IP=198.18.2.3

# sd_topology PREFIX: namespaces ${PREFIX}r, ${PREFIX}a, ${PREFIX}b (a
# suite names more of its own $SD_NS...)
sd_topology() {
	SD_NS=$1
	NS_R=$1r NS_A=$1a NS_B=$1b
	make_netns "$NS_R" && make_netns "$NS_A" && make_netns "$NS_B" || return 1
	ip link add r1 netns "$NS_R" type veth peer name a0 netns "$NS_A" &&
	ip link add r2 netns "$NS_R" type veth peer name b0 netns "$NS_B" ||
		return 1
	ip -n "$NS_R" addr add 198.18.1.1/24 dev r1
	ip -n "$NS_R" addr add 198.18.2.1/24 dev r2
	ip -n "$NS_A" addr add $A_IP/24 dev a0
	ip -n "$NS_B" addr add $B_IP/24 dev b0
	ip -n "$NS_B" addr add $TRUNK_IP/24 dev b0
	ip -n "$NS_R" link set r1 up && ip -n "$NS_R" link set r2 up
	ip -n "$NS_A" link set a0 up && ip -n "$NS_B" link set b0 up
	ip -n "$NS_A" route add default via 198.18.1.1
	ip -n "$NS_B" route add default via 198.18.2.1
}

# sd_media_suite NAME PLAN [TOOL...]: how a suite whose calls are
# anchored on siphon's XDP relay begins. It skips without root, the
# binaries it needs, sipp, jq or a TOOL; makes LOGS (/tmp/siphond-NAME.*,
# kept when KEEP_LOGS is set), where sipp writes its error logs; builds
# the topology and the pin dir PIN; plans PLAN tests; and gets the
# topology ready for XDP (sd_media_lab). ctl then runs siphonctl on R's
# pinned maps.
sd_media_suite() {
	local name=$1 plan=$2 tool
	shift 2
	require_root
	for tool in sipp jq "$@"; do
		if ! command -v "$tool" > /dev/null; then
			echo "1..0 # SKIP needs $tool"
			exit $KSFT_SKIP
		fi
	done
	if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ] || [ ! -x "$UDP_PEER" ]; then
		echo "1..0 # SKIP needs build/siphond, build/siphonctl and build/tools/net/udp_peer"
		exit $KSFT_SKIP
	fi
	LOGS=$(mktemp -d "/tmp/siphond-$name.XXXXXX") || exit $KSFT_FAIL
	[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
	cd "$LOGS" || exit $KSFT_FAIL
	if ! sd_topology "sd-$name-$$-"; then
		echo "1..0 # SKIP cannot build namespaces"
		exit $KSFT_SKIP
	fi
	make_pin_dir "$name"
	tap_plan "$plan"
	sd_media_lab || diag "the topology is not ready for XDP: what follows may fail"
}

# ctl ARGS...: siphonctl on the relay's pinned maps, in R
ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" "$@"
}

# ---- media: the flows siphond installed, and RTP sent through them ------
SIZE=172 # one 20 ms PCMU packet: 12 bytes RTP + 160 bytes audio

flows() {
	ctl --json flow list
}
# nflows N: exactly N flows are installed
nflows() {
	[ "$(flows | jq length)" = "$1" ]
}
# relay_port PEER: the relay port of the flow that accepts packets from
# PEER (ADDR:PORT or [ADDR]:PORT)
relay_port() {
	flows | jq -r --arg p "$1" \
		'.[] | select(.peer == $p) | .relay | split(":") | last'
}
# rtp_through NS FROM TO_RELAY RNS RBIND EXPECT_FROM [N [MODE]]: N packets
# (RTP_N, 100 unless the suite says) from FROM to the relay reach RBIND,
# every one from EXPECT_FROM; MODE rtp (the default) or plain (no RTP header)
rtp_through() {
	local ns=$1 from=$2 to=$3 rns=$4 rbind=$5 expect=$6
	local n=${7:-${RTP_N:-100}} mode=${8:-rtp} out pid
	[ "$mode" = plain ] && mode=
	# emptied first: the "ready" of the last receiver is not this one's
	: > "$LOGS/recv.out"
	ip netns exec "$rns" "$UDP_PEER" recv "$rbind" "$expect" "$n" 3000 \
		> "$LOGS/recv.out" &
	pid=$!
	bg_pid $pid
	wait_for grep -q ready "$LOGS/recv.out"
	ip netns exec "$ns" "$UDP_PEER" send "$from" "$to" "$n" $SIZE $mode \
		> /dev/null
	wait "$pid"
	out=$(tail -n 1 "$LOGS/recv.out")
	diag "$out"
	[ "$out" = "received $n from-expected $n bytes $((n * SIZE))" ]
}
# both_ways A_END B_END: RTP from alice's A_END reaches bob's B_END and
# back, each through the relay port the flows say
both_ways() {
	local a=$1 b=$2 ra rb
	ra=$(relay_port "$a")
	rb=$(relay_port "$b")
	diag "$a sends to $ra, $b to $rb"
	[ -n "$ra" ] && [ -n "$rb" ] &&
		rtp_through "$NS_A" "$a" $SD_ADDR:$ra "$NS_B" "$b" $SD_ADDR:$rb &&
		rtp_through "$NS_B" "$b" $SD_ADDR:$rb "$NS_A" "$a" $SD_ADDR:$ra
}
# relay_ports PEER: the relay ports of the flows that take PEER's packets,
# comma-separated
relay_ports() {
	flows | jq -r --arg p "$1" \
		'[.[] | select(.peer == $p) | .relay] | join(",")'
}
# talk: each phone sends every call's RTP (ROUNDS rounds, 20 ms apart) from
# the port its SDP named (A_RTP, B_RTP) to the relay ports of CALLER_SIDES
# and CALLEE_SIDES, and counts what reaches that port through the relay
talk() {
	local to_a to_b
	to_a=$(sed "s/[^,]*:/$SD_ADDR:/g" <<< "$CALLER_SIDES")
	to_b=$(sed "s/[^,]*:/$SD_ADDR:/g" <<< "$CALLEE_SIDES")
	ip netns exec "$NS_A" "$UDP_PEER" spray $A_RTP "$to_a" $ROUNDS $SIZE \
		20000 $SD_ADDR 10000 > "$LOGS/talk-a.out" &
	TALK_A=$!
	ip netns exec "$NS_B" "$UDP_PEER" spray $B_RTP "$to_b" $ROUNDS $SIZE \
		20000 $SD_ADDR 10000 > "$LOGS/talk-b.out" &
	TALK_B=$!
	bg_pid $TALK_A
	bg_pid $TALK_B
}
# no_loss PHONE PID NS: the phone (a or b) sent and got every packet of
# its CALLS calls, all from siphon
no_loss() {
	local want=$((CALLS * ROUNDS)) out
	wait "$2"
	out=$(cat "$LOGS/talk-$1.out")
	diag "$1: $out"
	# a drop here is the test's own socket, not siphon
	diag "$1: $(ip netns exec "$3" nstat -az UdpRcvbufErrors |
		awk 'NR > 1 { printf "%s=%s", $1, $2 }'), XDP redirected $(ctl --json stats | jq .reasons.redirect) both ways"
	[ "$out" = "sent $want received $want from-expected $want bytes $((want * SIZE))" ]
}
# nothing_through NS FROM TO_RELAY RNS RBIND: 20 packets to a relay port
# without a flow reach nobody
nothing_through() {
	local out pid
	: > "$LOGS/recv.out"
	ip netns exec "$4" "$UDP_PEER" recv "$5" "$2" 20 500 \
		> "$LOGS/recv.out" &
	pid=$!
	bg_pid $pid
	wait_for grep -q ready "$LOGS/recv.out"
	ip netns exec "$1" "$UDP_PEER" send "$2" "$3" 20 $SIZE rtp > /dev/null
	wait "$pid"
	out=$(tail -n 1 "$LOGS/recv.out")
	diag "$out"
	[ "${out%% from-expected*}" = "received 0" ]
}

# xdp_reason NAME: siphon's XDP counter NAME (siphonctl stats)
xdp_reason() {
	ctl --json stats | jq -r ".reasons.$1"
}

# sd_media_lab: what siphon's XDP relay needs of the topology
# (tools/net/topology.sh says why): checksums filled in by the phones'
# veths, GRO where redirected frames arrive, forwarding in R for the FIB
# next hop, and R's neighbour entries of both phones
sd_media_lab() {
	ip netns exec "$NS_A" ethtool -K a0 tx off gro on > /dev/null &&
	ip netns exec "$NS_B" ethtool -K b0 tx off gro on > /dev/null &&
	ip netns exec "$NS_R" sysctl -qw net.ipv4.conf.all.forwarding=1 &&
	ip netns exec "$NS_R" ping -c1 -W1 $A_IP > /dev/null &&
	ip netns exec "$NS_R" ping -c1 -W1 $B_IP > /dev/null
}

# sd_start DIR: siphond in R with its log in DIR/siphond.log, its
# control socket at $SD_SOCK (DIR/siphond.sock unless set before) and its
# registrations kept in $SD_STATE (DIR/registrations unless set before)
sd_start() {
	local dir=$1
	SD_SOCK=${SD_SOCK:-$dir/siphond.sock}
	SD_STATE=${SD_STATE:-$dir/registrations}
	sed -e "s|@ADDR@|$SD_ADDR|; s|@DOMAIN@|$SD_DOMAIN|" \
	    -e "s|@CONTROL@|$SD_SOCK|; s|@STATE@|$SD_STATE|" \
	    -e "s|@CREDENTIALS@|$SIPP_DIR/credentials|" \
	    -e "s|@TRUSTED@|$TRUNK_IP|; s|@TRUNK@|$TRUNK_IP|" \
	    "$SIPP_DIR/siphond.conf.in" > "$dir/siphond.conf"
	# sipp answers only the first challenge, and only MD5
	printf '[auth]\nmd5_first = yes\n' >> "$dir/siphond.conf"
	# a suite may define sd_extra_conf to add its own lines
	if declare -F sd_extra_conf > /dev/null; then
		sd_extra_conf >> "$dir/siphond.conf"
	fi
	# emptied first: a "ready" from a siphond before must not count
	: > "$dir/siphond.log"
	# nsenter, not ip netns exec: that one mounts a fresh /sys, where
	# the pinned maps of [media] would not be
	nsenter --net=/run/netns/"$NS_R" "$SIPHOND" -c "$dir/siphond.conf" \
		> "$dir/siphond.log" 2>&1 &
	SD_PID=$!
	bg_pid $SD_PID
	wait_for grep -q "ready" "$dir/siphond.log"
}

sd_alive() {
	kill -0 "$SD_PID" 2>/dev/null
}

# sd_rss_kb: siphond's resident memory now
sd_rss_kb() {
	awk '/^VmRSS/ { print $2 }' /proc/$SD_PID/status
}

# sipp_run NS IP PORT LOG ARGS...: one bounded sipp run to siphond; its
# -d is HOLD_MS (500): how long uac_call.xml talks, or how long a
# scenario lingers after its last message for a retransmission that
# only a lost packet would cause (uac_reject.xml and the like)
sipp_run() {
	local ns=$1 ip=$2 port=$3 log=$4
	shift 4
	timeout 40 ip netns exec "$ns" sipp $SD_ADDR:5060 -nostdin \
		-i "$ip" -p "$port" -timeout 30s -timeout_error -trace_err \
		-d "${HOLD_MS:-500}" \
		-key domain $SD_DOMAIN "$@" > "$log" 2>&1
}

# sipp_bg NS IP PORT LOG ARGS...: a phone waiting for calls; sets SIPP_PID
sipp_bg() {
	local ns=$1 ip=$2 port=$3 log=$4
	shift 4
	timeout 40 ip netns exec "$ns" sipp -nostdin -i "$ip" -p "$port" \
		-timeout 30s -timeout_error -trace_err "$@" > "$log" 2>&1 &
	SIPP_PID=$!
	bg_pid $SIPP_PID
	wait_for sipp_listens "$ns" "$port"
}

# sipp_listens NS PORT: a socket in NS is bound to PORT (UDP or TCP)
sipp_listens() {
	[ -n "$(ip netns exec "$1" ss -Hlnut "sport = :$2")" ]
}

# A held call lasts until the test is done with it, however long its
# checks take on a loaded machine, and not longer: where a caller's
# scenario would wait a fixed -d, it waits (at most 25 s) for an INFO
# with its Call-ID, which the test sends it straight, not through
# siphond, once its message trace shows it has come to that wait: every
# wait follows an ACK (or, in uac_early_cancel.xml, the 183), and sipp
# writes the trace as it sends, before it reads what comes next.
# sd_held_call NAME NS IP PORT [ARGS...]: a trusted caller in NS at
# IP:PORT calls with tests/sipp/$HELD_SF (uac_held.xml; ARGS say whom
# and how many: -s bob -key from alice -m 1), in the background, its PID
# in HELD_UAC, its log $LOGS/NAME-uac.log, its messages in
# $LOGS/NAME-uac-msgs.log
declare -A _sd_held
sd_held_call() {
	local name=$1 ns=$2 ip=$3 port=$4
	shift 4
	_sd_held[$name]="$ns $ip $port"
	HOLD_MS=0 sipp_run "$ns" "$ip" "$port" "$LOGS/$name-uac.log" \
		-sf "$SIPP_DIR/${HELD_SF:-uac_held.xml}" \
		-cid_str "%u-$name-$$@held" \
		-trace_msg -message_file "$LOGS/$name-uac-msgs.log" "$@" &
	HELD_UAC=$!
	bg_pid $HELD_UAC
}

# sd_go_on NAME [N [WAY LINE]]: the caller of held call NAME, once it
# has come to its wait past the Nth (1st) message it WAY (sent) with a
# line that begins with LINE (ACK), goes on to its next step
sd_go_on() {
	local name=$1 n=${2:-1}
	sd_waits_at "$name" "${3:-sent}" "${4:-ACK}" "$n" && _sd_tell "$name" 1
}

# sd_hangup NAME [CALLS]: the caller of held call NAME (uac_held.xml),
# once all its CALLS (1) calls are up, hangs them up
sd_hangup() {
	local name=$1 n=${2:-1}
	sd_waits_at "$name" sent ACK "$n" && _sd_tell "$name" "$n"
}

# sd_waits_at NAME WAY LINE N: held call NAME's trace counts N (or more)
# messages it WAY (sent, received) with a line that begins with LINE;
# polled for (5 s)
sd_waits_at() {
	local trace=$LOGS/$1-uac-msgs.log
	wait_for _sipp_count_at_least "$trace" "$2" "$3" "$4" ||
		{ diag "$1: $(_sipp_count "$trace" "$2" "$3") messages $2 with $3, not $4"; return 1; }
}
# _sipp_count TRACE WAY LINE: how many messages of a sipp -trace_msg
# file were WAY (sent, received) and have a line beginning with LINE
_sipp_count() {
	tr -d '\r' < "$1" 2> /dev/null | awk -v way="$2" -v line="$3" '
		/^(UDP|TCP) message (sent|received)/ { n += hit; w = $3; hit = 0; next }
		w == way && index($0, line) == 1 { hit = 1 }
		END { print n + hit }'
}
_sipp_count_at_least() {
	[ "$(_sipp_count "$1" "$2" "$3")" -ge "$4" ]
}

# _sd_tell NAME CALLS: an INFO to each of held call NAME's calls 1 to
# CALLS, from port 9 of the caller's own address
_sd_tell() {
	local name=$1 n=$2 ns ip port host i
	read -r ns ip port <<< "${_sd_held[$name]}"
	host=$ip
	[ "${ip#*:}" = "$ip" ] || host="[$ip]"
	for i in $(seq "$n"); do
		printf '%s\r\n' "INFO sip:held@$host:$port SIP/2.0" \
			"Via: SIP/2.0/UDP $host:9;branch=z9hG4bK-go-on-$i-$RANDOM" \
			"From: <sip:test@held>;tag=go-on" "To: <sip:held@held>" \
			"Call-ID: $i-$name-$$@held" "CSeq: 1 INFO" \
			"Max-Forwards: 70" "Content-Length: 0" "" |
			nsenter --net=/run/netns/"$ns" "$UDP_PEER" probe \
				"$host:9" "$host:$port" 1 0 > /dev/null || return 1
	done
}

# register NS IP PORT USER PASSWORD EXPIRES [ARGS...]
register() {
	local ns=$1 ip=$2 port=$3 user=$4 pw=$5 exp=$6
	shift 6
	sipp_run "$ns" "$ip" "$port" "$LOGS/reg-$user-$port.log" \
		-sf "$SIPP_DIR/register_auth.xml" -s "$user" -au "$user" \
		-ap "$pw" -key expires "$exp" -m 1 "$@"
}

# call NAME UAS_SCENARIO UAC_SCENARIO CALLS [UAC ARGS...]: bob answers
# with the UAS scenario at $BOB_PORT (where he registered), alice calls
# him; CALLER_NS, CALLER_IP, UAS_ARGS and CALLER_ONLY vary it
call() {
	local name=$1 uas=$2 uac=$3 n=$4 rc urc
	shift 4
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/$uas" -m "$n" ${UAS_ARGS:-}
	local uas_pid=$SIPP_PID
	sipp_run "${CALLER_NS:-$NS_A}" "${CALLER_IP:-$A_IP}" 5072 \
		"$LOGS/$name-uac.log" \
		-sf "$SIPP_DIR/$uac" -s bob -key from alice -au alice \
		-ap alicepw -m "$n" "$@"
	rc=$?
	if [ -n "${CALLER_ONLY:-}" ]; then
		# under loss the callee's strict scenario may trip on a
		# retransmission it did not expect, and wait for a message of
		# that call until its timeout; the calls completing is the
		# caller's to say, and once the caller is done nothing the
		# callee could answer matters: stop it
		kill "$uas_pid" 2> /dev/null
		wait "$uas_pid"
		urc=0
	else
		wait "$uas_pid"
		urc=$?
	fi
	[ $rc -eq 0 ] && [ $urc -eq 0 ] && return 0
	diag "$name: caller exit $rc, callee exit $urc"
	return 1
}

# reject NAME USER CODE [MAXFWD]: alice's INVITE to USER must get CODE
reject() {
	HOLD_MS=0 sipp_run "$NS_A" $A_IP 5073 "$LOGS/$1.log" \
		-sf "$SIPP_DIR/uac_reject.xml" -s "$2" -key from alice \
		-au alice -ap alicepw -key code "$3" -key alt "$3" \
		-key maxfwd "${4:-70}" -m 1
}

# sd_media_idle: siphond holds no media session and no relay port (a
# call that ended left nothing behind); wait_for it after a call
sd_media_idle() {
	local st
	st=$("$SIPHONCTL" -s "$SD_SOCK" --json status) &&
		jq -e '.media.sessions == 0 and .media.ports_in_use == 0' \
			<<< "$st" > /dev/null
}
