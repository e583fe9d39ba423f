#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install the Debian 12 packages siphon needs to build, test and demo.
# Idempotent: installs only what is missing. `--check` only reports.
set -euo pipefail

PACKAGES=(
	make gcc clang llvm pkg-config  # toolchain (clang -target bpf, llvm-strip)
	libclang-rt-14-dev  # libFuzzer and clang's sanitizers
	libosip2-dev  # the SIP parser we measure ours against
	libbpf-dev libelf-dev zlib1g-dev  # libbpf and what it links
	libmnl-dev		  # rtnetlink: next hops, neighbours
	libjansson-dev		  # JSON output of siphonctl
	libinih-dev		  # siphond.conf
	libssl-dev		  # digest hashes (libcrypto)
	libmicrohttpd-dev	  # siphond's /metrics over HTTP
	bpftool			  # skeletons, map dumps
	linux-source		  # kselftest harness headers for tests
	xz-utils		  # to unpack linux-source
	iproute2 iputils-ping ethtool nftables  # namespaces, offloads, nft baseline
	sip-tester tshark tcpdump  # sipp, capture checks
	jq  # reading siphonctl --json in tests
	socat  # raw lines to siphond's control socket in tests
	curl prometheus  # scraping /metrics in tests; promtool lints it
	kamailio  # the proxy tools/bench/cps compares against
	rtpengine-daemon  # Kamailio's media relay in tools/bench/cps --media
)
# services these packages would start on their own (each named as its
# package): the tests and benchmarks run their own instances, in
# namespaces, and nothing else should
SERVICES=(rtpengine-daemon kamailio prometheus)

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	echo "missing packages: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: installing ${missing[*]} needs root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# no service starts while installing (invoke-rc.d asks policy-rc.d):
# a policy of our own when the machine has none, removed afterwards
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
	trap 'rm -f "$POLICY"' EXIT
	printf '#!/bin/sh\n# tools/deps.sh, while it installs\nexit 101\n' \
		>"$POLICY"
	chmod 755 "$POLICY"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# and none starts at boot. Only what this run installed: a service the
# operator had before is left as it was
for svc in "${SERVICES[@]}"; do
	[[ " ${missing[*]} " == *" $svc "* ]] || continue
	[ -e "/etc/init.d/$svc" ] || [ -d /run/systemd/system ] || continue
	if [ -d /run/systemd/system ]; then
		systemctl disable --now "$svc" >/dev/null 2>&1 || true
	fi
	# (with systemctl present, this also removes the unit's links)
	update-rc.d "$svc" disable >/dev/null 2>&1 || true
done
