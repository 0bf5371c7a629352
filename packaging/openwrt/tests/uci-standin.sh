#!/bin/sh
# A STAND-IN for OpenWrt's uci(1), for tests on Debian where the real one is not packaged.
# It implements only what uci-to-conf.sh uses:
#
#   uci-standin.sh [-q] [-c CONFDIR] get CONFIG.SECTION.OPTION
#
# reading CONFDIR/CONFIG (default CONFDIR: /etc/config) in UCI's file syntax: "config TYPE
# ['NAME']", "option NAME VALUE", "list NAME VALUE", comments and blank lines. Values may be
# 'single-quoted', "double-quoted" (with \" and \\) or bare words. A named section is addressed
# by its name; an option prints its value; a list prints its items separated by spaces (as uci
# does). An entry that is not there: "uci: Entry not found" (not with -q) and status 1.
set -eu

confdir=/etc/config
quiet=0
while [ $# -gt 0 ]; do
	case $1 in
	-q) quiet=1 ;;
	-c) confdir=$2; shift ;;
	-*) echo "uci-standin: option $1 is not implemented" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
if [ $# -ne 2 ] || [ "$1" != get ]; then
	echo "usage: uci-standin.sh [-q] [-c DIR] get CONFIG.SECTION.OPTION" >&2
	exit 2
fi

path=$2
config=${path%%.*}
rest=${path#*.}
section=${rest%%.*}
option=${rest#*.}
case $path in
*.*.*) ;;
*) echo "uci-standin: only CONFIG.SECTION.OPTION is implemented" >&2; exit 2 ;;
esac

not_found() {
	[ "$quiet" -eq 1 ] || echo "uci: Entry not found" >&2
	exit 1
}

[ -f "$confdir/$config" ] || not_found

# awk prints the value (the last "option" wins; "list" items add up) and fails when absent.
matches=$(awk -v want_section="$section" -v want_option="$option" '
	# The next token of s from position 1: a quoted string or a bare word. Sets TOKEN and
	# returns what follows it.
	function next_token(s,    c, i, out) {
		sub(/^[ \t]+/, "", s)
		c = substr(s, 1, 1)
		out = ""
		if (c == "\047") {
			i = index(substr(s, 2), "\047")
			if (i == 0) { TOKEN = substr(s, 2); return "" }
			TOKEN = substr(s, 2, i - 1)
			return substr(s, i + 2)
		}
		if (c == "\"") {
			for (i = 2; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "\\" && i < length(s)) { i++; out = out substr(s, i, 1); continue }
				if (c == "\"") break
				out = out c
			}
			TOKEN = out
			return substr(s, i + 1)
		}
		match(s, /^[^ \t#]*/)
		TOKEN = substr(s, 1, RLENGTH)
		return substr(s, RLENGTH + 1)
	}
	{
		line = $0
		sub(/^[ \t]+/, "", line)
		if (line == "" || substr(line, 1, 1) == "#") next
		line = next_token(line); keyword = TOKEN
		if (keyword == "config") {
			line = next_token(line)          # the type
			line = next_token(line)          # the name (empty: an anonymous section)
			current = TOKEN
			next
		}
		if (keyword != "option" && keyword != "list") next
		if (current != want_section) next
		line = next_token(line); name = TOKEN
		if (name != want_option) next
		line = next_token(line)
		if (keyword == "option") { value = TOKEN; kind = "option"; nlist = 0 }
		else { value = (kind == "list" && nlist > 0) ? value " " TOKEN : TOKEN; kind = "list"; nlist++ }
		found = 1
	}
	END { if (found) printf "%s", value; exit(found ? 0 : 1) }
'  "$confdir/$config") || not_found
printf '%s\n' "$matches"
