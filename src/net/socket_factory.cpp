// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/net/socket.hpp"

namespace wizfi250d {

std::shared_ptr<Socket> make_udp_socket(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context);
std::shared_ptr<Socket> make_tcp_client(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context);
std::shared_ptr<Socket> make_tcp_server(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context);

std::shared_ptr<Socket> make_socket(unsigned cid, const SocketSpec& spec,
                                    const SocketContext& context) {
    if (spec.kind.transport == Transport::udp) return make_udp_socket(cid, spec, context);
    if (spec.kind.role == Role::server) return make_tcp_server(cid, spec, context);
    return make_tcp_client(cid, spec, context);
}

}  // namespace wizfi250d
