// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the profile file parser (parse_profile) and its value escaping: the text a
// daemon finds in its state directory after a crash, a full disk or a hand edit.
//
// Checks (a failed one aborts):
//   - a text that parses serializes to a text that parses again to the same serialization
//     (the writer and the reader agree on every field);
//   - a refused text names a line within the text (or line 0) and the error text is not empty;
//   - unescape(escape(bytes)) == bytes for any bytes; escape() output is printable ASCII.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wizfi250d/profile/profile_file.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_profile: check failed: %s\n", what);
        std::abort();
    }
}

std::size_t count_lines(std::string_view text) {
    std::size_t lines = 1;
    for (const char c : text)
        if (c == '\n') ++lines;
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wizfi250d;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    ProfileError error;
    if (const auto profile = parse_profile(text, error)) {
        const std::string written = serialize_profile(*profile);
        check(!written.empty() && written.back() == '\n', "serialized text ends in a newline");
        ProfileError again_error;
        const auto again = parse_profile(written, again_error);
        if (!again) {
            std::fprintf(stderr, "re-read failed: %s\n", again_error.to_string().c_str());
        }
        check(again.has_value(), "a serialized profile parses again");
        check(serialize_profile(*again) == written, "serialize/parse round trip is stable");
    } else {
        check(error.line <= count_lines(text), "the error's line is within the text");
        check(!error.to_string().empty(), "the error has a text");
    }

    // The escaping on its own, with the input as raw bytes.
    const std::string escaped = escape_profile_value(text);
    for (const char c : escaped) {
        const auto u = static_cast<unsigned char>(c);
        check(u >= 0x20 && u < 0x7f, "escaped text is printable ASCII");
    }
    const auto unescaped = unescape_profile_value(escaped);
    check(unescaped.has_value() && *unescaped == text, "unescape(escape(x)) == x");
    // And the input as escaped text: whatever it decodes to must encode back to something that
    // decodes to the same bytes.
    if (const auto decoded = unescape_profile_value(text)) {
        const auto round = unescape_profile_value(escape_profile_value(*decoded));
        check(round.has_value() && *round == *decoded, "decode/encode/decode is stable");
    }
    return 0;
}
