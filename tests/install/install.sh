#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make install and make uninstall into a temporary DESTDIR: the tree they
# leave, a second install that keeps the operator's configuration, the
# man pages rendering without a warning and saying what --help says, the
# systemd units passing systemd-analyze verify, and every key of siphond's
# key table documented in siphond.conf(5) and in the example config.
# Needs no root and no namespace.
set -u
. "$(dirname "$0")/../net/lib.sh"

if [ ! -x "$BUILD/siphond" ] || [ ! -x "$BUILD/siphonctl" ]; then
	echo "1..0 # SKIP needs build/siphond and build/siphonctl (make)"
	exit $KSFT_SKIP
fi

T=$(mktemp -d /tmp/siphon-install.XXXXXX) || exit $KSFT_FAIL
on_exit "rm -rf $T"
D=$T/dest
DOCS=$SIPHON_ROOT/Documentation
MAN=$DOCS/man
CONFIG_C=$SIPHON_ROOT/user/siphond/config.c

# the make of `make check` must not leak its flags or jobserver in here
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$SIPHON_ROOT" --no-print-directory BUILD="$BUILD" "$@"
}

# every file and link under DIR, relative, sorted
tree_of() {
	(cd "$1" && find . -type f -o -type l) | sed 's|^\./||' | LC_ALL=C sort
}

# every file and link the install must leave, and nothing else
expected_tree() {
	local f
	{
		echo usr/sbin/siphond
		echo usr/sbin/siphonctl
		for f in siphond.conf attach.env; do
			echo "etc/siphon/$f"
			echo "etc/siphon/$f.sample"
		done
		echo usr/lib/systemd/system/siphond.service
		echo usr/lib/systemd/system/siphon-attach.service
		echo usr/share/man/man8/siphond.8
		echo usr/share/man/man8/siphonctl.8
		echo usr/share/man/man5/siphond.conf.5
		for f in "$DOCS"/*.md "$DOCS"/siphond.conf; do
			echo "usr/share/doc/siphon/${f##*/}"
		done
		echo usr/share/doc/siphon/GPL-2.0-only.txt
	} | LC_ALL=C sort
}

tree_is_expected() {
	local diff
	diff=$(diff <(expected_tree) <(tree_of "$D")) && return 0
	diag "installed tree differs from the expected one:"
	echo "$diff" | sed 's/^/# /'
	return 1
}

install_once() {
	mk install DESTDIR="$D" PREFIX=/usr > "$T/install.log" 2>&1 && return 0
	sed 's/^/# /' "$T/install.log"
	return 1
}

# binary BIN WORD: installed mode 755 and its --help names WORD
runs_help() {
	local bin=$D/usr/sbin/$1 out
	[ "$(stat -c %a "$bin")" = 755 ] || { diag "$1: mode $(stat -c %a "$bin")"; return 1; }
	out=$("$bin" --help) || { diag "$1 --help failed"; return 1; }
	grep -q -- "$2" <<< "$out"
}

config_installed() {
	local f
	for f in siphond.conf siphond.conf.sample; do
		cmp -s "$DOCS/siphond.conf" "$D/etc/siphon/$f" || return 1
	done
	for f in attach.env attach.env.sample; do
		cmp -s "$SIPHON_ROOT/packaging/attach.env" "$D/etc/siphon/$f" ||
			return 1
	done
	[ "$(stat -c %a "$D/etc/siphon/siphond.conf")" = 644 ]
}

# the shipped example passes the unit's ExecStartPre= check
sample_checks() {
	"$D/usr/sbin/siphond" -t -c "$D/etc/siphon/siphond.conf.sample" |
		grep -q "configuration ok"
}

