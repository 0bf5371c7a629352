#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Converts the UCI config /etc/config/wizfi250d (section "main") to the daemon's settings file.
#
#   uci-to-conf.sh [OUTPUT]        default: /var/etc/wizfi250d.conf
#
# One UCI option per daemon key (wizfi250d.conf(5)); an option that is absent or empty is left
# out, so the daemon's default applies. Every value is checked before anything is written: a
# bad value names the option and exits 1, and the previous OUTPUT stays as it was. OUTPUT is
# replaced atomically (a temporary file in the same directory, then mv). The init script runs
# this at every start and reload.
#
# Environment (for tests): UCI, the uci command (default: uci); UCI_CONFIG_DIR, passed to it
# as "-c DIR" when set; WIZFI250D_UCI_SECTION (default: main).
set -eu
LC_ALL=C
export LC_ALL

out=${1:-/var/etc/wizfi250d.conf}
uci_cmd=${UCI:-uci}
section=${WIZFI250D_UCI_SECTION:-main}

fail() {
	echo "wizfi250d: $*" >&2
	exit 1
}

# The option's value, or nothing when it is not set. Lists come back space-separated.
uci_value() {
	if [ -n "${UCI_CONFIG_DIR:-}" ]; then
		"$uci_cmd" -q -c "$UCI_CONFIG_DIR" get "wizfi250d.$section.$1" 2>/dev/null || true
	else
		"$uci_cmd" -q get "wizfi250d.$section.$1" 2>/dev/null || true
	fi
}

# Checks, each given the option name and its value; they print the daemon's spelling.
reject() {
	fail "uci option wizfi250d.$section.$1: '$2' $3"
}

one_line() {
	# Printable ASCII only: a newline would start another key in the generated file.
	case $2 in
	*[![:print:]]*) reject "$1" "$2" "contains a control or non-ASCII character" ;;
	esac
}

