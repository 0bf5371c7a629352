// SPDX-License-Identifier: Apache-2.0
#pragma once

// The station half of the daemon's Wi-Fi integration tests (research/test-environment.md §9):
//
//   ns "AP" (net_.ns_a): if_a holds the gateway address 203.0.113.1/24; what else runs there
//     (an authenticator, DHCP, echo servers) is up to the test
//   ns "STA" (net_.ns_b): wpa_supplicant -Dwired -i if_b, and the REAL daemon with
//     `wifi = wpa_supplicant` (NsDaemon, not started), driven over its pty from the root ns
//
// Every process is stopped by its PID; the namespaces go at the end (NetnsPair).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon_wifi_support.hpp"
#include "netns.hpp"

namespace wizfi250d::itest {

inline const std::string kGatewayIp = "203.0.113.1";

class StationTest : public ::testing::Test {
protected:
    // The namespaces and the gateway address. Skips when a part is missing (wpa_supplicant and
    // wpa_cli are always needed); a derived SetUp returns when IsSkipped() || HasFatalFailure().
    void set_up_namespaces(std::vector<std::string> programs);
    // wpa_supplicant in the STA namespace, and the daemon's config (`daemon_conf_extra` is
    // appended to the wpa_supplicant settings).
    void set_up_station(const std::string& daemon_conf_extra);
    // Stops the daemon (which must leave only wpa_supplicant in the STA namespace) and
    // wpa_supplicant; prints the logs when the test failed. /etc/resolv.conf must be unchanged.
    void tear_down_station();

    // Starts wpa_supplicant and waits until it answers. Derived fixtures add their settings.
    virtual void start_supplicant();
    // The log files (in d_) printed when a test fails.
    virtual std::vector<std::string> log_files() const { return {"wpas.log"}; }

    std::string wpa_cli(std::vector<std::string> args) const;
    std::string sta_addresses() const;

    TempDir dir_;
    std::string d_;
    NetnsPair net_;
    bool ready_ = false;
    std::string ap_, sta_, sta_mac_;
    std::string resolv_conf_before_;
    Process supplicant_;
    std::unique_ptr<NsDaemon> daemon_;

private:
    std::string pid_list(const std::vector<pid_t>& pids) const;
};

}  // namespace wizfi250d::itest