units_filled_in() {
	local u=$D/usr/lib/systemd/system
	grep -qx 'ExecStart=/usr/sbin/siphond -c /etc/siphon/siphond.conf' \
		"$u/siphond.service" &&
	grep -qx 'ExecStartPre=/usr/sbin/siphond -t -c /etc/siphon/siphond.conf' \
		"$u/siphond.service" &&
	grep -q '^ExecStart=/usr/sbin/siphonctl attach ' \
		"$u/siphon-attach.service" &&
	grep -qx 'EnvironmentFile=/etc/siphon/attach.env' \
		"$u/siphon-attach.service" &&
	! grep -n '@[A-Z]*@' "$u"/*.service
}

docs_installed() {
	local f
	for f in "$DOCS"/*.md "$DOCS"/siphond.conf; do
		cmp -s "$f" "$D/usr/share/doc/siphon/${f##*/}" ||
			{ diag "doc ${f##*/} missing or differs"; return 1; }
	done
	for f in "$MAN"/*.[0-9]; do
		cmp -s "$f" "$D/usr/share/man/man${f##*.}/${f##*/}" ||
			{ diag "man page ${f##*/} missing or differs"; return 1; }
	done
}

# a second install changes nothing, and leaves a changed config alone
# while the sample next to it is the shipped one again
reinstall_keeps_config() {
	local before after
	echo "# the operator's line" >> "$D/etc/siphon/siphond.conf"
	echo "SIPHON_INTERFACES=\"eth9\"" >> "$D/etc/siphon/attach.env"
	echo "# stale" >> "$D/etc/siphon/siphond.conf.sample"
	before=$(cd "$D" && tree_of . | xargs md5sum | grep -v '\.sample$')
	install_once || return 1
	after=$(cd "$D" && tree_of . | xargs md5sum | grep -v '\.sample$')
	[ "$before" = "$after" ] || { diag "a second install changed files"; return 1; }
	tail -n1 "$D/etc/siphon/siphond.conf" | grep -qx "# the operator's line" &&
	grep -qx 'SIPHON_INTERFACES="eth9"' "$D/etc/siphon/attach.env" &&
	cmp -s "$DOCS/siphond.conf" "$D/etc/siphon/siphond.conf.sample"
}

uninstall_leaves_config() {
	local left
	mk uninstall DESTDIR="$D" PREFIX=/usr > "$T/uninstall.log" 2>&1 ||
		{ sed 's/^/# /' "$T/uninstall.log"; return 1; }
	left=$(tree_of "$D" | tr '\n' ' ')
	[ "$left" = "etc/siphon/attach.env etc/siphon/siphond.conf " ] ||
		{ diag "left after uninstall: $left"; return 1; }
	grep -qx "# the operator's line" "$D/etc/siphon/siphond.conf" &&
	[ ! -e "$D/usr/share/doc/siphon" ]
}

# groff -ww: every warning; -z: no output but the warnings
renders_clean() {
	local out
	out=$(groff -man -ww -z "$1" 2>&1) && [ -z "$out" ] && return 0
	echo "$out" | sed 's/^/# /'
	return 1
}

# every --option and every command --help prints is in the man page
man_matches_help() {
	local bin=$1 page=$2 text word missing=
	text=$(groff -man -Tascii -P-cbou "$page" 2>/dev/null | tr -s ' \n' ' ')
	for word in $("$bin" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u) \
		    ${3:-}; do
		grep -qF -- " $word" <<< "$text" || missing="$missing $word"
	done
	[ -z "$missing" ] && return 0
	diag "${page##*/} misses:$missing"
	return 1
}

# the command words of siphonctl --help: the first word of each line of
# its "commands:" paragraph
ctl_commands() {
	"$BUILD/siphonctl" --help |
		awk '/^commands:/ { on = 1; next } /^$/ { on = 0 }
		     on && /^  [a-z]/ { print $1 }' | sort -u
}

# "section key" for every entry of config.c's key table
config_keys() {
	awk '/^static const struct cfg_key keys\[\] = \{/ { on = 1; next }
	     on && /^\};/ { exit }
	     on' "$CONFIG_C" |
		grep -oE '"[a-z0-9_]+", "[a-z0-9_]+"' | tr -d '",'
}

# its first and last entries, and as many as it had when this was written
keys_found() {
	local keys
	keys=$(config_keys)
	diag "$(wc -l <<< "$keys") keys in config.c's table"
	grep -qx "general log_level" <<< "$keys" &&
		grep -qx "routes route" <<< "$keys" &&
		[ "$(wc -l <<< "$keys")" -ge 39 ]
}

