// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

// The web configuration server's daemon settings (web_server* keys of the daemon config). The
// module's own settings (AT+FWEBS type, AT+FWEBM, AT+MCWUI) live in the profile.
struct WebServerPolicy {
    // off: AT+FWEBS=1 answers [ERROR] and nothing ever listens.
    bool enabled = true;
    // The module serves on port 80; ports below 1024 need CAP_NET_BIND_SERVICE.
    std::uint16_t port = 80;
    // Client networks allowed; empty: any client that reaches the link address.
    std::vector<Ipv4Network> allowed;
    // A request must arrive (and a response leave) within this time, else the connection closes.
    std::chrono::seconds idle_timeout{30};
    // Connections served at once; more wait in the kernel's accept queue.
    std::size_t max_connections = 8;
};

}  // namespace wizfi250d
