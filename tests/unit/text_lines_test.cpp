// SPDX-License-Identifier: Apache-2.0
// Lines and words of small texts, split as std::getline and `stream >> word` split them.

#include "wizfi250d/util/text_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {
namespace {

// Every piece the reader (TextLines or TextWords) gives, in order.
template <typename Reader>
std::vector<std::string> pieces_of(std::string_view text) {
    std::vector<std::string> pieces;
    Reader reader(text);
    std::string_view piece;
    while (reader.next(piece))
        pieces.emplace_back(piece);
    return pieces;
}

const auto lines_of = pieces_of<TextLines>;
const auto words_of = pieces_of<TextWords>;

using Strings = std::vector<std::string>;

TEST(TextLines, SplitAsGetlineDoes) {
    EXPECT_EQ(lines_of(""), Strings{});
    EXPECT_EQ(lines_of("\n"), Strings{""});
    EXPECT_EQ(lines_of("a"), Strings{"a"});
    EXPECT_EQ(lines_of("a\n"), Strings{"a"});
    EXPECT_EQ(lines_of("a\n\nb"), (Strings{"a", "", "b"}));
    EXPECT_EQ(lines_of("a\r\nb\n\n"), (Strings{"a\r", "b", ""}));
    EXPECT_EQ(lines_of(std::string_view("a\0b\nc", 5)), (Strings{std::string("a\0b", 3), "c"}));
}

TEST(TextWords, SplitAtAnyWhiteSpaceAsStreamsDo) {
    EXPECT_EQ(words_of(""), Strings{});
    EXPECT_EQ(words_of(" \t\r\n"), Strings{});
    EXPECT_EQ(words_of("one"), Strings{"one"});
    EXPECT_EQ(words_of("  eth0\t00000000 0101A8C0\n"), (Strings{"eth0", "00000000", "0101A8C0"}));
    EXPECT_EQ(words_of("a\v\fb\r\nc "), (Strings{"a", "b", "c"}));
}

}  // namespace
}  // namespace wizfi250d