# each key on a .B/.BI/.BR line under the page's ".SH [section]"
keys_in_man() {
	local section key missing=
	while read -r section key; do
		awk -v s="[$section]" -v k="$key" '
			/^\.SH / { on = ($2 == s) }
			on && /^\.(B|BI|BR|RB|IB|TP)( |$)/ {
				n = split($0, w, /[^a-z0-9_]+/)
				for (i = 1; i <= n; i++) if (w[i] == k) found = 1
			}
			END { exit !found }' "$MAN/siphond.conf.5" ||
			missing="$missing [$section]$key"
	done < <(config_keys)
	[ -z "$missing" ] && return 0
	diag "siphond.conf.5 misses:$missing"
	return 1
}

# each key as "key =" or ";key =" under the example's "[section]"
keys_in_example() {
	local section key missing=
	while read -r section key; do
		awk -v s="[$section]" -v k="$key" '
			/^\[/ { on = ($1 == s) }
			on && $0 ~ "^[;#]? *" k " *=" { found = 1 }
			END { exit !found }' "$DOCS/siphond.conf" ||
			missing="$missing [$section]$key"
	done < <(config_keys)
	[ -z "$missing" ] && return 0
	diag "Documentation/siphond.conf misses:$missing"
	return 1
}

# both units as make writes them for a PREFIX that exists (verify checks
# that ExecStart= names an executable, and finds Documentation= pages in
# MANPATH); any line it prints is a finding
units_verify() {
	local p=$T/prefix out
	mk install PREFIX="$p" > "$T/verify-install.log" 2>&1 ||
		{ sed 's/^/# /' "$T/verify-install.log"; return 1; }
	out=$(MANPATH=$p/share/man systemd-analyze verify \
		"$p/lib/systemd/system/siphond.service" \
		"$p/lib/systemd/system/siphon-attach.service" 2>&1) &&
		[ -z "$out" ] && return 0
	echo "$out" | sed 's/^/# /'
	return 1
}

tap_plan 19

if ! tap_check "make install DESTDIR PREFIX=/usr" install_once; then
	tap_done
fi
tap_check "the installed tree: binaries, configs and samples, units, man pages, docs" \
	tree_is_expected
tap_check "siphond: mode 755, --help runs" runs_help siphond "--config FILE"
tap_check "siphonctl: mode 755, --help runs" runs_help siphonctl "usage: siphonctl"
tap_check "siphond.conf and attach.env, and their samples, are the shipped ones" \
	config_installed
tap_check "the sample siphond.conf passes siphond -t" sample_checks
tap_check "the units name /usr/sbin and /etc/siphon" units_filled_in
tap_check "the man pages and docs are the tree's" docs_installed
tap_check "a second install changes nothing and keeps a modified config" \
	reinstall_keeps_config
tap_check "make uninstall leaves only the operator's siphond.conf and attach.env" \
	uninstall_leaves_config

if command -v groff > /dev/null; then
	for page in "$MAN"/*.[0-9]; do
		tap_check "${page##*/} renders without a warning" renders_clean "$page"
	done
else
	for page in "$MAN"/*.[0-9]; do
		tap_skip "${page##*/} renders without a warning (no groff)"
	done
fi
if command -v groff > /dev/null; then
	tap_check "siphond.8 has every option of siphond --help" \
		man_matches_help "$BUILD/siphond" "$MAN/siphond.8"
	tap_check "siphonctl.8 has every option and command of siphonctl --help" \
		man_matches_help "$BUILD/siphonctl" "$MAN/siphonctl.8" \
		"$(ctl_commands | tr '\n' ' ')"
else
	tap_skip "siphond.8 has every option of siphond --help (no groff)"
	tap_skip "siphonctl.8 has every option and command of siphonctl --help (no groff)"
fi

if command -v systemd-analyze > /dev/null; then
	tap_check "systemd-analyze verify: both units, silent" units_verify
else
	tap_skip "systemd-analyze verify: both units (no systemd-analyze)"
fi

tap_check "config.c's key table is found and read" keys_found
tap_check "every config.c key is in siphond.conf.5, in its section" keys_in_man
tap_check "every config.c key is in Documentation/siphond.conf, in its section" \
	keys_in_example

tap_done
