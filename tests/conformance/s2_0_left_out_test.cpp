// SPDX-License-Identifier: Apache-2.0
// Spec §2.0: commands marked X ("leave out": answer as for an unknown command) and commands
// that do not exist in WizFi250 firmware 1.0.5.2. All answer [ERROR: INVALID INPUT].

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

// ---- marked X in the master list ---------------------------------------------------------------

TEST(Spec2_0, Mext1SetIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEXT1=1,2\r   M< AT+MEXT1=1,2\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEXT1=1,2", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, Mext1QueryIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEXT1=?\r   M< AT+MEXT1=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MEXT1=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, GmmpsetIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+GMMPSET=?\r   M< AT+GMMPSET=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+GMMPSET=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, GmmpdataIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+GMMPDATA=1,hello\r   M< AT+GMMPDATA=1,hello\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+GMMPDATA=1,hello", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, GmmpoptIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+GMMPOPT=?\r   M< AT+GMMPOPT=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+GMMPOPT=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, CowayaIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+COWAYA=?\r   M< AT+COWAYA=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+COWAYA=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, Fs2webIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FS2WEB=1\r   M< AT+FS2WEB=1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FS2WEB=1", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, SmodeIsLeftOut) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+SMODE=1\r   M< AT+SMODE=1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SMODE=1", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- commands that do not exist in WizFi250 firmware ------------------------------------------

TEST(Spec2_0, Ate0DoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> ATE0\r   M< ATE0\r\n[ERROR: INVALID INPUT]\r\n   (echo stays on: use AT+MECHO)
    ASSERT_TRUE(d.transact("ATE0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_0, Ate1DoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> ATE1\r   M< ATE1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("ATE1", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, AtoDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> ATO\r   M< ATO\r\n[ERROR: INVALID INPUT]\r\n   (a WizFi210/220 command)
    ASSERT_TRUE(d.transact("ATO", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, WrssiDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WRSSI\r   M< AT+WRSSI\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+WRSSI", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, Wp2pWithoutSuffixDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WP2P\r   M< AT+WP2P\r\n[ERROR: INVALID INPUT]\r\n   (only the _START/... forms exist)
    ASSERT_TRUE(d.transact("AT+WP2P", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, SoptDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+SOPT=1\r   M< AT+SOPT=1\r\n[ERROR: INVALID INPUT]\r\n   (WizFi310; here only SOPT1/2)
    ASSERT_TRUE(d.transact("AT+SOPT=1", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, MupgradeDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MUPGRADE\r   M< AT+MUPGRADE\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MUPGRADE", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, MmystatDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMYSTAT\r   M< AT+MMYSTAT\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMYSTAT", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, McwmpprofDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MCWMPPROF=?\r   M< AT+MCWMPPROF=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MCWMPPROF=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, FsntpDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FSNTP=?\r   M< AT+FSNTP=?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FSNTP=?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, FgetipDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FGETIP\r   M< AT+FGETIP\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FGETIP", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_0, FwpsDoesNotExist) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FWPS=0\r   M< AT+FWPS=0\r\n[ERROR: INVALID INPUT]\r\n   (in an early, disabled table)
    ASSERT_TRUE(d.transact("AT+FWPS=0", "[ERROR: INVALID INPUT]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
