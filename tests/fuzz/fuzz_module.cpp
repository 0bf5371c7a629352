// SPDX-License-Identifier: Apache-2.0
// Fuzz target: raw serial bytes into a real Module (line reader, echo, parameter parser, command
// table, every handler, the payload state of AT+MCERT=W, emulated reboots), the way a host's
// UART delivers them.
//
// Input: byte 0 holds options (bit 0: the COWAY table where AT+WSET takes a binary SSID);
// bytes 1 and 2 pick two split points; the rest is the serial stream, delivered in three reads
// with the event loop run (bounded) between them, so that commands that finish later (reboots,
// the payload of AT+MCERT=W) see the rest of the stream as the firmware would.
//
// Data mode needs a connected socket and so a link; the Wi-Fi backend here is a stand-in that
// never links (no network from fuzzing). Data mode is fuzzed by fuzz_data_pump.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "module_env.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const bool binary_ssid_wset = (data[0] & 1u) != 0;
    const std::string_view stream(reinterpret_cast<const char*>(data + 3), size - 3);
    std::size_t first = stream.empty() ? 0 : data[1] % (stream.size() + 1);
    std::size_t second = stream.empty() ? 0 : data[2] % (stream.size() + 1);
    if (second < first) std::swap(first, second);

    wizfi250d::fuzz::ModuleEnv env(binary_ssid_wset);
    env.module().on_serial_input(stream.substr(0, first));
    env.settle();
    env.module().on_serial_input(stream.substr(first, second - first));
    env.settle();
    env.module().on_serial_input(stream.substr(second));
    env.settle();
    return 0;
}
