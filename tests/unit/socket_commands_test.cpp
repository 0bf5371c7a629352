// SPDX-License-Identifier: Apache-2.0
// Unit tests for the S group handlers (spec §2.3), called directly on a Module whose output
// goes to a pty. Until the socket layer exists no socket is open and no link can come up.

#include <gtest/gtest.h>

#include <string>

#include "command_fixture.hpp"

namespace wizfi250d::testing {
namespace {

using namespace wizfi250d::commands;

using SocketCommands = CommandTest;

TEST_F(SocketCommands, SconQueryAtFactory) {
    EXPECT_EQ(run(scon, "?"), answer("O,TSN,,0,5000,1"));
}

TEST_F(SocketCommands, SconServiceOnlyStoresTheRecord) {
    EXPECT_EQ(run(scon, "s,tsn,,,5000,0"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,TSN,0.0.0.0,0,5000,0"));
    // RAM only (spec §5.2).
    EXPECT_EQ(saved().service.open_type, "O");
}

TEST_F(SocketCommands, SconTcpServerDropsTheRemoteEnd) {
    EXPECT_EQ(run(scon, "S,TSS,10.0.0.1,80,443"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,TSS,0.0.0.0,0,443,0"));
    // The QSG example: blank fields.
    EXPECT_EQ(run(scon, "S,TSN, , ,5000,1"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,TSN,0.0.0.0,0,5000,1"));
}

TEST_F(SocketCommands, SconClients) {
    EXPECT_EQ(run(scon, "S,TCN,192.168.12.23,5000,,0"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,TCN,192.168.12.23,5000,0,0"));
    // Q12: a non-numeric local port of a client reads as 0.
    EXPECT_EQ(run(scon, "S,UCN,192.168.12.23,5000,abc,1"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,UCN,192.168.12.23,5000,0,1"));
    EXPECT_EQ(run(scon, "S,TCS,192.168.12.23,443,30001"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,TCS,192.168.12.23,443,30001,0"));
}

TEST_F(SocketCommands, SconUdpServerRemoteEndIsOptionalButPaired) {
    EXPECT_EQ(run(scon, "S,USN,,,8000,0"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,USN,0.0.0.0,0,8000,0"));
    EXPECT_EQ(run(scon, "S,USN,10.0.0.9,7000,8000,0"), ok);
    EXPECT_EQ(run(scon, "?"), answer("S,USN,10.0.0.9,7000,8000,0"));
    EXPECT_EQ(run(scon, "S,USN,10.0.0.9,,8000,0"), invalid_input);
    EXPECT_EQ(run(scon, "S,USN,,7000,8000,0"), invalid_input);
    EXPECT_EQ(run(scon, "S,USN,10.0.0.9,0,8000,0"), invalid_input);
}

TEST_F(SocketCommands, SconRejectsBadSyntax) {
    for (const char* args :
         {"", "X,TSN,,,5000", "OS,TSN,,,5000", "O", "S,TS,,,5000", "S,TSNN,,,5000", "S,XSN,,,5000",
          "S,TSN,,,5000,2", "S,TSN,,,5000,x", "S,USS,,,5000", "S,UCS,1.2.3.4,80"}) {
        EXPECT_EQ(run(scon, args), invalid_input) << args;
    }
    EXPECT_EQ(run(scon, "?"), answer("O,TSN,,0,5000,1"));
}

TEST_F(SocketCommands, SconRejectsBadEndpoints) {
    for (const char* args :
         {"S,TSN,,,0", "S,TSN,,,65536", "S,TSN", "S,TCN,,5000", "S,TCN,1.2.3.4", "S,TCN,1.2.3.4,0",
          "S,TCN,1.2.3.4,65536", "S,TCN,1.2.3.4,80,65536", "S,USN,,,0"}) {
        EXPECT_EQ(run(scon, args), invalid_input) << args;
    }
}

TEST_F(SocketCommands, SconOpenNeedsALink) {
    // Step 3 comes before the endpoint rules of step 4, and nothing is stored.
    EXPECT_EQ(run(scon, "O,TCN,192.168.12.23,5000,,0"), wifi_status);
    EXPECT_EQ(run(scon, "SO,TSN,,,5000,1"), wifi_status);
    EXPECT_EQ(run(scon, "o,TCN,,,,0"), wifi_status);
    EXPECT_EQ(run(scon, "O,USS,,,5000"), invalid_input);  // step 1
    EXPECT_EQ(run(scon, "?"), answer("O,TSN,,0,5000,1"));
}

TEST_F(SocketCommands, Smgmt) {
    EXPECT_EQ(run(smgmt, "?"), answer("Number of Sockets : 0 (SCID/Mode/Remote/Local/DataMode)"));
    EXPECT_EQ(run(smgmt, ""), ok);  // Q8
    EXPECT_EQ(run(smgmt, "ALL"), ok);
    EXPECT_EQ(run(smgmt, "all"), ok);
    EXPECT_EQ(run(smgmt, "0"), invalid_input);
    EXPECT_EQ(run(smgmt, "8"), invalid_input);
    EXPECT_EQ(run(smgmt, "x"), invalid_scid);
    EXPECT_EQ(run(smgmt, " ALL"), invalid_scid);
}

TEST_F(SocketCommands, SsendAndSdataWithoutSockets) {
    EXPECT_EQ(run(ssend, "0,,,5"), invalid_input);
    EXPECT_EQ(run(ssend, ""), invalid_input);
    EXPECT_EQ(run(sdata, ""), mode_status);
}

TEST_F(SocketCommands, SformQueryHasNoCrlf) {
    EXPECT_EQ(run(sform, "?"), "111111111,7b,2c,7d,0d,0a[OK]\r\n");  // Q1
}

TEST_F(SocketCommands, SformOmittedCharactersGoBackToFactory) {
    EXPECT_EQ(run(sform, "101010101,5B,3B,5D,0A,0D"), ok);
    EXPECT_EQ(run(sform, "?"), "101010101,5b,3b,5d,0a,0d[OK]\r\n");
    EXPECT_EQ(run(sform, "111111110,,,,,"), ok);
    EXPECT_EQ(run(sform, "?"), "111111110,7b,2c,7d,0d,0a[OK]\r\n");
    // Hex values are cut to 8 bits.
    EXPECT_EQ(run(sform, "111111111,17B"), ok);
    EXPECT_EQ(ram().receive_format.start, '{');
}

TEST_F(SocketCommands, SformRejectsBadInput) {
    for (const char* args :
         {"", "11111111", "1111111111", "11111111x", "111111111,zz", "111111111,7b,,,,g"}) {
        EXPECT_EQ(run(sform, args), invalid_input) << args;
    }
    EXPECT_EQ(run(sform, "?"), "111111111,7b,2c,7d,0d,0a[OK]\r\n");
}

TEST_F(SocketCommands, Sopt1) {
    EXPECT_EQ(run(sopt1, "10,500"), ok);
    EXPECT_EQ(ram().escape_timer_ms, 500u);
    EXPECT_EQ(run(sopt1, "10,0"), invalid_input);
    EXPECT_EQ(run(sopt1, "10,10001"), invalid_input);
    EXPECT_EQ(run(sopt1, "10"), invalid_input);
    EXPECT_EQ(run(sopt1, "x,1"), invalid_input);
    // Other options: [OK], no effect; their hex fields are not checked.
    EXPECT_EQ(run(sopt1, "31,1,zz,zz"), ok);
    EXPECT_EQ(run(sopt1, "11,0"), ok);
    EXPECT_EQ(ram().escape_timer_ms, 500u);
    EXPECT_EQ(run(sopt2, "anything"), ok);
}

TEST_F(SocketCommands, Sdname) {
    EXPECT_EQ(run(sdname, "?"), answer(""));
    EXPECT_EQ(run(sdname, "example.net"), ok);
    EXPECT_EQ(run(sdname, "?"), answer("example.net"));
    EXPECT_EQ(run(sdname, std::string(49, 'a')), ok);
    EXPECT_EQ(run(sdname, std::string(50, 'a')), invalid_input);
    EXPECT_EQ(run(sdname, ""), invalid_input);
    EXPECT_EQ(run(sdname, "\"\""), invalid_input);
}

}  // namespace
}  // namespace wizfi250d::testing
