// SPDX-License-Identifier: Apache-2.0
#pragma once

// Lines and words of small texts (the configuration file, /proc and /sys entries, DHCP leases)
// as views into the text. The daemon reads such texts without C++ streams: a stream brings in
// the standard library's locale machinery, which builds every facet of the classic locale when
// first used, a large part of the process's resident memory for a few short files.

#include <string_view>

namespace wizfi250d {

// The text's lines in order, each without its '\n', as std::getline splits them: a last line
// without '\n' is a line, a text ending in '\n' has no empty line after it.
class TextLines {
public:
    explicit TextLines(std::string_view text) : rest_(text) {}

    // The next line into line; false when there is none left.
    bool next(std::string_view& line) {
        if (rest_.empty()) return false;
        const auto end = rest_.find('\n');
        line = rest_.substr(0, end);
        rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
        return true;
    }

private:
    std::string_view rest_;
};

// The text's words, separated by spaces, tabs and line ends, as `stream >> word` reads them.
class TextWords {
public:
    explicit TextWords(std::string_view text) : rest_(text) {}

    // The next word into word; false when there is none left.
    bool next(std::string_view& word) {
        const auto start = rest_.find_first_not_of(separators);
        if (start == std::string_view::npos) return false;
        rest_.remove_prefix(start);
        const auto end = rest_.find_first_of(separators);
        word = rest_.substr(0, end);
        rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end);
        return true;
    }

private:
    static constexpr std::string_view separators = " \t\n\r\v\f";
    std::string_view rest_;
};

}  // namespace wizfi250d
