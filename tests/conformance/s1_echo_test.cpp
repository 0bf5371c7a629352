// SPDX-License-Identifier: Apache-2.0
// Spec §1.3 (echo) and AT+MECHO (§2.4). Every test starts a fresh daemon at factory settings.

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(Spec1_3, EchoIsOnByDefault) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MECHO=?\r   M< AT+MECHO=?\r\n1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=?", "1\r\n[OK]\r\n"));
}

TEST(Spec1_3, EachByteIsEchoedAsItArrivesBeforeTheCr) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MI   M< AT+MI   (no CR yet)
    ASSERT_TRUE(d.send("AT+MI"));
    ASSERT_TRUE(d.expect("AT+MI"));
    // H> NFO     M< NFO
    ASSERT_TRUE(d.send("NFO"));
    ASSERT_TRUE(d.expect("NFO"));
    // H> \r      M< \r\n<MINFO output>[OK]\r\n
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect("\r\n" + std::string(kMinfoOutput) + "[OK]\r\n"));
}

TEST(Spec1_3, CrIsEchoedAsCrlf) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT     M< AT
    ASSERT_TRUE(d.send("AT"));
    ASSERT_TRUE(d.expect("AT"));
    // H> \r     M< \r\n[OK]\r\n   (the response starts after the echoed CRLF)
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect("\r\n[OK]\r\n"));
}

TEST(Spec1_3, LfIsNotEchoed) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> \n\n\n   M< (nothing)
    ASSERT_TRUE(d.send("\n\n\n"));
    ASSERT_TRUE(d.expect_nothing());
    // H> AT\r     M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_3, MechoZeroTurnsEchoOffAtOnce) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // The line that turns echo off is itself echoed (echo comes before processing):
    // H> AT+MECHO=0\r   M< AT+MECHO=0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT\r           M< [OK]\r\n
    ASSERT_TRUE(d.send("AT\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    // H> AT+FOO\r       M< [ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.send("AT+FOO\r"));
    ASSERT_TRUE(d.expect("[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_3, EchoOffEmptyLineGivesNothing) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> \r   M< (nothing: no echo, no response)
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_3, EchoOffPartialLineGivesNothing) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MINFO   M< (nothing until the CR)
    ASSERT_TRUE(d.send("AT+MINFO"));
    ASSERT_TRUE(d.expect_nothing());
    // H> \r         M< <MINFO output>[OK]\r\n
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect(std::string(kMinfoOutput) + "[OK]\r\n"));
}

TEST(Spec1_3, EchoOffQueryShowsZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MECHO=?\r   M< 0\r\n[OK]\r\n
    ASSERT_TRUE(d.send("AT+MECHO=?\r"));
    ASSERT_TRUE(d.expect("0\r\n[OK]\r\n"));
}

TEST(Spec1_3, MechoOneTurnsEchoBackOn) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // The line that turns echo on arrives while echo is off, so it is not echoed:
    // H> AT+MECHO=1\r   M< [OK]\r\n
    ASSERT_TRUE(d.send("AT+MECHO=1\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    // H> AT\r           M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_3, MechoRejectsInvalidValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MECHO=2\r    M< AT+MECHO=2\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=2", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MECHO=\r     M< AT+MECHO=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MECHO=x\r    M< AT+MECHO=x\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=x", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MECHO=-1\r   M< AT+MECHO=-1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=-1", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MECHO\r      M< AT+MECHO\r\n[ERROR: INVALID INPUT]\r\n   (the entry needs "=")
    ASSERT_TRUE(d.transact("AT+MECHO", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MECHO=?\r   M< AT+MECHO=?\r\n1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=?", "1\r\n[OK]\r\n"));
}

TEST(Spec1_3, EchoSettingIsRamOnlyAndLostAtReset) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MRESET\r   M< [OK]\r\n   then the banner
    ASSERT_TRUE(d.send("AT+MRESET\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // Echo is on again: H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_3, EchoOffSavedWithMprofSurvivesReset) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MECHO=0", "[OK]\r\n"));
    // H> AT+MPROF=S\r   M< [OK]\r\n
    ASSERT_TRUE(d.send("AT+MPROF=S\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    // H> AT+MRESET\r    M< [OK]\r\n   then the banner
    ASSERT_TRUE(d.send("AT+MRESET\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // Still off: H> AT\r   M< [OK]\r\n
    ASSERT_TRUE(d.send("AT\r"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
}

TEST(Spec1_3, EchoIsNotFilteredByMessageLevel) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=1\r   M< AT+MMSG=1\r\n   ([OK] hidden at level 1, the echo is not)
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // H> AT+MINFO\r    M< AT+MINFO\r\n<MINFO output>   (query output is RSP class: shown)
    ASSERT_TRUE(d.transact("AT+MINFO", kMinfoOutput));
    ASSERT_TRUE(d.expect_nothing());
}

}  // namespace
}  // namespace wizfi250d::conformance
