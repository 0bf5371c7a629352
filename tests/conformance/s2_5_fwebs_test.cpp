// SPDX-License-Identifier: Apache-2.0
// Spec §2.5 AT+FWEBS / AT+FWEBM, §2.2 AT+WLEAVE, §5.3 step 8, §7 (FUNCTION button): the web
// server's AT side, byte for byte. The server listens on the link address only (127.0.0.1 with
// --interface lo) and on the daemon config's web_server_port (a free port here; the module's
// port 80 needs privileges).

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "web_daemon.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(Spec2_5_Fwebs, FactoryQueryIsStoppedManual) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // Appendix B: AT+FWEBS=? → 0,M
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBM=?", "1111111\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fwebs, StartWithoutLinkIsOkAndNothingListens) {
    WebServerDaemon web;
    Daemon& d = web.daemon();
    ASSERT_TRUE(d.start());
    // "1 starts the configuration web server if the link is up (otherwise [OK], no action)"
    ASSERT_TRUE(d.transact("AT+FWEBS=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
    TcpConnection probe;
    ASSERT_TRUE(probe.expect_refused(web.port()));
}

TEST(Spec2_5_Fwebs, StartWithLinkServesOnTheLinkAddressAndStopEndsIt) {
    WebServerDaemon web;
    Daemon& d = web.daemon();
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "1,M\r\n[OK]\r\n"));
    ASSERT_TRUE(serves(web.port()));
    // The profile dump shows the live running state (spec §2.4 dump, +FWEBS line).
    std::string dump;
    ASSERT_TRUE(d.send("AT+MPROF=VG\r"));
    ASSERT_TRUE(d.read_until("[OK]\r\n", dump));
    EXPECT_NE(dump.find("+FWEBS=1,M\r\n"), std::string::npos) << escape_bytes(dump, true);
    ASSERT_TRUE(d.transact("AT+FWEBS=0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
    TcpConnection probe;
    ASSERT_TRUE(probe.expect_refused(web.port()));
}

TEST(Spec2_5_Fwebs, TypeAStartsAtEveryLinkUpAndWleaveStopsIt) {
    WebServerDaemon web;
    Daemon& d = web.daemon();
    ASSERT_TRUE(d.start());
    // The type is stored without a link; nothing starts yet.
    ASSERT_TRUE(d.transact("AT+FWEBS=0,A", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,A\r\n[OK]\r\n"));
    // Spec §5.3 step 8: at link-up (after WJOIN's [OK]) an A type starts the server.
    ASSERT_TRUE(join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "1,A\r\n[OK]\r\n"));
    ASSERT_TRUE(serves(web.port()));
    // Spec §2.2: AT+WLEAVE stops the web server.
    ASSERT_TRUE(d.transact("AT+WLEAVE", "\r\n[Link-Down Event]\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,A\r\n[OK]\r\n"));
    TcpConnection probe;
    ASSERT_TRUE(probe.expect_refused(web.port()));
    // And the next link-up starts it again.
    ASSERT_TRUE(join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "1,A\r\n[OK]\r\n"));
    ASSERT_TRUE(serves(web.port()));
    // M: manual again; the running server keeps running.
    ASSERT_TRUE(d.transact("AT+FWEBS=1,m", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "1,M\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fwebs, TurnedOffInTheDaemonConfigAnswersError) {
    WebServerDaemon web("web_server = off\n");
    Daemon& d = web.daemon();
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=1", kError));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
    // An A type does not start it at link-up either.
    ASSERT_TRUE(d.transact("AT+FWEBS=0,A", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WLEAVE", "\r\n[Link-Down Event]\r\n[OK]\r\n"));
    ASSERT_TRUE(join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,A\r\n[OK]\r\n"));
    TcpConnection probe;
    ASSERT_TRUE(probe.expect_refused(web.port()));
}

TEST(Spec2_5_Fwebs, BadParametersAreInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    for (const char* bad :
         {"AT+FWEBS=2", "AT+FWEBS=", "AT+FWEBS=1,X", "AT+FWEBS=x,A", "AT+FWEBS=1,AM",
          "AT+FWEBM=111111", "AT+FWEBM=11111111", "AT+FWEBM=11a1111"})
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    // Nothing changed.
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBM=?", "1111111\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBM=1011111", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FWEBM=?", "1011111\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fwebs, StartOnATakenPortAnswersError) {
    TcpServer squatter;
    ASSERT_TRUE(squatter.listen());
    WebServerDaemon web({}, squatter.port());
    Daemon& d = web.daemon();
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FWEBS=1", kError));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
}

TEST(Spec7_FunctionButton, FwebsFRebootsIntoApModeWithWebAndAirCommand) {
    WebServerDaemon web;
    Daemon& d = web.daemon();
    ASSERT_TRUE(d.start());
    // §3.1: the FUNCTION-button path prints its RSP line, then [OK], then reboots (§7).
    ASSERT_TRUE(d.transact("AT+FWEBS=1,F", "Set AP Mode & Web Server Launch\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // The AP starts at once (no Joining lines in AP mode, §2.2 WJOIN).
    ASSERT_TRUE(
        d.expect("\r\n[Link-Up Event]\r\n  IP Addr    : 127.0.0.1\r\n"
                 "  Gateway    : 0.0.0.0\r\n",
                 kBootTimeout));
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "1,M\r\n[OK]\r\n"));
    // §6: "sets and starts O,T,50001,1 by itself".
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "O,T,50001,1\r\n[OK]\r\n"));
    // §7: AP SSID WizFi250_AP_<MAC hex>, key 123456789, IP 192.168.12.1/24, saved.
    ASSERT_TRUE(
        d.transact("AT+WSET=?", "1,WizFi250_AP_0008DC000000,00:00:00:00:00:00,1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WSEC=?", "1,WPA2,123456789\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WNET=?", "0,192.168.12.1,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
    ASSERT_TRUE(serves(web.port()));
}

}  // namespace
}  // namespace wizfi250d::conformance
