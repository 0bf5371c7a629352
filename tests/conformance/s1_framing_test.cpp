// SPDX-License-Identifier: Apache-2.0
// Spec §1.2 (command-line input), §1.4 (command recognition) and Appendix B1.
// Every test starts a fresh daemon at factory settings: echo on, MMSG=2.

#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

using namespace std::string_literals;

// ---- Appendix B1 ------------------------------------------------------------------------------

TEST(AppendixB1, TerminalCheckUnknownCommandAndEmptyLine) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT\r                M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    // H> AT+FOO\r            M< AT+FOO\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FOO", "[ERROR: INVALID INPUT]\r\n"));
    // H> \r                  M< \r\n
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect("\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

// ---- §1.2 command-line input ------------------------------------------------------------------

TEST(Spec1_2, EmptyLineGivesOnlyTheCrlfEcho) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> \r\r\r   M< \r\n\r\n\r\n   and no response, no error
    ASSERT_TRUE(d.send("\r\r\r"));
    ASSERT_TRUE(d.expect("\r\n\r\n\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_2, CrlfFromTheHostEndsTheLineAndTheLfIsIgnored) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT\r\n   M< AT\r\n[OK]\r\n   (the LF is neither echoed nor stored)
    ASSERT_TRUE(d.send("AT\r\n"));
    ASSERT_TRUE(d.expect("AT\r\n[OK]\r\n"));
    // The LF did not start the next line: H> AT+MMSG=?\r\n   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.send("AT+MMSG=?\r\n"));
    ASSERT_TRUE(d.expect("AT+MMSG=?\r\n2\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec1_2, LfAloneDoesNotEndALine) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT\n   M< AT   (then nothing: the line is still open)
    ASSERT_TRUE(d.send("AT\n"));
    ASSERT_TRUE(d.expect("AT"));
    ASSERT_TRUE(d.expect_nothing());
    // H> \r     M< \r\n[OK]\r\n
    ASSERT_TRUE(d.send("\r"));
    ASSERT_TRUE(d.expect("\r\n[OK]\r\n"));
}

TEST(Spec1_2, LfInsideALineIsNotStored) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> A\nT\r   M< AT\r\n[OK]\r\n   (the line is "AT")
    ASSERT_TRUE(d.send("A\nT\r"));
    ASSERT_TRUE(d.expect("AT\r\n[OK]\r\n"));
}

TEST(Spec1_2, BackspaceRemovesLastCharAndIsEchoedRaw) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> ATX\x08\r   M< ATX\x08\r\n[OK]\r\n   (the line is "AT"; no "\b \b" is sent)
    ASSERT_TRUE(d.send("ATX\x08\r"));
    ASSERT_TRUE(d.expect("ATX\x08\r\n[OK]\r\n"));
}

TEST(Spec1_2, SeveralBackspacesRemoveSeveralChars) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FOO\x08\x08\x08\x08\r   M< AT+FOO\x08\x08\x08\x08\r\n[OK]\r\n   (the line is "AT")
    ASSERT_TRUE(d.send("AT+FOO\x08\x08\x08\x08\r"));
    ASSERT_TRUE(d.expect("AT+FOO\x08\x08\x08\x08\r\n[OK]\r\n"));
}

TEST(Spec1_2, BackspaceThenRetypeInsideACommandName) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MINFX\x08O\r   M< AT+MINFX\x08O\r\n + the AT+MINFO output
    ASSERT_TRUE(d.send("AT+MINFX\x08O\r"));
    ASSERT_TRUE(d.expect("AT+MINFX\x08O\r\n"s + std::string(kMinfoOutput) + "[OK]\r\n"));
}

TEST(Spec1_2, BackspaceOnAnEmptyLineIsEchoedAndIgnored) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> \x08AT\r   M< \x08AT\r\n[OK]\r\n
    ASSERT_TRUE(
        d.send("\x08"
               "AT\r"));
    ASSERT_TRUE(
        d.expect("\x08"
                 "AT\r\n[OK]\r\n"));
}

TEST(Spec1_2, CharactersBeyond255AreDroppedButEchoed) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // A 255-character line "AT+MMSG=" + 246 blanks + "3" (blanks around numbers are allowed,
    // §1.5), followed by a 256th character "X" that must be dropped (but echoed).
    const std::string kept = "AT+MMSG=" + std::string(246, ' ') + "3";
    ASSERT_EQ(kept.size(), 255u);
    const std::string line = kept + "X";
    // H> <kept>X\r   M< <kept>X\r\n[OK]\r\n   (with the X kept the value would be invalid)
    ASSERT_TRUE(d.send(line + "\r"));
    ASSERT_TRUE(d.expect(line + "\r\n[OK]\r\n"));
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n3\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

