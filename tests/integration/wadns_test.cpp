// SPDX-License-Identifier: Apache-2.0
// AT+WADNS on a live link (spec §2.2 WADNS "Applied to the resolver at once. RAM only.", WNET
// "DHCP on: DNS = the server given by DHCP, plus 8.8.8.8"), end to end through AT+FDNS with the
// REAL daemon (`wifi = wpa_supplicant`, open network, DHCP) in a network namespace. The
// namespaces, wpa_supplicant and the daemon's config come from station_fixture.hpp.
//
//   root ns: this test drives the daemon's pty
//
//   ns "AP" (net_.ns_a), if_a holds three addresses, one dnsmasq on each (DNS answers differ):
//     203.0.113.1  DHCP 203.0.113.100 only, router and DNS 203.0.113.1
//                  wadns.test -> .11, first-only.test -> .21
//     203.0.113.2  wadns.test -> .12, second-only.test -> .22
//     203.0.113.3  wadns.test -> .13
//     Every other name is NXDOMAIN (--local=/#/); nothing is forwarded anywhere.
//     203.0.113.4 is nobody: a name server that never answers.
//   ns "STA" (net_.ns_b): wpa_supplicant -Dwired -i if_b (key_mgmt=NONE connects at once) and
//     wizfi250d, which runs its own DHCP client
//          if_a 203.0.113.1/24  <====== veth ======>  if_b
//
// The daemon's queries stay in the test's namespaces: its name servers are 203.0.113.x addresses
// of the AP namespace, and a query to the 8.8.8.8 a DHCP link adds (asked only after the DHCP
// server failed, which it never does here) would end in the AP namespace, which has no route
// beyond 203.0.113.0/24. Every process is stopped by its PID; the namespaces go at the end.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "daemon_wifi_support.hpp"
#include "netns.hpp"
#include "station_fixture.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

const std::string kSsid = "TestAP";
const std::string& kDhcpServer = itest::kGatewayIp;  // also the first name server
const std::string kSecondServer = "203.0.113.2";
const std::string kThirdServer = "203.0.113.3";
const std::string kSilentServer = "203.0.113.4";
const std::string kLeasedIp = "203.0.113.100";  // the DHCP range's only address

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

class DaemonWadns : public itest::StationTest {
protected:
    void SetUp() override {
        set_up_namespaces({"dnsmasq", "udhcpc", "ss"});
        if (IsSkipped() || HasFatalFailure()) return;
        for (const std::string& extra : {kSecondServer, kThirdServer}) {
            const auto added = net_.ip(ap_, {"addr", "add", extra + "/24", "dev", net_.if_a()});
            ASSERT_EQ(added.exit_code, 0) << added.output;
        }

        // Each dnsmasq binds only its own address (--listen-address with --bind-interfaces), so
        // the three run side by side on if_a; the first also serves DHCP there.
        start_dnsmasq(
            dns1_, "dns1", kDhcpServer,
            {"--dhcp-authoritative",
             "--dhcp-range=" + kLeasedIp + "," + kLeasedIp + ",255.255.255.0,2m",
             "--dhcp-option=option:router," + kDhcpServer,
             "--dhcp-option=option:dns-server," + kDhcpServer, "--dhcp-leasefile=" + d_ + "/leases",
             "--log-dhcp", "--host-record=wadns.test,203.0.113.11",
             "--host-record=first-only.test,203.0.113.21"});
        start_dnsmasq(dns2_, "dns2", kSecondServer,
                      {"--host-record=wadns.test,203.0.113.12",
                       "--host-record=second-only.test,203.0.113.22"});
        start_dnsmasq(dns3_, "dns3", kThirdServer, {"--host-record=wadns.test,203.0.113.13"});
        if (HasFatalFailure()) return;
        ASSERT_TRUE(itest::eventually(
            [&] {
                const auto udp = itest::run({"ip", "netns", "exec", ap_, "ss", "-Huln"}).output;
                return udp.find(kDhcpServer + ":53 ") != std::string::npos &&
                       udp.find(kSecondServer + ":53 ") != std::string::npos &&
                       udp.find(kThirdServer + ":53 ") != std::string::npos &&
                       udp.find(":67 ") != std::string::npos;
            },
            5s))
            << "a dnsmasq does not listen\n"
            << itest::run({"ip", "netns", "exec", ap_, "ss", "-Huln"}).output
            << itest::read_file(d_ + "/dns1.out") << itest::read_file(d_ + "/dns2.out")
            << itest::read_file(d_ + "/dns3.out");

        set_up_station("");
    }

    void TearDown() override {
        tear_down_station();
        dns3_.stop();
        dns2_.stop();
        dns1_.stop();
    }

    std::vector<std::string> log_files() const override {
        return {"wpas.log", "dns1.log", "dns2.log", "dns3.log", "leases"};
    }

    void start_dnsmasq(itest::Process& process, const std::string& name, const std::string& address,
                       const std::vector<std::string>& extra) {
        std::vector<std::string> argv = itest::dnsmasq_base_command(ap_);
        argv.insert(argv.end(),
                    {"--listen-address=" + address, "--bind-interfaces", "--except-interface=lo",
                     "--no-ping", "--pid-file=" + d_ + "/" + name + ".pid",
                     "--log-facility=" + d_ + "/" + name + ".log", "--log-queries"});
        argv.insert(argv.end(), extra.begin(), extra.end());
        ASSERT_TRUE(process.start(argv, d_ + "/" + name + ".out"));
    }

    // The open network with DHCP, then AT+WJOIN: the whole output, byte for byte.
    void join() {
        ASSERT_TRUE(daemon_->transact("AT+WSET=0," + kSsid, "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WSEC=0,OPEN", "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WNET=1", "[OK]\r\n"));
        rejoin();
    }

