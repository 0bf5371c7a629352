// SPDX-License-Identifier: Apache-2.0
// Fuzz target: AT+SFORM with fuzzed arguments, then the command-mode receive frame
// (Output::frame, spec §3.3) with a fuzzed CID, peer address, port and payload, written through
// the real serial link to a pty and read back on the host side.
//
// Input: the SFORM argument text up to the first CR (or the whole input), then 1 byte CID,
// 4 bytes address, 2 bytes port, and the rest is the payload.
//
// Checks (a failed one aborts):
//   - the host receives the payload unchanged, followed only by the trailer characters that are
//     on (at most 2 bytes);
//   - the header before it is at most 1 + 8 + 1 + 15 + 1 + 5 + 1 + 10 + 1 bytes and, when the
//     length field is on, holds the payload's length in decimal;
//   - AT+SFORM=? afterwards prints a value that AT+SFORM accepts again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../../src/commands/handlers.hpp"
#include "module_env.hpp"
#include "wizfi250d/at/params.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_frame: check failed: %s\n", what);
        std::abort();
    }
}

constexpr std::size_t max_header = 1 + 8 + 1 + 15 + 1 + 5 + 1 + 10 + 1;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wizfi250d;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t cr = input.find('\r');
    const std::string_view args = input.substr(0, cr);
    std::string_view rest =
        cr == std::string_view::npos ? std::string_view{} : input.substr(cr + 1);
    if (rest.size() < 7) return 0;
    const auto byte = [&rest](std::size_t i) { return static_cast<std::uint8_t>(rest[i]); };
    const unsigned cid = byte(0);
    Ipv4 ip;
    ip.octets = {byte(1), byte(2), byte(3), byte(4)};
    const auto port = static_cast<std::uint16_t>(byte(5) << 8 | byte(6));
    const std::string_view payload = rest.substr(7);
    if (payload.empty()) return 0;  // a read never delivers nothing

    fuzz::ModuleEnv env;
    Module& m = env.module();
    const ResultCode code = commands::sform(m, args);
    env.settle();
    env.output().clear();
    if (code != ResultCode::ok) return 0;

    m.output().frames(cid, ip, port, payload, payload.size());
    env.settle(4096);
    const std::string& out = env.output();
    const ReceiveFormat& form = m.profile().receive_format;
    std::size_t trailer = 0;
    if (form.on(7) && form.trailer1 != '\0') ++trailer;
    if (form.on(8) && form.trailer2 != '\0') ++trailer;
    check(out.size() >= payload.size() + trailer, "the whole frame arrived");
    const std::size_t header = out.size() - payload.size() - trailer;
    check(header <= max_header, "header length");
    check(std::string_view(out).substr(header, payload.size()) == payload, "payload unchanged");
    if (form.on(5)) {
        const std::string length = std::to_string(payload.size());
        check(std::string_view(out).substr(0, header).find(length) != std::string_view::npos,
              "the header holds the length");
    }

    // The query prints "flags,xx,xx,xx,xx,xx" (no CRLF) and [OK]: that text is valid input.
    env.output().clear();
    const ResultCode query = commands::sform(m, "?");
    check(query == ResultCode::ok, "SFORM=? answers OK");
    env.settle();
    const std::string value = env.output();
    check(commands::sform(m, value) == ResultCode::ok, "the SFORM=? value is accepted again");
    return 0;
}
