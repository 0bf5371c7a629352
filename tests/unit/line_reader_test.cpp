// SPDX-License-Identifier: Apache-2.0
// Unit tests for LineReader: command-line assembly in command mode (spec §1.2) and the echo of
// each received byte (spec §0, §1.3), modelled on the firmware's WXS2w_CommandCharProcess and
// WXS2w_SerialInput.

#include "wizfi250d/at/line_reader.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {
namespace {

using Step = LineReader::Step;

// One entry per line handed over to be run: the step kind and the line text at that moment.
struct Ran {
    Step step;
    std::string line;
};

bool operator==(const Ran& a, const Ran& b) {
    return a.step == b.step && a.line == b.line;
}

std::ostream& operator<<(std::ostream& os, const Ran& r) {
    return os << (r.step == Step::line     ? "line"
                  : r.step == Step::repeat ? "repeat"
                                           : "none")
              << " \"" << r.line << "\"";
}

// Feeds every byte of `bytes` and records each step that asks for a line to be run.
std::vector<Ran> feed_all(LineReader& reader, std::string_view bytes) {
    std::vector<Ran> ran;
    for (const char byte : bytes) {
        const Step step = reader.feed(byte);
        if (step != Step::none) ran.push_back({step, reader.line()});
    }
    return ran;
}

// What the module echoes for a whole byte sequence (spec §1.3).
std::string echo_all(std::string_view bytes) {
    std::string out;
    for (const char& byte : bytes)
        out += LineReader::echo_for(byte);
    return out;
}

std::string echo_one(char byte) {
    const char held = byte;  // echo_for returns a view of its argument: keep it alive.
    return std::string(LineReader::echo_for(held));
}

// ---------------------------------------------------------------------------------------------
// CR ends the line.

TEST(LineReader, Spec1_2_CrEndsTheLine) {
    LineReader reader;
    EXPECT_EQ(reader.feed('A'), Step::none);
    EXPECT_EQ(reader.feed('T'), Step::none);
    EXPECT_EQ(reader.pending(), 2u);
    EXPECT_EQ(reader.feed('\r'), Step::line);
    EXPECT_EQ(reader.line(), "AT");
}

TEST(LineReader, Spec1_2_CrEmptiesTheBufferForTheNextLine) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT+WSTAT\rAT+MINFO\r");
    ASSERT_EQ(ran.size(), 2u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT+WSTAT"}));
    EXPECT_EQ(ran[1], (Ran{Step::line, "AT+MINFO"}));
    EXPECT_EQ(reader.pending(), 0u);
}

TEST(LineReader, Spec1_2_CrIsNotPartOfTheLine) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, "AT");
    EXPECT_EQ(ran[0].line.find('\r'), std::string::npos);
}

TEST(LineReader, Spec1_2_NothingRunsBeforeCr) {
    LineReader reader;
    EXPECT_TRUE(feed_all(reader, "AT+WJOIN").empty());
    EXPECT_EQ(reader.pending(), 8u);
}

// ---------------------------------------------------------------------------------------------
// Empty line: nothing happens except the echo of CRLF.

TEST(LineReader, Spec1_2_EmptyLineRunsNothing) {
    LineReader reader;
    EXPECT_EQ(reader.feed('\r'), Step::none);
    EXPECT_EQ(reader.feed('\r'), Step::none);
    EXPECT_EQ(reader.pending(), 0u);
}

TEST(LineReader, Spec1_2_EmptyLineEchoesOnlyCrlf) {
    EXPECT_EQ(echo_one('\r'), "\r\n");
    EXPECT_EQ(echo_all("\r"), "\r\n");
}

TEST(LineReader, Spec1_2_EmptyLineDoesNotReplaceThePreviousLine) {
    LineReader reader;
    feed_all(reader, "AT+MINFO\r\r\r");
    EXPECT_EQ(reader.feed('A'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), "AT+MINFO");
}

TEST(LineReader, Spec1_2_LineEmptiedByBackspaceRunsNothing) {
    LineReader reader;
    EXPECT_TRUE(feed_all(reader, "AT\b\b\r").empty());
    EXPECT_EQ(reader.pending(), 0u);
}

// ---------------------------------------------------------------------------------------------
// LF is thrown away: never stored, never echoed, does not end a line.

TEST(LineReader, Spec1_2_LfIsIgnoredAndNotEchoed) {
    LineReader reader;
    EXPECT_EQ(reader.feed('\n'), Step::none);
    EXPECT_EQ(reader.pending(), 0u);
    EXPECT_EQ(echo_one('\n'), "");
}

