// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d::test {

// A stand-in for the radio (named as such, design "Test rules") that links at once with the
// loopback address, so sockets reach peers on 127.0.0.1 and nowhere else. Scans and WPS fail.
class LoopbackLinkBackend final : public WifiBackend {
public:
    void join(const Profile& /*profile*/, JoinReporter /*reporter*/, JoinDone done) override {
        LinkInfo link;
        link.interface = "lo";
        link.ssid = "loopback";
        link.address = Ipv4::from_uint(0x7f000001);
        link.gateway = Ipv4::from_uint(0x7f000001);
        link.netmask = Ipv4::from_uint(0xff000000);
        done(link);
    }
    std::chrono::milliseconds join_time_limit() const override { return {}; }
    void leave() override {}
    void scan(const ScanFilter& /*filter*/, ScanDone done) override { done(std::nullopt); }
    void wps(const std::string& /*pin*/, WpsDone done) override { done(std::nullopt); }
    RadioStatus status() const override { return {}; }
    void on_link_lost(LinkLost /*callback*/) override {}
    std::string_view name() const override { return "loopback stand-in"; }
};

}  // namespace wizfi250d::test
