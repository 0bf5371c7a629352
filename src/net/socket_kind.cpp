// SPDX-License-Identifier: Apache-2.0
#include <cctype>

#include "wizfi250d/net/socket.hpp"

namespace wizfi250d {

std::string SocketKind::code() const {
    std::string text;
    text += transport == Transport::tcp ? 'T' : 'U';
    text += role == Role::server ? 'S' : 'C';
    text += tls ? 'S' : 'N';
    return text;
}

std::optional<SocketKind> SocketKind::parse(std::string_view text) {
    if (text.size() != 3) return std::nullopt;
    const auto upper = [&](std::size_t i) {
        return static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    };
    SocketKind kind;
    switch (upper(0)) {
        case 'T':
            kind.transport = Transport::tcp;
            break;
        case 'U':
            kind.transport = Transport::udp;
            break;
        default:
            return std::nullopt;
    }
    switch (upper(1)) {
        case 'S':
            kind.role = Role::server;
            break;
        case 'C':
            kind.role = Role::client;
            break;
        default:
            return std::nullopt;
    }
    switch (upper(2)) {
        case 'N':
            kind.tls = false;
            break;
        case 'S':
            kind.tls = true;
            break;
        default:
            return std::nullopt;
    }
    // Q11 fixed: the module accepts USS/UCS but gives them no TLS.
    if (kind.tls && kind.transport == Transport::udp) return std::nullopt;
    return kind;
}

}  // namespace wizfi250d