    void rejoin() {
        ASSERT_TRUE(daemon_->transact("AT+WJOIN",
                                      "Joining : " + kSsid + "\r\nSuccessfully joined : " + kSsid +
                                          "\r\n\r\n[Link-Up Event]\r\n  IP Addr    : " + kLeasedIp +
                                          "\r\n  Gateway    : " + kDhcpServer + "\r\n[OK]\r\n",
                                      45s));
    }

    // How often a dnsmasq logged a query for `name` from the daemon.
    std::size_t queries(const std::string& server_log, const std::string& name) const {
        return count_of(itest::read_file(d_ + "/" + server_log),
                        "query[A] " + name + " from " + kLeasedIp);
    }

    // How often the daemon asked `server` for `name` (its debug log, dns_client.cpp).
    std::size_t asked(const std::string& name, const std::string& server) const {
        return count_of(daemon_->log_text(), "dns: " + name + ": asking " + server + "\n");
    }

    itest::Process dns1_, dns2_, dns3_;
};

// Spec §2.2 WADNS on a DHCP link: the servers take over from the next lookup on, dns1 before
// dns2, and replace the DHCP server and the 8.8.8.8 the module adds.
TEST_F(DaemonWadns, AppliesToTheLiveLinkAtOnce) {
    ASSERT_TRUE(daemon_->start());
    join();
    ASSERT_FALSE(HasFailure());

    // The DHCP server's answers; the name only the second server knows is NXDOMAIN there, which
    // ends the lookup.
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.11\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=second-only.test,3000", "[ERROR]\r\n"));
    EXPECT_EQ(queries("dns1.log", "second-only.test"), 1U);
    EXPECT_EQ(queries("dns2.log", "second-only.test"), 0U);

    // WADNS with the link up: the second server answers at once, without a new join.
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kSecondServer, "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WADNS=?", kSecondServer + ",\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=second-only.test,3000", "203.0.113.22\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.12\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=first-only.test,3000", "[ERROR]\r\n"));
    EXPECT_EQ(queries("dns2.log", "second-only.test"), 1U);
    EXPECT_EQ(queries("dns1.log", "wadns.test"), 1U) << "the DHCP server was asked again";
    EXPECT_EQ(queries("dns1.log", "first-only.test"), 0U);

    // A server that never answers as the only one: the lookup times out, and neither the DHCP
    // server nor 8.8.8.8 is asked, as they would be if they were still on the list (the DNS
    // client splits its 6 s between the servers: with three or two on the list the next one
    // would be asked after 2 or 3 s, within FDNS's 5 s).
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kSilentServer, "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,5000", "[ERROR]\r\n", 8s));
    EXPECT_EQ(asked("wadns.test", kSilentServer), 1U) << itest::tail_of(daemon_->log_text());
    EXPECT_EQ(asked("wadns.test", kDhcpServer), 1U);  // before WADNS
    EXPECT_EQ(asked("wadns.test", "8.8.8.8"), 0U);
    EXPECT_EQ(queries("dns1.log", "wadns.test"), 1U);

    // Both servers: dns1 first, dns2 once dns1's share of the DNS client's time (3 s) passed
    // unanswered.
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kSilentServer + "," + kThirdServer, "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,5000", "203.0.113.13\r\n[OK]\r\n", 8s));
    EXPECT_EQ(asked("wadns.test", kSilentServer), 2U);
    // A new dns1 keeps dns2 (an absent field keeps its value); the new dns1 answers first.
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kSecondServer, "[OK]\r\n"));
    EXPECT_TRUE(
        daemon_->transact("AT+WADNS=?", kSecondServer + "," + kThirdServer + "\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.12\r\n[OK]\r\n"));
    EXPECT_EQ(queries("dns3.log", "wadns.test"), 1U);
    EXPECT_EQ(queries("dns2.log", "wadns.test"), 2U);
}

// Spec §2.2 WADNS "RAM only" and WNET: without a link the servers are only stored, and a DHCP
// join uses DHCP's server again, whatever WADNS holds; WADNS then applies at once once more.
TEST_F(DaemonWadns, WithoutALinkOnlyStores) {
    ASSERT_TRUE(daemon_->start());
    EXPECT_TRUE(daemon_->transact("AT+WADNS=?", ",\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kSecondServer, "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WADNS=?", kSecondServer + ",\r\n[OK]\r\n"));
    join();
    ASSERT_FALSE(HasFailure());
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.11\r\n[OK]\r\n"));

    // Set while the link is down: stored, and the next DHCP join starts from DHCP's server.
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE", "\r\n[Link-Down Event]\r\n[OK]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+WADNS=," + kThirdServer, "[OK]\r\n"));
    EXPECT_TRUE(
        daemon_->transact("AT+WADNS=?", kSecondServer + "," + kThirdServer + "\r\n[OK]\r\n"));
    rejoin();
    ASSERT_FALSE(HasFailure());
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.11\r\n[OK]\r\n"));
    EXPECT_EQ(queries("dns1.log", "wadns.test"), 2U);
    EXPECT_EQ(queries("dns2.log", "wadns.test"), 0U);

    // Set with the link up: applied at once (dns1 and dns2 are now both the third server).
    EXPECT_TRUE(daemon_->transact("AT+WADNS=" + kThirdServer, "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=wadns.test,3000", "203.0.113.13\r\n[OK]\r\n"));
    EXPECT_EQ(queries("dns1.log", "wadns.test"), 2U);
}

}  // namespace
}  // namespace wizfi250d
