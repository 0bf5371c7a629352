// SPDX-License-Identifier: Apache-2.0
// Spec §2.2 AT+WP2P_START / _STOP / _PEERLIST / _INVITE=<id> and §7: Wi-Fi Direct is not
// emulated, so each of the four answers [ERROR] (not [ERROR: INVALID INPUT]: the commands exist
// in the firmware's table, spec §2.0), and nothing else is printed.

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(Spec2_2_Wp2p, StartIsAnError) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WP2P_START\r   M< AT+WP2P_START\r\n[ERROR]\r\n
    ASSERT_TRUE(d.transact("AT+WP2P_START", kError));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_2_Wp2p, StopIsAnError) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WP2P_STOP", kError));
}

TEST(Spec2_2_Wp2p, PeerlistIsAnError) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // No "P2P Peers:" line before it.
    ASSERT_TRUE(d.transact("AT+WP2P_PEERLIST", kError));
}

TEST(Spec2_2_Wp2p, InviteIsAnError) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WP2P_INVITE=0", kError));
}

TEST(Spec2_2_Wp2p, LowerCaseIsTheSameCommand) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("at+wp2p_start", kError));
}

}  // namespace
}  // namespace wizfi250d::conformance