TEST(LineReader, Spec1_2_LfIsNeverStored) {
    LineReader reader;
    const auto ran = feed_all(reader, "A\nT\n\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT"}));
}

TEST(LineReader, Spec1_2_LoneLfDoesNotEndACommand) {
    LineReader reader;
    EXPECT_TRUE(feed_all(reader, "AT\n").empty());
    EXPECT_EQ(reader.pending(), 2u);
    EXPECT_EQ(reader.feed('\r'), Step::line);
    EXPECT_EQ(reader.line(), "AT");
}

TEST(LineReader, Spec1_2_CrlfFromTheHostRunsTheLineOnce) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT\r\nAT+MINFO\r\n");
    ASSERT_EQ(ran.size(), 2u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT"}));
    EXPECT_EQ(ran[1], (Ran{Step::line, "AT+MINFO"}));
    EXPECT_EQ(reader.pending(), 0u);
}

TEST(LineReader, Spec1_2_LfCrIsOneEmptyLine) {
    LineReader reader;
    EXPECT_TRUE(feed_all(reader, "\n\r\n").empty());
    EXPECT_EQ(echo_all("\n\r\n"), "\r\n");
}

// ---------------------------------------------------------------------------------------------
// BS removes the last buffered character; its echo is the raw 0x08.

TEST(LineReader, Spec1_2_BackspaceRemovesTheLastCharacter) {
    LineReader reader;
    const auto ran = feed_all(reader, "ATX\bI\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "ATI"}));
}

TEST(LineReader, Spec1_2_BackspaceReturnsNothingToRun) {
    LineReader reader;
    feed_all(reader, "AT");
    EXPECT_EQ(reader.feed('\b'), Step::none);
    EXPECT_EQ(reader.pending(), 1u);
}

TEST(LineReader, Spec1_2_SeveralBackspacesRemoveSeveralCharacters) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT+WSCAN\b\b\b\bSTAT\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, "AT+WSTAT");
}

TEST(LineReader, Spec1_2_BackspaceOnEmptyBufferIsHarmless) {
    LineReader reader;
    EXPECT_EQ(reader.feed('\b'), Step::none);
    EXPECT_EQ(reader.feed('\b'), Step::none);
    EXPECT_EQ(reader.pending(), 0u);
    const auto ran = feed_all(reader, "AT\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, "AT");
}

TEST(LineReader, Spec1_2_BackspaceIsEchoedRawWithoutEraseSequence) {
    EXPECT_EQ(echo_one('\b'), std::string(1, '\x08'));
    EXPECT_EQ(echo_all("AB\bC"), "AB\bC");  // not "\b \b"
}

TEST(LineReader, Spec1_2_BackspaceIsNotStored) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT\b\bAT\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line.find('\b'), std::string::npos);
    EXPECT_EQ(ran[0].line, "AT");
}

TEST(LineReader, Spec1_2_DelIsNotABackspaceAndIsStored) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT\x7f\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, "AT\x7f");
}

// ---------------------------------------------------------------------------------------------
// 255-character limit: further characters are dropped without notice, but still echoed.

TEST(LineReader, Spec1_2_MaxLineIs255) {
    EXPECT_EQ(LineReader::max_line, 255u);
}

