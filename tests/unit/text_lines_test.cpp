// SPDX-License-Identifier: Apache-2.0
// Lines and words of small texts, split as std::getline and `stream >> word` split them.

#include "wizfi250d/util/text_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    TextLines reader(text);
    std::string_view line;
    while (reader.next(line))
        lines.emplace_back(line);
    return lines;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> words;
    TextWords reader(text);
    std::string_view word;
    while (reader.next(word))
        words.emplace_back(word);
    return words;
}

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
