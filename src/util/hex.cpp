// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/util/hex.hpp"

namespace wizfi250d {

std::string hex_dump(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (!out.empty()) out += ' ';
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

}  // namespace wizfi250d
