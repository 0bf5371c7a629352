// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d::test {

// A stand-in for the radio (named as such, design "Test rules"): no link ever comes up, scans
// and WPS fail at once. Nothing it does touches the network. For unit tests and fuzz targets
// that run a real Module without Wi-Fi; the base of the loopback stand-in.
class NoLinkBackend : public WifiBackend {
public:
    void join(const Profile& /*profile*/, JoinReporter /*reporter*/, JoinDone done) override {
        done(std::nullopt);
    }
    std::chrono::milliseconds join_time_limit() const override { return {}; }
    void leave() override {}
    void scan(const ScanFilter& /*filter*/, ScanDone done) override { done(std::nullopt); }
    void wps(const std::string& /*pin*/, WpsDone done) override { done(std::nullopt); }
    RadioStatus status() const override { return {}; }
    void on_link_lost(LinkLost /*callback*/) override {}
    std::string_view name() const override { return "no-link stand-in"; }
};

}  // namespace wizfi250d::test
