// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the wpa_supplicant control-interface parser (wpa_control.hpp, "the parser"):
// one datagram as wpa_supplicant (or anything else that can write to the daemon's client
// socket) sends it, through every function that reads replies and events, and the log
// redaction.
//
// Checks (a failed one aborts):
//   - parse_message's views point into the datagram;
//   - from_hex(to_hex(x)) == x for any bytes; to_hex is lower-case hex of twice the length;
//   - trim_reply is a prefix of the reply and has no trailing CR/LF;
//   - the value of "SET_NETWORK 0 psk <value>" never survives redact_command.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wizfi250d/wifi/wpa_control.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_wpa_parser: check failed: %s\n", what);
        std::abort();
    }
}

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    const auto* begin = whole.data();
    const auto* end = whole.data() + whole.size();
    return part.data() >= begin && part.data() + part.size() <= end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace wpa = wizfi250d::wpa;
    const std::string_view datagram(reinterpret_cast<const char*>(data), size);

    const wpa::Message message = wpa::parse_message(datagram);
    check(inside(message.ifname, datagram), "ifname points into the datagram");
    check(inside(message.name, datagram), "name points into the datagram");
    check(inside(message.text, datagram), "text points into the datagram");
    if (message.kind == wpa::Message::Kind::event) {
        for (const std::string_view key : {"id", "id_str", "ssid", "bssid", "reason", "freq",
                                           "locally_generated", "status_code", "auth_failures"}) {
            wpa::event_field(message.text, key);
        }
        wpa::redact_event(message.text);
    }

    wpa::is_ok(datagram);
    const std::string_view trimmed = wpa::trim_reply(datagram);
    check(datagram.substr(0, trimmed.size()) == trimmed, "trim_reply is a prefix");
    check(trimmed.empty() || (trimmed.back() != '\n' && trimmed.back() != '\r'),
          "trim_reply leaves no line end");

    const auto kv = wpa::parse_key_values(datagram);
    for (const std::string_view key :
         {"wpa_state", "ip_address", "ssid", "bssid", "address", "freq", "key_mgmt", "id"}) {
        wpa::find_value(kv, key);
    }
    for (const auto& line : wpa::parse_scan_results(datagram)) {
        wpa::to_hex(line.ssid);
    }
    wpa::parse_list_networks(datagram);
    wpa::decode_text(datagram);

    const std::string hex = wpa::to_hex(datagram);
    check(hex.size() == 2 * datagram.size(), "to_hex doubles the length");
    for (const char c : hex)
        check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), "to_hex is lower-case hex");
    const auto back = wpa::from_hex(hex);
    check(back.has_value() && *back == datagram, "from_hex(to_hex(x)) == x");
    wpa::from_hex(datagram);

    // Redaction: whatever follows "SET_NETWORK <id> psk " is hidden, whatever it holds.
    const std::string redacted = wpa::redact_command(datagram);
    constexpr std::string_view secret_marker = "SET_NETWORK 0 psk ";
    if (datagram.substr(0, secret_marker.size()) == secret_marker) {
        check(redacted == std::string(secret_marker) + "[hidden]",
              "redact_command hides a SET_NETWORK psk value");
    }
    return 0;
}
