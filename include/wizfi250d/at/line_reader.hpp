// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wizfi250d {

// Assembles command lines from serial bytes in command mode (spec §1.2), the way the firmware's
// WXS2w_CommandCharProcess does: feed one byte, get what it means. Echo is decided separately
// (echo_for), because the module echoes every byte before it is processed.
class LineReader {
public:
    static constexpr std::size_t max_line = 255;

    enum class Step {
        none,    // byte stored, dropped, or a backspace: nothing to run
        line,    // a non-empty line ended with CR: run line()
        repeat,  // "A/": run line() (the previous line) again, at once
    };

    Step feed(char byte);

    // The line to run after Step::line or Step::repeat.
    const std::string& line() const { return current_; }

    // Bytes held for the line being typed.
    std::size_t pending() const { return buffer_.size(); }

    // What the module echoes for one received byte in command mode (spec §1.3).
    static std::string_view echo_for(char byte);

    void reset() { buffer_.clear(); }

private:
    std::string buffer_;
    std::string current_;
    std::string previous_;
};

}  // namespace wizfi250d
