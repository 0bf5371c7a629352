// SPDX-License-Identifier: Apache-2.0
// make_wpa_supplicant_backend() with the daemon's own IpConfigurator. A translation unit of its
// own, so that programs passing their own configurator (the unit tests) do not need it.

#include "wizfi250d/wifi/ip_config.hpp"
#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

namespace wizfi250d {

std::unique_ptr<WifiBackend> make_wpa_supplicant_backend(boost::asio::io_context& io,
                                                         WpaBackendOptions options) {
    auto ip = make_ip_configurator(io, options.ip);
    return make_wpa_supplicant_backend(io, std::move(options), std::move(ip));
}

}  // namespace wizfi250d
