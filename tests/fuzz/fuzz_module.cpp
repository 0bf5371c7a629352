// SPDX-License-Identifier: Apache-2.0
// Fuzz target: raw serial bytes into a real Module (line reader, echo, parameter parser, command
// table, every handler, the payload state of AT+MCERT=W, emulated reboots), the way a host's
// UART delivers them.
//
// Input: byte 0 holds options (bit 0: the COWAY table where AT+WSET takes a binary SSID; bit 1:
// start in data mode; bit 2: over UDP rather than TCP; bit 3: the peer echoes what it gets);
// bytes 1 and 2 pick two split points; the rest is the serial stream, delivered in three reads
// with the event loop run (bounded) between them, so that commands that finish later (reboots,
// the payload of AT+MCERT=W) see the rest of the stream as the firmware would.
//
// Data mode needs a connected socket and so a link: with bit 1 the radio stand-in links with
// 127.0.0.1, AT+WJOIN and AT+SCON (DataMode=1) to a peer of the env's on 127.0.0.1 come first,
// and the stream starts in data mode (its '+++' leads to command mode and back with AT+SDATA).
// Check: in data mode, with no '+' in the stream, every byte reaches the peer in order (the
// whole packets at once; the rest when the flush timer fires, which it does not here: only
// whole packets are compared). The pump's own model is fuzz_data_pump's.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "module_env.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const bool binary_ssid_wset = (data[0] & 1u) != 0;
    const std::string_view stream(reinterpret_cast<const char*>(data + 3), size - 3);
    std::size_t first = stream.empty() ? 0 : data[1] % (stream.size() + 1);
    std::size_t second = stream.empty() ? 0 : data[2] % (stream.size() + 1);
    if (second < first) std::swap(first, second);

    const bool data_mode = (data[0] & 2u) != 0;
    wizfi250d::fuzz::ModuleEnv env(binary_ssid_wset, data_mode);
    if (data_mode && !env.enter_data_mode((data[0] & 4u) != 0, (data[0] & 8u) != 0)) {
        std::fprintf(stderr, "fuzz_module: no data mode on the loopback link\n");
        std::abort();
    }
    env.module().on_serial_input(stream.substr(0, first));
    env.settle();
    env.module().on_serial_input(stream.substr(first, second - first));
    env.settle();
    env.module().on_serial_input(stream.substr(second));
    env.settle();
    if (data_mode && (data[0] & 4u) == 0 && stream.find('+') == std::string_view::npos &&
        env.module().state() == wizfi250d::ModuleState::data) {
        // TCP: the whole packets of a stream without '+' arrived, in order.
        const std::size_t whole = stream.size() - stream.size() % 1461;
        const std::string& got = env.peer_received();
        if (got.size() < whole ||
            std::string_view(got).substr(0, whole) != stream.substr(0, whole)) {
            std::fprintf(stderr, "fuzz_module: the peer got %zu bytes, not the stream's %zu\n",
                         got.size(), whole);
            std::abort();
        }
    }
    return 0;
}