check_text() {
	one_line "$1" "$2"
	[ ${#2} -le 64 ] || reject "$1" "$2" "is longer than 64 characters"
	printf '%s' "$2"
}

check_path() {
	one_line "$1" "$2"
	case $2 in
	/*) ;;
	*) reject "$1" "$2" "is not an absolute path" ;;
	esac
	case $2 in
	*[!A-Za-z0-9._/-]*) reject "$1" "$2" "has characters other than letters, digits and ._/-" ;;
	esac
	printf '%s' "$2"
}

check_serial() {
	case $2 in
	/dev/?*) check_path "$1" "$2" ;;
	pty:/?*) check_path "$1" "${2#pty:}" >/dev/null && printf '%s' "$2" ;;
	*) reject "$1" "$2" "is not a device under /dev (or pty:/PATH)" ;;
	esac
}

check_choice() {
	name=$1
	value=$2
	shift 2
	for choice in "$@"; do
		if [ "$value" = "$choice" ]; then
			printf '%s' "$value"
			return 0
		fi
	done
	reject "$name" "$value" "is not one of: $*"
}

# UCI booleans, printed as the daemon's words ($3 = true word, $4 = false word).
check_bool() {
	case $2 in
	1 | yes | on | true | enabled) printf '%s' "$3" ;;
	0 | no | off | false | disabled) printf '%s' "$4" ;;
	*) reject "$1" "$2" "is not a boolean (1/0, yes/no, on/off, true/false)" ;;
	esac
}

check_interface() {
	case $2 in
	*[!A-Za-z0-9._-]* | -*) reject "$1" "$2" "is not an interface name" ;;
	esac
	[ ${#2} -le 15 ] || reject "$1" "$2" "is longer than 15 characters (IFNAMSIZ)"
	printf '%s' "$2"
}

check_word() {
	case $2 in
	*[!A-Za-z0-9_-]*) reject "$1" "$2" "is not a name (letters, digits, _ and -)" ;;
	esac
	printf '%s' "$2"
}

check_eap_method() {
	case $2 in
	*[!A-Za-z0-9-]*) reject "$1" "$2" "is not an EAP method name (MD5, PEAP, TTLS, ...)" ;;
	esac
	printf '%s' "$2"
}

# check_ms KEY VALUE MAX: 0-MAX milliseconds (the length test first keeps a long number out of
# the shell's arithmetic).
check_ms() {
	case $2 in
	'' | *[!0-9]*) reject "$1" "$2" "is not a number of milliseconds" ;;
	esac
	if [ ${#2} -gt ${#3} ] || [ "$2" -gt "$3" ]; then
		reject "$1" "$2" "is not in 0-$3"
	fi
	printf '%s' "$2"
}

# A whole number in [$3, $4].
check_count() {
	case $2 in
	'' | *[!0-9]*) reject "$1" "$2" "is not a number" ;;
	esac
	if [ ${#2} -gt ${#4} ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		reject "$1" "$2" "is not in $3-$4"
	fi
	printf '%s' "$2"
}

check_octet() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ ${#1} -le 3 ] && [ "$1" -le 255 ]
}

# A UCI list (or one option with space- or comma-separated items) of IPv4 networks
# (a.b.c.d or a.b.c.d/len), printed comma-separated.
check_networks() {
	result=
	for item in $(printf '%s' "$2" | tr ',' ' '); do
		address=${item%/*}
		length=32
		case $item in
		*/*) length=${item#*/} ;;
		esac
		rest=$address.
		ok=1
		count=0
		while [ -n "$rest" ]; do
			octet=${rest%%.*}
			rest=${rest#*.}
			count=$((count + 1))
			check_octet "$octet" || ok=0
		done
		[ "$count" -eq 4 ] || ok=0
		case $length in
		'' | *[!0-9]*) ok=0 ;;
		*) if [ ${#length} -gt 2 ] || [ "$length" -gt 32 ]; then ok=0; fi ;;
		esac
		[ "$ok" -eq 1 ] || reject "$1" "$item" "is not an IPv4 network (a.b.c.d or a.b.c.d/len)"
		result=${result:+$result, }$item
	done
	printf '%s' "$result"
}

# The daemon's keys, in the order of wizfi250d.conf(5): key, then the check and its arguments.
keys='serial check_serial
state_dir check_path
runtime_dir check_path
wifi check_choice host wpa_supplicant
interface check_interface
wpa_ctrl_dir check_path
wpa_eap_method check_eap_method
wpa_eap_identity check_text
dhcp_client check_choice auto udhcpc dhcpcd dhclient
hostapd_driver check_word
log_level check_choice trace debug info warn error
firmware_version check_text
hardware_version check_text
wset_binary_ssid check_bool yes no
reboot_delay_ms check_ms 10000
data_flush check_choice timer immediate
data_stall_limit_ms check_ms 3600000
tls_trust check_choice module system
tls_check_host_name check_bool yes no
air_command check_bool on off
air_command_allow check_networks
web_server check_bool on off
web_server_port check_count 1 65535
web_server_allow check_networks
web_server_idle_timeout_s check_count 1 3600
web_server_max_connections check_count 1 64
mqtt_tls check_bool on off
mqtt_publish_qos check_count 0 2'

dir=$(dirname "$out")
mkdir -p "$dir"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
	echo "# Generated by /usr/libexec/wizfi250d/uci-to-conf.sh from /etc/config/wizfi250d."
	echo "# Do not edit: change the UCI options and run \"uci commit wizfi250d\"."
	echo "$keys" | while read -r key check args; do
		value=$(uci_value "$key")
		[ -n "$value" ] || continue
		# $args are fixed words from the table above, split on purpose.
		# shellcheck disable=SC2086
		checked=$("$check" "$key" "$value" $args) || exit 1
		printf '%s = %s\n' "$key" "$checked"
	done
} >"$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
