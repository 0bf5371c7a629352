// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

// Who may send Air commands (daemon config: air_command, air_command_allow).
struct AirCommandPolicy {
    bool enabled = true;
    // Client networks allowed; empty: any client on the link.
    std::vector<Ipv4Network> allowed;
};

// The Air command server (spec §6): AT commands over TCP or UDP. A request is one TCP segment or
// UDP datagram that starts with "WizFi250AirCmd:" and ends in CR; anything else is ignored.
// The commands' output comes back as one reply. Beyond the module: the server listens only on
// the link's own address, and the policy can turn it off or restrict its clients.
class AirCommandServer {
public:
    // Runs the commands (the text after the prefix) and calls reply with their output, or never
    // (a reboot).
    using Executor =
        std::function<void(std::string commands, std::function<void(std::string)> reply)>;

    static constexpr std::string_view prefix = "WizFi250AirCmd:";

    virtual ~AirCommandServer() = default;
    virtual std::uint16_t port() const = 0;
};

// nullptr when the server cannot listen (logged).
std::unique_ptr<AirCommandServer> start_air_command_server(boost::asio::io_context& io, bool tcp,
                                                           const Ipv4& address, std::uint16_t port,
                                                           AirCommandPolicy policy,
                                                           AirCommandServer::Executor executor);

// Whether bytes are a request, and the commands in it.
std::optional<std::string> air_command_request(std::string_view bytes);

}  // namespace wizfi250d
