// SPDX-License-Identifier: Apache-2.0
// Spec §1.7 (message levels, AT+MMSG). Every test starts a fresh daemon at factory settings.
//
// At level 1 the final codes are hidden. Output is ordered, so "the next bytes after an echo
// are the echo of the next command" proves that nothing was printed in between; a silence check
// is needed only after the last command.

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(Spec1_7, DefaultLevelIsTwo) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
}

TEST(Spec1_7, LevelOneHidesOkIncludingTheOkOfMmsgItself) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // The level is changed before the final code is printed, so even this [OK] is hidden:
    // H> AT+MMSG=1\r   M< AT+MMSG=1\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // H> AT\r          M< AT\r\n
    ASSERT_TRUE(d.transact("AT", ""));
    // H> AT+MECHO=1\r  M< AT+MECHO=1\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=1", ""));
    // Query output is RSP class (shown), its [OK] is not:
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n1\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "1\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_7, LevelOneHidesInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // H> AT+FOO\r      M< AT+FOO\r\n
    ASSERT_TRUE(d.transact("AT+FOO", ""));
    // H> HELLO\r       M< HELLO\r\n
    ASSERT_TRUE(d.transact("HELLO", ""));
    // H> AT+MMSG=7\r   M< AT+MMSG=7\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=7", ""));
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n1\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "1\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_7, LevelOneHidesEveryOtherErrorCode) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // At level 2 these commands give the four other error codes (§1.6, no Wi-Fi link at boot):
    // H> AT+SMGMT=x\r                       M< ...\r\n[ERROR: INVALID SCID]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=x", "[ERROR: INVALID SCID]\r\n"));
    // H> AT+SDATA\r                         M< ...\r\n[ERROR: Mode Status]\r\n
    ASSERT_TRUE(d.transact("AT+SDATA", "[ERROR: Mode Status]\r\n"));
    // H> AT+SCON=O,TCN,127.0.0.1,5000,,0\r  M< ...\r\n[ERROR: WiFi Status]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1,5000,,0", "[ERROR: WiFi Status]\r\n"));
    // H> AT+MWIFIPS=1\r                     M< ...\r\n[ERROR]\r\n   (no STA link)
    ASSERT_TRUE(d.transact("AT+MWIFIPS=1", "[ERROR]\r\n"));

    // At level 1 the same commands give only their echo.
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    ASSERT_TRUE(d.transact("AT+SMGMT=x", ""));
    ASSERT_TRUE(d.transact("AT+SDATA", ""));
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1,5000,,0", ""));
    ASSERT_TRUE(d.transact("AT+MWIFIPS=1", ""));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "1\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_7, LevelOneKeepsQueryOutput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // H> AT+MINFO\r    M< AT+MINFO\r\nFW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n
    ASSERT_TRUE(d.transact("AT+MINFO", kMinfoOutput));
    // H> AT+MECHO=?\r  M< AT+MECHO=?\r\n1\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=?", "1\r\n"));
    // H> AT+SFORM=?\r  M< AT+SFORM=?\r\n111111111,7b,2c,7d,0d,0a   (no CRLF, Q1; no [OK])
    ASSERT_TRUE(d.transact("AT+SFORM=?", "111111111,7b,2c,7d,0d,0a"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_7, SettingLevelTwoFromLevelOnePrintsOk) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // The new level applies to this command's own final code:
    // H> AT+MMSG=2\r   M< AT+MMSG=2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=2", "[OK]\r\n"));
    // H> AT+FOO\r      M< AT+FOO\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FOO", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_7, LevelThreeIsAcceptedAndKeepsFinalCodes) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=3\r   M< AT+MMSG=3\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n3\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
    // H> AT\r          M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_7, MmsgRejectsInvalidValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=0\r    M< AT+MMSG=0\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG=4\r    M< AT+MMSG=4\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=4", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG=\r     M< AT+MMSG=\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG=a\r    M< AT+MMSG=a\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=a", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG=-1\r   M< AT+MMSG=-1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=-1", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG=1x\r   M< AT+MMSG=1x\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=1x", "[ERROR: INVALID INPUT]\r\n"));
    // Unchanged: H> AT+MMSG=?\r   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
}

TEST(Spec1_7, LevelIsRamOnlyAndLostAtReset) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    // H> AT+MRESET\r   M< AT+MRESET\r\n[OK]\r\n   then the banner
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
