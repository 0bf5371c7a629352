// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "wizfi250d/wifi/access_point.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d {

// Adds the module's soft-AP mode (AT+WSET=1 / AT+WSEC=1 / AT+WJOIN, spec §2.2) to a station
// backend: in AP mode a join starts hostapd and dnsmasq on `interface` with the AP's SSID,
// channel and security and the AT+WNET address, and reports that address as the link; in
// station mode every call goes to the station backend.
std::unique_ptr<WifiBackend> make_soft_ap_backend(boost::asio::io_context& io,
                                                  std::unique_ptr<WifiBackend> station,
                                                  std::string interface,
                                                  AccessPointOptions options);

}  // namespace wizfi250d
