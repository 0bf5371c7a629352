// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the web server tests (spec §2.5 AT+FWEBS) share: the daemon of loopback_options() with a
// config file that puts the web server on a port of the test's own (the module's port 80 needs
// privileges), and a check that the server answers there.

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "temp_config.hpp"
#include "web_client.hpp"

namespace wizfi250d::conformance {

class WebServerDaemon {
public:
    // web_server_port = `port` (a free one when 0), then the `extra` config lines.
    explicit WebServerDaemon(std::string_view extra = {}, std::uint16_t port = 0)
        : port_(port != 0 ? port : free_tcp_port()),
          config_("web_server_port = " + std::to_string(port_) + "\n" + std::string(extra)),
          daemon_(options(config_)) {}

    Daemon& daemon() { return daemon_; }
    std::uint16_t port() const { return port_; }

private:
    static DaemonOptions options(const TempConfig& config) {
        DaemonOptions options = loopback_options();
        options.extra_args.push_back("--config");
        options.extra_args.push_back(config.path());
        return options;
    }

    std::uint16_t port_;
    TempConfig config_;
    Daemon daemon_;
};

// Whether the web server answers on `port`: any page without a login redirects to /login.
inline ::testing::AssertionResult serves(std::uint16_t port) {
    WebClient client(port);
    HttpResult result;
    if (auto r = client.get("/", result); !r) return r;
    if (result.status != 303 || result.header("Location") != "/login")
        return ::testing::AssertionFailure() << "GET / answered " << result.status;
    return ::testing::AssertionSuccess();
}

}  // namespace wizfi250d::conformance
