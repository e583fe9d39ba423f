# SPDX-License-Identifier: GPL-2.0-only
#
# The relay topology of the demo and the end-to-end tests, in namespaces:
#
#   A: a0 198.18.1.2/24 --- r1 198.18.1.1/24 :R: r2 198.18.2.1/24 --- b0 198.18.2.2/24 :B
#
# topo_create A B R builds it (the caller deletes the namespaces). Endpoint
# A reaches B only through R, and R's two interfaces are where siphon runs.

TOPO_A_ADDR=198.18.1.2
TOPO_R1_ADDR=198.18.1.1
TOPO_B_ADDR=198.18.2.2
TOPO_R2_ADDR=198.18.2.1

topo_create() {
	local a=$1 b=$2 r=$3 l
	ip netns add "$a" && ip netns add "$b" && ip netns add "$r" || return 1
	ip -n "$r" link add r1 type veth peer name a0 netns "$a" &&
	ip -n "$r" link add r2 type veth peer name b0 netns "$b" || return 1
	ip -n "$a" addr add $TOPO_A_ADDR/24 dev a0
	ip -n "$r" addr add $TOPO_R1_ADDR/24 dev r1
	ip -n "$b" addr add $TOPO_B_ADDR/24 dev b0
	ip -n "$r" addr add $TOPO_R2_ADDR/24 dev r2
	for l in "$a lo" "$b lo" "$r lo" "$a a0" "$b b0" "$r r1" "$r r2"; do
		set -- $l
		ip -n "$1" link set "$2" up || return 1
	done
	ip -n "$a" route add 198.18.0.0/15 via $TOPO_R1_ADDR
	ip -n "$b" route add 198.18.0.0/15 via $TOPO_R2_ADDR
	# a socket on a veth sends CHECKSUM_PARTIAL frames; a real NIC would
	# not, and an incremental update of a partial sum is wrong (LAB.md)
	ip netns exec "$a" ethtool -K a0 tx off >/dev/null
	ip netns exec "$b" ethtool -K b0 tx off >/dev/null
	# frames redirected into a veth need NAPI on the receiving peer
	ip netns exec "$a" ethtool -K a0 gro on >/dev/null
	ip netns exec "$b" ethtool -K b0 gro on >/dev/null
	# learn the endpoints' MAC addresses so next hops can be cached
	ip netns exec "$r" ping -c1 -W1 $TOPO_A_ADDR >/dev/null &&
	ip netns exec "$r" ping -c1 -W1 $TOPO_B_ADDR >/dev/null
}

topo_delete() {
	ip netns del "$1" 2>/dev/null
	ip netns del "$2" 2>/dev/null
	ip netns del "$3" 2>/dev/null
}
