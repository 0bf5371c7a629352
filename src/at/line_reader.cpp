// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/at/line_reader.hpp"

#include <array>
#include <cctype>

namespace wizfi250d {

namespace {
constexpr char cr = '\r';
constexpr char lf = '\n';
constexpr char backspace = '\b';
}  // namespace

LineReader::Step LineReader::feed(char byte) {
    switch (byte) {
        case lf:
            return Step::none;
        case cr:
            if (buffer_.empty()) return Step::none;
            previous_ = buffer_;
            current_ = std::move(buffer_);
            buffer_.clear();
            return Step::line;
        case backspace:
            if (!buffer_.empty()) buffer_.pop_back();
            return Step::none;
        default:
            break;
    }
    if (byte == '/' && buffer_.size() == 1 &&
        std::toupper(static_cast<unsigned char>(buffer_[0])) == 'A') {
        buffer_.clear();
        current_ = previous_;
        return Step::repeat;
    }
    if (buffer_.size() < max_line) buffer_.push_back(byte);
    return Step::none;
}

std::string_view LineReader::echo_for(char byte) {
    // One static byte per value, so the view never points at the caller's variable.
    static const auto bytes = [] {
        std::array<char, 256> all{};
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i] = static_cast<char>(i);
        return all;
    }();
    static constexpr std::string_view crlf = "\r\n";
    if (byte == cr) return crlf;
    if (byte == lf) return {};
    return {&bytes[static_cast<unsigned char>(byte)], 1};
}

}  // namespace wizfi250d
