// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace wizfi250d {

// The daemon's TLS policy for TCS/TSS sockets (its config file), on top of what AT+MCERT stores.
struct TlsOptions {
    enum class Trust {
        // As on the real module: a TCS server is checked only when a root CA is stored, and then
        // against that CA only.
        module,
        // The server is always checked, against the system trust store plus the stored root CA.
        system,
    };
    Trust trust = Trust::module;
    // When the peer is checked, also check its name: the SDNAME host name, else the IP address
    // (as an IP subjectAltName).
    bool check_host_name = true;
};

}  // namespace wizfi250d
