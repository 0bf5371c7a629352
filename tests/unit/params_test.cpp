// SPDX-License-Identifier: Apache-2.0
// Unit tests for the parameter parsers (spec §1.5), modelled on the firmware's
// WXParse_NextParamGet, WXParse_Number, WXParse_Ip, WXParse_Mac and WXParse_Boolean.

#include "wizfi250d/at/params.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace wizfi250d {

// Readable failure messages (found by argument-dependent lookup, so they live in wizfi250d).
static void PrintTo(const Ipv4& value, std::ostream* os) {
    *os << value.to_string();
}
static void PrintTo(const MacAddress& value, std::ostream* os) {
    *os << value.to_upper();
}

namespace {

::testing::AssertionResult HasField(const Params& params, std::size_t index,
                                    std::string_view want) {
    const std::optional<std::string>& field = params[index];
    if (!field) {
        return ::testing::AssertionFailure() << "field " << index << " of \"" << params.raw()
                                             << "\" is absent, want \"" << want << "\"";
    }
    if (*field != want) {
        return ::testing::AssertionFailure()
               << "field " << index << " of \"" << params.raw() << "\" is \"" << *field
               << "\", want \"" << want << "\"";
    }
    if (!params.present(index)) {
        return ::testing::AssertionFailure() << "present(" << index << ") disagrees with []";
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsAbsent(const Params& params, std::size_t index) {
    const std::optional<std::string>& field = params[index];
    if (field) {
        return ::testing::AssertionFailure() << "field " << index << " of \"" << params.raw()
                                             << "\" is \"" << *field << "\", want absent";
    }
    if (params.present(index)) {
        return ::testing::AssertionFailure() << "present(" << index << ") disagrees with []";
    }
    return ::testing::AssertionSuccess();
}

Ipv4 ip(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4{{a, b, c, d}};
}

MacAddress mac(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e,
               std::uint8_t f) {
    return MacAddress{{a, b, c, d, e, f}};
}

// =============================================================================================
// Params: field splitting (WXParse_NextParamGet)

TEST(Params, Spec1_5_FieldsAreSeparatedByCommas) {
    const Params p("SO,TSN,192.168.1.2,5000");
    EXPECT_TRUE(HasField(p, 0, "SO"));
    EXPECT_TRUE(HasField(p, 1, "TSN"));
    EXPECT_TRUE(HasField(p, 2, "192.168.1.2"));
    EXPECT_TRUE(HasField(p, 3, "5000"));
    EXPECT_TRUE(IsAbsent(p, 4));
}

TEST(Params, Spec1_5_SingleFieldWithoutComma) {
    const Params p("1");
    EXPECT_TRUE(HasField(p, 0, "1"));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_RawIsTheWholeArgumentString) {
    const Params p("0, MyAP,\"x\"");
    EXPECT_EQ(p.raw(), "0, MyAP,\"x\"");
}

TEST(Params, Spec1_5_EmptyFieldIsAbsent) {
    const Params p("1,,3");
    EXPECT_TRUE(HasField(p, 0, "1"));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(HasField(p, 2, "3"));
}

TEST(Params, Spec1_5_EmptyFieldsKeepTheirPlace) {
    // Optional parameters are skipped by leaving their field empty; the commas stay in place.
    const Params p("0,,,7");
    EXPECT_TRUE(HasField(p, 0, "0"));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(IsAbsent(p, 2));
    EXPECT_TRUE(HasField(p, 3, "7"));
}

TEST(Params, Spec1_5_EmptyFirstFieldIsAbsent_WscanExample) {
    // AT+WSCAN=,,6
    const Params p(",,6");
    EXPECT_TRUE(IsAbsent(p, 0));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(HasField(p, 2, "6"));
    EXPECT_TRUE(IsAbsent(p, 3));
}

TEST(Params, Spec1_5_MissingTrailingFieldIsAbsent) {
    const Params p("1,2");
    EXPECT_TRUE(HasField(p, 1, "2"));
    EXPECT_TRUE(IsAbsent(p, 2));
    EXPECT_TRUE(IsAbsent(p, 3));
    EXPECT_TRUE(IsAbsent(p, 100));
}

TEST(Params, Spec1_5_FieldAfterTrailingCommaIsAbsent) {
    const Params p("1,");
    EXPECT_TRUE(HasField(p, 0, "1"));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(IsAbsent(p, 2));
}

TEST(Params, Spec1_5_EmptyArgumentStringHasNoFields) {
    const Params p("");
    EXPECT_TRUE(IsAbsent(p, 0));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_OnlyCommasGiveOnlyAbsentFields) {
    const Params p(",,,");
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_TRUE(IsAbsent(p, i)) << i;
}

TEST(Params, Spec1_5_ExtraFieldsDoNotDisturbTheFirstOnes) {
    const Params p("1,2,3,4,5,6,7,8");
    EXPECT_TRUE(HasField(p, 0, "1"));
    EXPECT_TRUE(HasField(p, 1, "2"));
    EXPECT_TRUE(HasField(p, 7, "8"));
    EXPECT_TRUE(IsAbsent(p, 8));
}

TEST(Params, Spec1_4_QueryArgumentIsOneField) {
    const Params p("?");
    EXPECT_TRUE(HasField(p, 0, "?"));
    EXPECT_TRUE(IsAbsent(p, 1));
}

// ---------------------------------------------------------------------------------------------
// Whitespace: unquoted fields keep their blanks; a blank-only field is present.

TEST(Params, Spec1_5_UnquotedFieldKeepsLeadingBlank_WsetExample) {
    // AT+WSET=0, MyAP gives the SSID " MyAP".
    const Params p("0, MyAP");
    EXPECT_TRUE(HasField(p, 0, "0"));
    EXPECT_TRUE(HasField(p, 1, " MyAP"));
}

TEST(Params, Spec1_5_UnquotedFieldKeepsTrailingBlanks) {
    const Params p("0,MyAP  ,6");
    EXPECT_TRUE(HasField(p, 1, "MyAP  "));
    EXPECT_TRUE(HasField(p, 2, "6"));
}

TEST(Params, Spec1_5_UnquotedFieldKeepsInnerBlanks) {
    const Params p("0,My AP");
    EXPECT_TRUE(HasField(p, 1, "My AP"));
}

TEST(Params, Spec1_5_BlankOnlyFieldIsPresent) {
    const Params p("1, ,3");
    EXPECT_TRUE(HasField(p, 1, " "));
    EXPECT_TRUE(HasField(p, 2, "3"));
}

TEST(Params, Spec1_5_TabOnlyFieldIsPresent) {
    const Params p("1,\t,3");
    EXPECT_TRUE(HasField(p, 1, "\t"));
}

TEST(Params, Spec1_5_BlankOnlyLastFieldIsPresent) {
    const Params p("1,  ");
    EXPECT_TRUE(HasField(p, 1, "  "));
}

TEST(Params, Spec1_5_BlankOnlyFirstFieldIsPresent) {
    const Params p(" ,5");
    EXPECT_TRUE(HasField(p, 0, " "));
    EXPECT_TRUE(HasField(p, 1, "5"));
}

TEST(Params, Spec1_5_SconQsgExampleSplits) {
    // AT+SCON=SO,TSN, , ,5000,1 from the Quick Start Guide.
    const Params p("SO,TSN, , ,5000,1");
    EXPECT_TRUE(HasField(p, 0, "SO"));
    EXPECT_TRUE(HasField(p, 1, "TSN"));
    EXPECT_TRUE(HasField(p, 2, " "));
    EXPECT_TRUE(HasField(p, 3, " "));
    EXPECT_TRUE(HasField(p, 4, "5000"));
    EXPECT_TRUE(HasField(p, 5, "1"));
    EXPECT_TRUE(IsAbsent(p, 6));
}

TEST(Params, Spec1_5_SconQsgExampleParses) {
    // Why the QSG example works: the blank remote IP fails to parse (it is optional for a
    // server, so it is ignored), the blank remote port reads as 0.
    const Params p("SO,TSN, , ,5000,1");
    ASSERT_TRUE(p.present(2));
    EXPECT_EQ(parse_ipv4(*p[2]), std::nullopt);
    ASSERT_TRUE(p.present(3));
    EXPECT_EQ(parse_number(*p[3]), std::optional<std::uint32_t>{0});
    ASSERT_TRUE(p.present(4));
    EXPECT_EQ(parse_number(*p[4]), std::optional<std::uint32_t>{5000});
    ASSERT_TRUE(p.present(5));
    EXPECT_EQ(parse_bool(*p[5]), std::optional<bool>{true});
}

// ---------------------------------------------------------------------------------------------
// Quoting

TEST(Params, Spec1_5_QuotesAreRemoved) {
    const Params p("\"MyAP\"");
    EXPECT_TRUE(HasField(p, 0, "MyAP"));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_CommasInsideQuotesBelongToTheValue) {
    const Params p("0,\"My,AP\",6");
    EXPECT_TRUE(HasField(p, 0, "0"));
    EXPECT_TRUE(HasField(p, 1, "My,AP"));
    EXPECT_TRUE(HasField(p, 2, "6"));
    EXPECT_TRUE(IsAbsent(p, 3));
}

TEST(Params, Spec1_5_SeveralCommasInsideQuotes) {
    const Params p("\",a,,b,\",x");
    EXPECT_TRUE(HasField(p, 0, ",a,,b,"));
    EXPECT_TRUE(HasField(p, 1, "x"));
}

TEST(Params, Spec1_5_QuoteAfterLeadingBlanksStillQuotes) {
    // "first non-blank character is a quote": the blanks before it are not part of the value.
    const Params p("0, \t\"My,AP\",6");
    EXPECT_TRUE(HasField(p, 1, "My,AP"));
    EXPECT_TRUE(HasField(p, 2, "6"));
}

TEST(Params, Spec1_5_BlanksInsideQuotesAreKept) {
    const Params p("0,\" My AP \",6");
    EXPECT_TRUE(HasField(p, 1, " My AP "));
}

TEST(Params, Spec1_5_QuoteNotFirstIsAnOrdinaryCharacter) {
    const Params p("a\"b,c\"");
    EXPECT_TRUE(HasField(p, 0, "a\"b"));
    EXPECT_TRUE(HasField(p, 1, "c\""));
}

TEST(Params, Spec1_5_BackslashQuoteDoesNotEndTheValueAndBackslashIsKept) {
    const Params p(R"(0,"My\"AP,x",6)");
    EXPECT_TRUE(HasField(p, 1, R"(My\"AP,x)"));
    EXPECT_TRUE(HasField(p, 2, "6"));
}

TEST(Params, Spec1_5_QuoteAfterAnyBackslashDoesNotClose) {
    // Only the character before the quote is looked at, so "\\" followed by a quote does not
    // close either: the value then runs to the end of the line, commas included.
    const Params p(R"("a\\",b)");
    EXPECT_TRUE(HasField(p, 0, R"(a\\",b)"));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_TextBetweenClosingQuoteAndCommaIsIgnored) {
    const Params p(R"(0,"MyAP"junk,6)");
    EXPECT_TRUE(HasField(p, 1, "MyAP"));
    EXPECT_TRUE(HasField(p, 2, "6"));
}

TEST(Params, Spec1_5_BlanksAfterClosingQuoteAreIgnored) {
    const Params p(R"(0,"MyAP"   ,6)");
    EXPECT_TRUE(HasField(p, 1, "MyAP"));
    EXPECT_TRUE(HasField(p, 2, "6"));
}

TEST(Params, Spec1_5_BackslashAfterClosingQuoteIsIgnoredText) {
    const Params p(R"("ab"x\"y,6)");
    // The quote after the backslash is escaped, so this is not a second closing quote.
    EXPECT_TRUE(HasField(p, 0, "ab"));
    EXPECT_TRUE(HasField(p, 1, "6"));
}

TEST(Params, Spec1_5_UnterminatedQuoteRunsToTheEndOfTheLine) {
    const Params p(R"(0,"My,AP)");
    EXPECT_TRUE(HasField(p, 1, "My,AP"));
    EXPECT_TRUE(IsAbsent(p, 2));
}

TEST(Params, Spec1_5_QuotedFieldsAroundAnEmptyField) {
    const Params p(R"("a",,"b")");
    EXPECT_TRUE(HasField(p, 0, "a"));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(HasField(p, 2, "b"));
    EXPECT_TRUE(IsAbsent(p, 3));
}

TEST(Params, Spec1_5_EmptyQuotesArePresentAndEmpty) {
    // The firmware returns a pointer to an empty string here (not NULL).
    const Params p(R"("",x)");
    EXPECT_TRUE(HasField(p, 0, ""));
    EXPECT_TRUE(HasField(p, 1, "x"));
}

TEST(Params, Spec1_5_SecondClosingQuoteMakesTheFieldAbsent) {
    const Params p(R"(0,"My"A"P)");
    EXPECT_TRUE(HasField(p, 0, "0"));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_SecondClosingQuoteMakesEveryLaterFieldAbsent) {
    const Params p(R"(0,"My"A"P,6,7)");
    EXPECT_TRUE(HasField(p, 0, "0"));
    EXPECT_TRUE(IsAbsent(p, 1));
    EXPECT_TRUE(IsAbsent(p, 2));
    EXPECT_TRUE(IsAbsent(p, 3));
}

TEST(Params, Spec1_5_SecondClosingQuoteRightAfterTheFirst) {
    const Params p(R"("ab"",5)");
    EXPECT_TRUE(IsAbsent(p, 0));
    EXPECT_TRUE(IsAbsent(p, 1));
}

TEST(Params, Spec1_5_SecondQuoteInTheFirstFieldLeavesNothing) {
    const Params p(R"("a"b"c,1,2)");
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_TRUE(IsAbsent(p, i)) << i;
}

TEST(Params, Spec1_5_QuotesInSeparateFieldsAreNotAMisquote) {
    const Params p(R"("a","b","c")");
    EXPECT_TRUE(HasField(p, 0, "a"));
    EXPECT_TRUE(HasField(p, 1, "b"));
    EXPECT_TRUE(HasField(p, 2, "c"));
}

// ---------------------------------------------------------------------------------------------
// Rest-of-line fields

TEST(Params, Spec1_5_RestAfterSecondCommaKeepsCommasAndQuotes_WsecKey) {
    const Params p(R"(0,WPA2,ab,"cd",e)");
    EXPECT_EQ(p.rest_after_comma(2), R"(ab,"cd",e)");
}

TEST(Params, Spec1_5_RestAfterCommaIsVerbatimIncludingBlanks) {
    // AT+WSEC=0,, my key  (auto security, key with blanks)
    const Params p("0,, my key ");
    EXPECT_EQ(p.rest_after_comma(2), " my key ");
}

TEST(Params, Spec1_5_RestAfterFirstComma_BinarySsid) {
    // The WSET2 (and 1.0.5.2 WSET quirk) SSID: everything after "0,".
    const Params p("0,WizFiAP,08:00:DC:11:22:33,1");
    EXPECT_EQ(p.rest_after_comma(1), "WizFiAP,08:00:DC:11:22:33,1");
}

TEST(Params, Spec1_5_RestAfterCommaIsEmptyWhenThereAreFewerCommas) {
    const Params p("0,WPA2");
    EXPECT_EQ(p.rest_after_comma(2), "");
    EXPECT_EQ(p.rest_after_comma(3), "");
    EXPECT_EQ(p.rest_after_comma(1), "WPA2");
}

TEST(Params, Spec1_5_RestAfterATrailingCommaIsEmpty) {
    const Params p("0,WPA2,");
    EXPECT_EQ(p.rest_after_comma(2), "");
}

TEST(Params, Spec1_5_RestAfterCommaIgnoresMisquotes) {
    // The rest-of-line reader does not go through the field splitter, so a stray quote that
    // makes the fields absent does not matter to it.
    const Params p(R"(0,WPA2,"pa"ss"word")");
    EXPECT_TRUE(IsAbsent(p, 2));
    EXPECT_EQ(p.rest_after_comma(2), R"("pa"ss"word")");
}

// =============================================================================================
// parse_number (WXParse_Number, decimal)

TEST(ParseNumber, Spec1_5_DecimalDigits) {
    EXPECT_EQ(parse_number("0"), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_number("5000"), std::optional<std::uint32_t>{5000});
    EXPECT_EQ(parse_number("65535"), std::optional<std::uint32_t>{65535});
    EXPECT_EQ(parse_number("007"), std::optional<std::uint32_t>{7});
}

TEST(ParseNumber, Spec1_5_BlanksAroundAreAllowed) {
    EXPECT_EQ(parse_number(" 5000"), std::optional<std::uint32_t>{5000});
    EXPECT_EQ(parse_number("5000 "), std::optional<std::uint32_t>{5000});
    EXPECT_EQ(parse_number("  5000  "), std::optional<std::uint32_t>{5000});
    EXPECT_EQ(parse_number("\t12\t"), std::optional<std::uint32_t>{12});
}

TEST(ParseNumber, Spec1_5_BlankOnlyReadsAsZero) {
    EXPECT_EQ(parse_number(" "), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_number("   "), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_number("\t"), std::optional<std::uint32_t>{0});
}

TEST(ParseNumber, Spec1_5_NoSign) {
    EXPECT_EQ(parse_number("-1"), std::nullopt);
    EXPECT_EQ(parse_number("+1"), std::nullopt);
    EXPECT_EQ(parse_number(" -0"), std::nullopt);
}

TEST(ParseNumber, Spec1_5_AnyOtherCharacterIsRejected) {
    EXPECT_EQ(parse_number("12a"), std::nullopt);
    EXPECT_EQ(parse_number("a12"), std::nullopt);
    EXPECT_EQ(parse_number("1.5"), std::nullopt);
    EXPECT_EQ(parse_number("0x10"), std::nullopt);
    EXPECT_EQ(parse_number("ff"), std::nullopt);
    EXPECT_EQ(parse_number("5000,"), std::nullopt);
    EXPECT_EQ(parse_number("?"), std::nullopt);
    EXPECT_EQ(parse_number(std::string_view("1\0", 2)), std::nullopt);
}

TEST(ParseNumber, Spec1_5_BlankInsideTheDigitsIsRejected) {
    EXPECT_EQ(parse_number("1 2"), std::nullopt);
    EXPECT_EQ(parse_number(" 50 00 "), std::nullopt);
}

TEST(ParseNumber, Spec1_5_NoOverflowCheckWrapsAt32Bits) {
    EXPECT_EQ(parse_number("4294967295"), std::optional<std::uint32_t>{4294967295u});
    EXPECT_EQ(parse_number("4294967296"), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_number("4294967297"), std::optional<std::uint32_t>{1});
    EXPECT_EQ(parse_number("10000000000"), std::optional<std::uint32_t>{1410065408u});
    EXPECT_EQ(parse_number("99999999999999999999"),
              std::optional<std::uint32_t>{1661992959u});  // 10^20 - 1 mod 2^32
}

// =============================================================================================
// parse_hex (WXParse_Number, hex)

TEST(ParseHex, Spec1_5_HexDigitsEitherCase) {
    EXPECT_EQ(parse_hex("0"), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_hex("7b"), std::optional<std::uint32_t>{0x7b});
    EXPECT_EQ(parse_hex("7B"), std::optional<std::uint32_t>{0x7b});
    EXPECT_EQ(parse_hex("2c"), std::optional<std::uint32_t>{0x2c});
    EXPECT_EQ(parse_hex("0d"), std::optional<std::uint32_t>{0x0d});
    EXPECT_EQ(parse_hex("aBcDeF"), std::optional<std::uint32_t>{0xabcdef});
    EXPECT_EQ(parse_hex("19"), std::optional<std::uint32_t>{0x19});
}

TEST(ParseHex, Spec1_5_BlanksAroundAreAllowed) {
    EXPECT_EQ(parse_hex(" 1A "), std::optional<std::uint32_t>{0x1a});
    EXPECT_EQ(parse_hex("\tff"), std::optional<std::uint32_t>{0xff});
}

TEST(ParseHex, Spec1_5_BlankOnlyReadsAsZero) {
    EXPECT_EQ(parse_hex(" "), std::optional<std::uint32_t>{0});
}

TEST(ParseHex, Spec1_5_OnlyHexDigits) {
    EXPECT_EQ(parse_hex("g"), std::nullopt);
    EXPECT_EQ(parse_hex("0x1A"), std::nullopt);
    EXPECT_EQ(parse_hex("-1"), std::nullopt);
    EXPECT_EQ(parse_hex("1 2"), std::nullopt);
    EXPECT_EQ(parse_hex("ff,"), std::nullopt);
}

TEST(ParseHex, Spec1_5_NoOverflowCheckWrapsAt32Bits) {
    EXPECT_EQ(parse_hex("ffffffff"), std::optional<std::uint32_t>{0xffffffffu});
    EXPECT_EQ(parse_hex("100000000"), std::optional<std::uint32_t>{0});
    EXPECT_EQ(parse_hex("123456789"), std::optional<std::uint32_t>{0x23456789u});
}

// =============================================================================================
// parse_ipv4 (WXParse_Ip)

TEST(ParseIpv4, Spec1_5_DottedQuad) {
    EXPECT_EQ(parse_ipv4("192.168.12.101"), std::optional<Ipv4>(ip(192, 168, 12, 101)));
    EXPECT_EQ(parse_ipv4("255.255.255.0"), std::optional<Ipv4>(ip(255, 255, 255, 0)));
    EXPECT_EQ(parse_ipv4("0.0.0.0"), std::optional<Ipv4>(ip(0, 0, 0, 0)));
    EXPECT_EQ(parse_ipv4("255.255.255.255"), std::optional<Ipv4>(ip(255, 255, 255, 255)));
    EXPECT_EQ(parse_ipv4("1.2.3.4"), std::optional<Ipv4>(ip(1, 2, 3, 4)));
}

TEST(ParseIpv4, Spec1_5_BlanksAroundTheWholeAddressAreAllowed) {
    EXPECT_EQ(parse_ipv4(" 192.168.1.2"), std::optional<Ipv4>(ip(192, 168, 1, 2)));
    EXPECT_EQ(parse_ipv4("192.168.1.2  "), std::optional<Ipv4>(ip(192, 168, 1, 2)));
    EXPECT_EQ(parse_ipv4("\t10.0.0.1\t"), std::optional<Ipv4>(ip(10, 0, 0, 1)));
}

TEST(ParseIpv4, Spec1_5_BlanksInsideAreRejected) {
    EXPECT_EQ(parse_ipv4("1. 2.3.4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1 .2.3.4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2.3 .4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2.3.4 5"), std::nullopt);
}

TEST(ParseIpv4, Spec1_5_EachPartAtMost255) {
    EXPECT_EQ(parse_ipv4("256.1.1.1"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.256.1.1"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.1.256.1"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.1.1.256"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.1.1.999"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.1.1.4294967297"), std::nullopt);
}

TEST(ParseIpv4, Spec1_5_EachPartNeedsADigit) {
    EXPECT_EQ(parse_ipv4(".1.2.3"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1..2.3"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2..3"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2.3."), std::nullopt);
    EXPECT_EQ(parse_ipv4("..."), std::nullopt);
}

TEST(ParseIpv4, Spec1_5_ExactlyFourParts) {
    EXPECT_EQ(parse_ipv4("1.2.3"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2.3.4.5"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1"), std::nullopt);
    EXPECT_EQ(parse_ipv4("16909060"), std::nullopt);  // no single-number form
}

TEST(ParseIpv4, Spec1_5_NothingElse) {
    EXPECT_EQ(parse_ipv4("1.2.3.4x"), std::nullopt);
    EXPECT_EQ(parse_ipv4("a.b.c.d"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1.2.3.-4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("+1.2.3.4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("0x1.2.3.4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("1,2,3,4"), std::nullopt);
    EXPECT_EQ(parse_ipv4("www.example.com"), std::nullopt);
}

TEST(ParseIpv4, Spec1_5_BlankOnlyOrEmptyFailsToParse) {
    EXPECT_EQ(parse_ipv4(" "), std::nullopt);
    EXPECT_EQ(parse_ipv4("   "), std::nullopt);
    EXPECT_EQ(parse_ipv4(""), std::nullopt);
}

TEST(ParseIpv4, Spec1_5_LeadingZerosAreDecimal) {
    EXPECT_EQ(parse_ipv4("192.168.001.010"), std::optional<Ipv4>(ip(192, 168, 1, 10)));
    EXPECT_EQ(parse_ipv4("010.000.000.001"), std::optional<Ipv4>(ip(10, 0, 0, 1)));
}

TEST(ParseIpv4, Spec1_5_PartIsAnyRunOfDigitsWhoseValueIsAtMost255) {
    // WXParse_Ip reads any number of digits per part and only checks the value <= 255; the
    // spec's rule is "each part 0-255 with at least one digit". "0001" is the part 1.
    EXPECT_EQ(parse_ipv4("0001.2.3.4"), std::optional<Ipv4>(ip(1, 2, 3, 4)));
    EXPECT_EQ(parse_ipv4("1.2.3.0255"), std::optional<Ipv4>(ip(1, 2, 3, 255)));
    EXPECT_EQ(parse_ipv4("00001.2.3.4"), std::optional<Ipv4>(ip(1, 2, 3, 4)));
    EXPECT_EQ(parse_ipv4("1.2.3.000000255"), std::optional<Ipv4>(ip(1, 2, 3, 255)));
    EXPECT_EQ(parse_ipv4("1.2.3.00000256"), std::nullopt);
}

// =============================================================================================
// parse_mac (WXParse_Mac)

TEST(ParseMac, Spec1_5_SixGroupsOfTwoHexDigits) {
    EXPECT_EQ(parse_mac("00:08:DC:12:34:56"),
              std::optional<MacAddress>(mac(0x00, 0x08, 0xdc, 0x12, 0x34, 0x56)));
    EXPECT_EQ(parse_mac("08:00:dc:11:22:33"),
              std::optional<MacAddress>(mac(0x08, 0x00, 0xdc, 0x11, 0x22, 0x33)));
    EXPECT_EQ(parse_mac("aA:bB:cC:dD:eE:fF"),
              std::optional<MacAddress>(mac(0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff)));
}

TEST(ParseMac, Spec1_5_GroupsOfOneHexDigit) {
    EXPECT_EQ(parse_mac("0:8:dc:1:2:3"),
              std::optional<MacAddress>(mac(0x00, 0x08, 0xdc, 0x01, 0x02, 0x03)));
    EXPECT_EQ(parse_mac("1:2:3:4:5:6"),
              std::optional<MacAddress>(mac(0x01, 0x02, 0x03, 0x04, 0x05, 0x06)));
}

TEST(ParseMac, Spec1_5_ThreeDigitGroupIsRefused) {
    EXPECT_EQ(parse_mac("000:08:DC:12:34:56"), std::nullopt);
    EXPECT_EQ(parse_mac("00:08:DC:12:34:567"), std::nullopt);
    EXPECT_EQ(parse_mac("0008DC123456"), std::nullopt);
}

TEST(ParseMac, Spec1_5_EmptyGroupIsRefused) {
    EXPECT_EQ(parse_mac("00::DC:12:34:56"), std::nullopt);
    EXPECT_EQ(parse_mac(":08:DC:12:34:56"), std::nullopt);
    EXPECT_EQ(parse_mac("00:08:DC:12:34:"), std::nullopt);
    EXPECT_EQ(parse_mac(":::::"), std::nullopt);
}

TEST(ParseMac, Spec1_5_ExactlySixGroups) {
    EXPECT_EQ(parse_mac("00:08:DC:12:34"), std::nullopt);
    EXPECT_EQ(parse_mac("00:08:DC:12:34:56:78"), std::nullopt);
    EXPECT_EQ(parse_mac("00"), std::nullopt);
    EXPECT_EQ(parse_mac(""), std::nullopt);
}

TEST(ParseMac, Spec1_5_NonHexIsRefused) {
    EXPECT_EQ(parse_mac("00:08:DC:12:34:5G"), std::nullopt);
    EXPECT_EQ(parse_mac("00-08-DC-12-34-56"), std::nullopt);
    EXPECT_EQ(parse_mac("00.08.DC.12.34.56"), std::nullopt);
    EXPECT_EQ(parse_mac("0x:08:DC:12:34:56"), std::nullopt);
}

TEST(ParseMac, Spec1_5_BlankAlsoSeparatesGroupsAsInFirmware) {
    EXPECT_EQ(parse_mac("00 08 DC 12 34 56"),
              std::optional<MacAddress>(mac(0x00, 0x08, 0xdc, 0x12, 0x34, 0x56)));
    EXPECT_EQ(parse_mac("00:08 DC:12 34:56"),
              std::optional<MacAddress>(mac(0x00, 0x08, 0xdc, 0x12, 0x34, 0x56)));
}

TEST(ParseMac, Spec1_5_LeadingBlankIsAnEmptyFirstGroup) {
    // A blank is a separator, not skipped: " 00:..." starts with an empty group.
    EXPECT_EQ(parse_mac(" 00:08:DC:12:34:56"), std::nullopt);
}

TEST(ParseMac, Spec1_5_AllZeroIsRefused) {
    EXPECT_EQ(parse_mac("00:00:00:00:00:00"), std::nullopt);
    EXPECT_EQ(parse_mac("0:0:0:0:0:0"), std::nullopt);
}

TEST(ParseMac, Spec1_5_AllFfIsRefused) {
    EXPECT_EQ(parse_mac("FF:FF:FF:FF:FF:FF"), std::nullopt);
    EXPECT_EQ(parse_mac("ff:ff:ff:ff:ff:ff"), std::nullopt);
    EXPECT_EQ(parse_mac("fF:Ff:FF:ff:FF:ff"), std::nullopt);
}

TEST(ParseMac, Spec1_5_AlmostZeroOrAlmostFfIsAccepted) {
    EXPECT_EQ(parse_mac("00:00:00:00:00:01"), std::optional<MacAddress>(mac(0, 0, 0, 0, 0, 1)));
    EXPECT_EQ(parse_mac("FF:FF:FF:FF:FF:FE"),
              std::optional<MacAddress>(mac(0xff, 0xff, 0xff, 0xff, 0xff, 0xfe)));
    EXPECT_EQ(parse_mac("01:00:5E:00:00:01"),
              std::optional<MacAddress>(mac(0x01, 0x00, 0x5e, 0x00, 0x00, 0x01)));
}

// =============================================================================================
// parse_bool (WXParse_Boolean)

TEST(ParseBool, ZeroAndOne) {
    EXPECT_EQ(parse_bool("0"), std::optional<bool>{false});
    EXPECT_EQ(parse_bool("1"), std::optional<bool>{true});
}

TEST(ParseBool, LeadingBlanksAreSkipped) {
    EXPECT_EQ(parse_bool(" 1"), std::optional<bool>{true});
    EXPECT_EQ(parse_bool("\t 0"), std::optional<bool>{false});
}

TEST(ParseBool, NothingMayFollowTheDigit) {
    EXPECT_EQ(parse_bool("1 "), std::nullopt);
    EXPECT_EQ(parse_bool("01"), std::nullopt);
    EXPECT_EQ(parse_bool("10"), std::nullopt);
    EXPECT_EQ(parse_bool("1x"), std::nullopt);
}

TEST(ParseBool, AnythingElseIsRefused) {
    EXPECT_EQ(parse_bool("2"), std::nullopt);
    EXPECT_EQ(parse_bool(""), std::nullopt);
    EXPECT_EQ(parse_bool(" "), std::nullopt);
    EXPECT_EQ(parse_bool("true"), std::nullopt);
    EXPECT_EQ(parse_bool("-1"), std::nullopt);
}

// =============================================================================================
// Case-insensitive comparison (spec §1.4: names are matched case-insensitively, by prefix)

TEST(ParamsText, Spec1_4_IequalsIgnoresAsciiCase) {
    EXPECT_TRUE(iequals("+WSTAT", "+wstat"));
    EXPECT_TRUE(iequals("wpa2aes", "WPA2AES"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("WPA2", "WPA"));
    EXPECT_FALSE(iequals("WPA", "WPA2"));
    EXPECT_FALSE(iequals("TCN", "TCS"));
    EXPECT_FALSE(iequals("@", "`"));  // 0x40 vs 0x60: not letters, not folded
}

TEST(ParamsText, Spec1_4_IstartsWithIsACaseInsensitivePrefixMatch) {
    EXPECT_TRUE(istarts_with("+WSTATUS", "+WSTAT"));
    EXPECT_TRUE(istarts_with("+wstat=?", "+WSTAT"));
    EXPECT_TRUE(istarts_with("+WSET=0,x", "+wset="));
    EXPECT_TRUE(istarts_with("anything", ""));
    EXPECT_FALSE(istarts_with("+WSET", "+WSET="));
    EXPECT_FALSE(istarts_with("+WST", "+WSTAT"));
    EXPECT_FALSE(istarts_with("+MINFO", "+MHELP"));
}

// =============================================================================================
// Formatting

TEST(ParamsFormat, Ipv4ToString) {
    EXPECT_EQ(ip(192, 168, 12, 101).to_string(), "192.168.12.101");
    EXPECT_EQ(ip(0, 0, 0, 0).to_string(), "0.0.0.0");
    EXPECT_EQ(ip(255, 255, 255, 255).to_string(), "255.255.255.255");
    EXPECT_EQ(Ipv4{}.to_string(), "0.0.0.0");
}

TEST(ParamsFormat, Ipv4ParsedWithLeadingZerosPrintsWithout) {
    const auto parsed = parse_ipv4(" 010.001.002.003 ");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->to_string(), "10.1.2.3");
}

TEST(ParamsFormat, Ipv4ToUintIsHostOrderFirstOctetHighest) {
    EXPECT_EQ(ip(192, 168, 12, 101).to_uint(), 0xC0A80C65u);
    EXPECT_EQ(ip(1, 2, 3, 4).to_uint(), 0x01020304u);
    EXPECT_EQ(ip(255, 255, 255, 255).to_uint(), 0xFFFFFFFFu);
}

TEST(ParamsFormat, Ipv4FromUintRoundTrips) {
    EXPECT_EQ(Ipv4::from_uint(0xC0A80C65u), ip(192, 168, 12, 101));
    EXPECT_EQ(Ipv4::from_uint(0x0A000001u).to_string(), "10.0.0.1");
    EXPECT_EQ(Ipv4::from_uint(ip(8, 8, 4, 4).to_uint()), ip(8, 8, 4, 4));
}

TEST(ParamsFormat, Ipv4IsZeroAndEquality) {
    EXPECT_TRUE(Ipv4{}.is_zero());
    EXPECT_TRUE(ip(0, 0, 0, 0).is_zero());
    EXPECT_FALSE(ip(0, 0, 0, 1).is_zero());
    EXPECT_TRUE(ip(1, 2, 3, 4) == ip(1, 2, 3, 4));
    EXPECT_FALSE(ip(1, 2, 3, 4) != ip(1, 2, 3, 4));
    EXPECT_TRUE(ip(1, 2, 3, 4) != ip(4, 3, 2, 1));
}

TEST(ParamsFormat, MacToUpperAndLower) {
    const MacAddress m = mac(0x00, 0x08, 0xdc, 0xab, 0xcd, 0xef);
    EXPECT_EQ(m.to_upper(), "00:08:DC:AB:CD:EF");
    EXPECT_EQ(m.to_lower(), "00:08:dc:ab:cd:ef");
}

TEST(ParamsFormat, UnsetMacPrintsAsZeros) {
    // AT+WSET=? prints an unset BSSID as 00:00:00:00:00:00 (spec §2.2).
    EXPECT_EQ(MacAddress{}.to_lower(), "00:00:00:00:00:00");
    EXPECT_EQ(MacAddress{}.to_upper(), "00:00:00:00:00:00");
}

TEST(ParamsFormat, MacParsedFromShortGroupsPrintsTwoDigitsEach) {
    const auto parsed = parse_mac("0:8:dc:1:2:3");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->to_upper(), "00:08:DC:01:02:03");
    EXPECT_EQ(parsed->to_lower(), "00:08:dc:01:02:03");
}

TEST(ParamsFormat, MacEquality) {
    EXPECT_TRUE(mac(1, 2, 3, 4, 5, 6) == mac(1, 2, 3, 4, 5, 6));
    EXPECT_FALSE(mac(1, 2, 3, 4, 5, 6) == mac(1, 2, 3, 4, 5, 7));
}

}  // namespace
}  // namespace wizfi250d
