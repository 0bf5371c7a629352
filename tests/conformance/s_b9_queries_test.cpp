// SPDX-License-Identifier: Apache-2.0
// Appendix B9: every query at factory defaults, byte-exact (echo on, MMSG=2, factory formats).
// One daemon per query, fresh state directory, no --config: nothing but factory values.

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(AppendixB9, WsetQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WSET=?\r   M< AT+WSET=?\r\n0,WizFiAP,00:00:00:00:00:00,6\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WSET=?", "0,WizFiAP,00:00:00:00:00:00,6\r\n[OK]\r\n"));
}

TEST(AppendixB9, WsecQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WSEC=?\r   M< AT+WSEC=?\r\n0,WPA2,12345678\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WSEC=?", "0,WPA2,12345678\r\n[OK]\r\n"));
}

TEST(AppendixB9, WnetQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WNET=?\r   M< AT+WNET=?\r\n1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
}

TEST(AppendixB9, WregQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WREG=?\r   M< AT+WREG=?\r\nAU\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WREG=?", "AU\r\n[OK]\r\n"));
}

TEST(AppendixB9, SconQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+SCON=?\r   M< AT+SCON=?\r\nO,TSN,,0,5000,1\r\n[OK]\r\n   (empty remote IP, data mode 1)
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,,0,5000,1\r\n[OK]\r\n"));
}

TEST(AppendixB9, SformQueryHasNoCrlfBeforeOk) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // Q1 (copied): H> AT+SFORM=?\r   M< AT+SFORM=?\r\n111111111,7b,2c,7d,0d,0a[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=?", "111111111,7b,2c,7d,0d,0a[OK]\r\n"));
}

TEST(AppendixB9, MmsgQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
}

TEST(AppendixB9, MechoQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MECHO=?\r   M< AT+MECHO=?\r\n1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO=?", "1\r\n[OK]\r\n"));
}

TEST(AppendixB9, UsetQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+USET=?\r   M< AT+USET=?\r\n115200,N,8,1,N\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+USET=?", "115200,N,8,1,N\r\n[OK]\r\n"));
}

TEST(AppendixB9, MevtformQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MEVTFORM=?\r   M< AT+MEVTFORM=?\r\n1111111111\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTFORM=?", "1111111111\r\n[OK]\r\n"));
}

TEST(AppendixB9, FsockQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FSOCK=?\r   M< AT+FSOCK=?\r\n5000,5000,5,100,0,0,0,0\r\n[OK]\r\n   (option 9 not shown)
    ASSERT_TRUE(d.transact("AT+FSOCK=?", "5000,5000,5,100,0,0,0,0\r\n[OK]\r\n"));
}

TEST(AppendixB9, FwebsQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FWEBS=?\r   M< AT+FWEBS=?\r\n0,M\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+FWEBS=?", "0,M\r\n[OK]\r\n"));
}

TEST(AppendixB9, WadnsQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WADNS=?\r   M< AT+WADNS=?\r\n,\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WADNS=?", ",\r\n[OK]\r\n"));
}

TEST(AppendixB9, Minfo) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MINFO\r   M< AT+MINFO\r\nFW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("AT+MINFO", "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n"));
}

TEST(AppendixB9, SmgmtQuery) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+SMGMT=?\r
    // M< AT+SMGMT=?\r\nNumber of Sockets : 0 (SCID/Mode/Remote/Local/DataMode)\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?",
                           "Number of Sockets : 0 (SCID/Mode/Remote/Local/DataMode)\r\n[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
