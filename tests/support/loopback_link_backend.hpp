// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "no_link_backend.hpp"

namespace wizfi250d::test {

// A stand-in for the radio (named as such, design "Test rules") that links at once with the
// loopback address, so sockets reach peers on 127.0.0.1 and nowhere else. Scans and WPS fail.
class LoopbackLinkBackend final : public NoLinkBackend {
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
    std::string_view name() const override { return "loopback stand-in"; }
};

}  // namespace wizfi250d::test