TEST(LineReader, Spec1_2_ALineOf255CharactersIsKeptWhole) {
    LineReader reader;
    const std::string line = "AT+" + std::string(252, 'x');
    ASSERT_EQ(line.size(), 255u);
    const auto ran = feed_all(reader, line + "\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, line);
}

TEST(LineReader, Spec1_2_CharactersBeyond255AreSilentlyDropped) {
    LineReader reader;
    const std::string kept = "AT+" + std::string(252, 'k');
    feed_all(reader, kept);
    ASSERT_EQ(reader.pending(), 255u);
    for (const char byte : std::string("DROPPED")) {
        EXPECT_EQ(reader.feed(byte), Step::none);
        EXPECT_EQ(reader.pending(), 255u);
    }
    EXPECT_EQ(reader.feed('\r'), Step::line);
    EXPECT_EQ(reader.line(), kept);
}

TEST(LineReader, Spec1_2_DroppedCharactersAreStillEchoed) {
    LineReader reader;
    feed_all(reader, std::string(255, 'k'));
    ASSERT_EQ(reader.pending(), 255u);
    const char dropped = 'Z';
    EXPECT_EQ(reader.feed(dropped), Step::none);
    EXPECT_EQ(reader.pending(), 255u);
    EXPECT_EQ(LineReader::echo_for(dropped), "Z");
}

TEST(LineReader, Spec1_2_CrStillEndsAFullLine) {
    LineReader reader;
    feed_all(reader, std::string(300, 'q'));
    EXPECT_EQ(reader.pending(), 255u);
    EXPECT_EQ(reader.feed('\r'), Step::line);
    EXPECT_EQ(reader.line(), std::string(255, 'q'));
    EXPECT_EQ(reader.pending(), 0u);
}

TEST(LineReader, Spec1_2_BackspaceStillWorksOnAFullLine) {
    LineReader reader;
    const std::string full(255, 'a');
    feed_all(reader, full);
    EXPECT_EQ(reader.feed('\b'), Step::none);
    EXPECT_EQ(reader.pending(), 254u);
    EXPECT_EQ(reader.feed('Q'), Step::none);
    EXPECT_EQ(reader.pending(), 255u);
    EXPECT_EQ(reader.feed('R'), Step::none);  // dropped again
    EXPECT_EQ(reader.feed('\r'), Step::line);
    EXPECT_EQ(reader.line(), std::string(254, 'a') + "Q");
}

TEST(LineReader, Spec1_2_LimitAppliesPerLine) {
    LineReader reader;
    feed_all(reader, std::string(400, 'a') + "\r");
    const auto ran = feed_all(reader, "AT\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, "AT");
}

// ---------------------------------------------------------------------------------------------
// "A/" repeat: A or a, then '/', as the first two characters: the previous line runs at once.

TEST(LineReader, Spec1_2_ASlashRepeatsThePreviousLineWithoutCr) {
    LineReader reader;
    feed_all(reader, "AT+WSTAT\r");
    EXPECT_EQ(reader.feed('A'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), "AT+WSTAT");
}

TEST(LineReader, Spec1_2_LowercaseASlashAlsoRepeats) {
    LineReader reader;
    feed_all(reader, "AT+MINFO\r");
    EXPECT_EQ(reader.feed('a'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), "AT+MINFO");
}

TEST(LineReader, Spec1_2_ASlashEmptiesTheBuffer) {
    LineReader reader;
    feed_all(reader, "AT\r");
    feed_all(reader, "A/");
    EXPECT_EQ(reader.pending(), 0u);
    // A following CR is an empty line, not a second run of "A/".
    EXPECT_EQ(reader.feed('\r'), Step::none);
    // And the next line starts from scratch.
    const auto ran = feed_all(reader, "AT+MINFO\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT+MINFO"}));
}

TEST(LineReader, Spec1_2_ASlashCanRepeatSeveralTimes) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT+SMGMT=?\rA/a/A/");
    ASSERT_EQ(ran.size(), 4u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT+SMGMT=?"}));
    EXPECT_EQ(ran[1], (Ran{Step::repeat, "AT+SMGMT=?"}));
    EXPECT_EQ(ran[2], (Ran{Step::repeat, "AT+SMGMT=?"}));
    EXPECT_EQ(ran[3], (Ran{Step::repeat, "AT+SMGMT=?"}));
}

TEST(LineReader, Spec1_2_ASlashRepeatsTheMostRecentLine) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT+WSTAT\rAT+MINFO\rA/");
    ASSERT_EQ(ran.size(), 3u);
    EXPECT_EQ(ran[2], (Ran{Step::repeat, "AT+MINFO"}));
}

TEST(LineReader, Spec1_2_ASlashWithNoPreviousLineGivesAnEmptyLine) {
    LineReader reader;
    EXPECT_EQ(reader.feed('A'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), "");
    EXPECT_EQ(reader.pending(), 0u);
}