TEST(Spec1_2, OverlongLineIsEchoedInFullAndTheNextLineStartsEmpty) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FOO + 594 x "Z" + \r   (600 characters)
    // M< the same 600 characters + \r\n[ERROR: INVALID INPUT]\r\n
    const std::string line = "AT+FOO" + std::string(594, 'Z');
    ASSERT_TRUE(d.send(line + "\r"));
    ASSERT_TRUE(d.expect(line + "\r\n[ERROR: INVALID INPUT]\r\n"));
    // H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_2, BinaryJunkIncludingHighBytesAndNulIsEchoedVerbatim) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> "#" + every byte 0x80..0xFF + NUL + every control byte except BS, LF, CR + DEL + \r
    // M< the same bytes + \r\n[ERROR: INVALID INPUT]\r\n   (the line does not start with AT)
    std::string line = "#";
    for (int b = 0x80; b <= 0xff; ++b)
        line += static_cast<char>(b);
    line += '\0';
    for (int b = 0x01; b < 0x20; ++b) {
        if (b == 0x08 || b == 0x0a || b == 0x0d) continue;
        line += static_cast<char>(b);
    }
    line += '\x7f';
    ASSERT_EQ(line.size(), 1u + 128u + 1u + 28u + 1u);
    ASSERT_TRUE(d.send(line + "\r"));
    ASSERT_TRUE(d.expect(line + "\r\n[ERROR: INVALID INPUT]\r\n"));
    // The line reader is back to normal: H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_2, ARepeatRunsThePreviousLineAtOnce) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MMSG=?\r   M< AT+MMSG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG=?", "2\r\n[OK]\r\n"));
    // H> A/   M< A/2\r\n[OK]\r\n   (echo of both bytes, no CR needed, no CRLF after the echo)
    ASSERT_TRUE(d.send("A/"));
    ASSERT_TRUE(d.expect("A/2\r\n[OK]\r\n"));
}

TEST(Spec1_2, ARepeatAcceptsLowerCaseA) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MINFO\r   M< AT+MINFO\r\n<MINFO output>[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MINFO", std::string(kMinfoOutput) + "[OK]\r\n"));
    // H> a/           M< a/<MINFO output>[OK]\r\n
    ASSERT_TRUE(d.send("a/"));
    ASSERT_TRUE(d.expect("a/" + std::string(kMinfoOutput) + "[OK]\r\n"));
}

// ---- §1.4 command recognition -----------------------------------------------------------------

TEST(Spec1_4, AtAloneGivesOk) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec1_4, AtPrefixIsCaseInsensitive) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> at\r   M< at\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("at", "[OK]\r\n"));
    // H> aT\r   M< aT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("aT", "[OK]\r\n"));
}

TEST(Spec1_4, LowerCaseCommandNameIsRecognised) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> at+minfo\r   M< at+minfo\r\nFW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("at+minfo", std::string(kMinfoOutput) + "[OK]\r\n"));
}

TEST(Spec1_4, MixedCaseCommandNameIsRecognised) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> At+mMsG=?\r   M< At+mMsG=?\r\n2\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("At+mMsG=?", "2\r\n[OK]\r\n"));
}

TEST(Spec1_4, UnknownCommandIsInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+XYZ=1\r   M< AT+XYZ=1\r\n[ERROR: INVALID INPUT]\r\n   (not a plain [ERROR])
    ASSERT_TRUE(d.transact("AT+XYZ=1", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+\r        M< AT+\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_4, LineNotStartingWithAtIsInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> HELLO\r   M< HELLO\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("HELLO", "[ERROR: INVALID INPUT]\r\n"));
    // H> A\r       M< A\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("A", "[ERROR: INVALID INPUT]\r\n"));
    // H> TA\r      M< TA\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("TA", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_4, AtFollowedByUnknownTextIsInvalidInput) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> ATX\r   M< ATX\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("ATX", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT \r   M< AT \r\n[ERROR: INVALID INPUT]\r\n   (only exactly "AT" is the check)
    ASSERT_TRUE(d.transact("AT ", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_4, PrefixMatchIgnoresTrailingTextAfterMinfo) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MINFO=?\r    M< AT+MINFO=?\r\n<MINFO output>[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MINFO=?", std::string(kMinfoOutput) + "[OK]\r\n"));
    // H> AT+MINFOXYZ\r   M< AT+MINFOXYZ\r\n<MINFO output>[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MINFOXYZ", std::string(kMinfoOutput) + "[OK]\r\n"));
}

TEST(Spec1_4, WstatusRunsWstatByPrefix) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // The AT+WSTAT line holds the host's real MAC, so the reference is AT+WSTAT's own output:
    // H> AT+WSTAT\r
    // M<
    // AT+WSTAT\r\nIF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\nDown////<...>\r\n[OK]\r\n
    ASSERT_TRUE(d.send("AT+WSTAT\r"));
    ASSERT_TRUE(
        d.expect("AT+WSTAT\r\nIF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\n"
                 "Down////"));
    std::string rest;
    ASSERT_TRUE(d.read_until("[OK]\r\n", rest));
    const std::string wstat_output =
        "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\nDown////" + rest;
    // H> AT+WSTATUS\r   M< AT+WSTATUS\r\n + exactly the same output
    ASSERT_TRUE(d.transact("AT+WSTATUS", wstat_output));
    // H> AT+WSTAT=?\r   M< AT+WSTAT=?\r\n + exactly the same output
    ASSERT_TRUE(d.transact("AT+WSTAT=?", wstat_output));
}

TEST(Spec1_4, EntryEndingInEqualsNeedsTheEquals) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WSET\r    M< AT+WSET\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+WSET", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MMSG\r    M< AT+MMSG\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MMSG", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+MECHO?\r  M< AT+MECHO?\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+MECHO?", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec1_4, MresetIgnoresTrailingText) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+MRESET=1\r   M< AT+MRESET=1\r\n[OK]\r\n   then, after the reboot, the banner
    ASSERT_TRUE(d.transact("AT+MRESET=1", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