TEST(LineReader, Spec1_2_SlashLaterInTheLineIsStored) {
    LineReader reader;
    const auto ran = feed_all(reader, "AT/\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "AT/"}));
}

TEST(LineReader, Spec1_2_SlashAfterAnotherFirstCharacterIsStored) {
    LineReader reader;
    feed_all(reader, "AT\r");
    const auto ran = feed_all(reader, "B/\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "B/"}));
}

TEST(LineReader, Spec1_2_SlashAsFirstCharacterIsStored) {
    LineReader reader;
    feed_all(reader, "AT\r");
    const auto ran = feed_all(reader, "/A/\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::line, "/A/"}));
}

TEST(LineReader, Spec1_2_ASlashCountsTheBufferAfterBackspace) {
    // The firmware checks the buffer index, so "AX<BS>/" is "A/" as the first two characters.
    LineReader reader;
    feed_all(reader, "AT+WSTAT\r");
    const auto ran = feed_all(reader, "AX\b/");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0], (Ran{Step::repeat, "AT+WSTAT"}));
}

TEST(LineReader, Spec1_2_ASlashDoesNotBecomeThePreviousLine) {
    LineReader reader;
    feed_all(reader, "AT+WSTAT\rA/");
    // A new line typed after the repeat is what the next repeat runs, not "A/".
    const auto ran = feed_all(reader, "AT\rA/");
    ASSERT_EQ(ran.size(), 2u);
    EXPECT_EQ(ran[1], (Ran{Step::repeat, "AT"}));
}

TEST(LineReader, Spec1_2_ASlashIsEchoedVerbatim) {
    EXPECT_EQ(echo_all("A/"), "A/");
}

// ---------------------------------------------------------------------------------------------
// Any other byte, including non-printable ones, is stored as is.

TEST(LineReader, Spec1_2_NonPrintableBytesAreStored) {
    LineReader reader;
    const std::string line = std::string("AT+X") + "\x01\x1b\t\x7f\x80\xfe\xff";
    const auto ran = feed_all(reader, line + "\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line, line);
}

TEST(LineReader, Spec1_2_NulIsStored) {
    LineReader reader;
    const std::string line("AT\0+X", 5);
    const auto ran = feed_all(reader, line + "\r");
    ASSERT_EQ(ran.size(), 1u);
    EXPECT_EQ(ran[0].line.size(), 5u);
    EXPECT_EQ(ran[0].line, line);
}

TEST(LineReader, Spec1_2_EveryByteExceptCrLfBsIsStored) {
    for (int value = 0; value < 256; ++value) {
        const char byte = static_cast<char>(value);
        if (byte == '\r' || byte == '\n' || byte == '\b') continue;
        LineReader reader;
        EXPECT_EQ(reader.feed('X'), Step::none);
        EXPECT_EQ(reader.feed(byte), Step::none) << "byte " << value;
        EXPECT_EQ(reader.pending(), 2u) << "byte " << value;
        ASSERT_EQ(reader.feed('\r'), Step::line) << "byte " << value;
        EXPECT_EQ(reader.line(), std::string({'X', byte})) << "byte " << value;
    }
}

TEST(LineReader, Spec1_2_ANonPrintableLineCanBeRepeated) {
    LineReader reader;
    const std::string line("\x01\x00\xff", 3);
    feed_all(reader, line + "\r");
    EXPECT_EQ(reader.feed('a'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), line);
}

// ---------------------------------------------------------------------------------------------
// Echo (spec §0, §1.3): CR -> CRLF, LF -> nothing, every other byte verbatim.

TEST(LineReader, Spec1_3_CrIsEchoedAsCrlf) {
    EXPECT_EQ(echo_one('\r'), "\r\n");
}

TEST(LineReader, Spec1_3_EveryOtherByteIsEchoedVerbatim) {
    for (int value = 0; value < 256; ++value) {
        const char byte = static_cast<char>(value);
        if (byte == '\r' || byte == '\n') continue;
        EXPECT_EQ(echo_one(byte), std::string(1, byte)) << "byte " << value;
    }
}

TEST(LineReader, Spec0_AtCrEchoesAtCrlf) {
    // Cheat sheet: `AT\r` -> `AT\r\n[OK]\r\n`; the echo part is `AT\r\n`.
    EXPECT_EQ(echo_all("AT\r"), "AT\r\n");
}

TEST(LineReader, Spec0_CrlfFromHostEchoesOneCrlf) {
    EXPECT_EQ(echo_all("AT\r\n"), "AT\r\n");
}

// ---------------------------------------------------------------------------------------------
// reset() drops the half-typed line (used when leaving command mode).

TEST(LineReader, ResetDropsThePendingLineButKeepsThePreviousOne) {
    LineReader reader;
    feed_all(reader, "AT+WSTAT\rAT+MIN");
    ASSERT_EQ(reader.pending(), 6u);
    reader.reset();
    EXPECT_EQ(reader.pending(), 0u);
    EXPECT_EQ(reader.feed('\r'), Step::none);
    EXPECT_EQ(reader.feed('A'), Step::none);
    EXPECT_EQ(reader.feed('/'), Step::repeat);
    EXPECT_EQ(reader.line(), "AT+WSTAT");
}

}  // namespace
}  // namespace wizfi250d
