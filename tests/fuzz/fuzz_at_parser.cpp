// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the AT engine without a Module: LineReader (CR/LF/BS rules, the 255-character
// limit, "A/" repeat, echo), then on every line Params and the field parsers (numbers, hex,
// IPv4, IPv4 networks, MAC, bool) and the command-table lookup of both tables.
//
// Checks (a failed one aborts, which libFuzzer reports as a crash):
//   - a line is never longer than LineReader::max_line, nor is the pending buffer;
//   - the echo of a byte is CRLF for CR, nothing for LF, the byte itself otherwise;
//   - every field of Params comes from the argument text, and rest_after_comma is a suffix of it;
//   - what parse_ipv4 / parse_mac / parse_ipv4_network accept survives a print-and-parse round
//     trip; parse_number of a printed number gives that number back;
//   - a command-table hit is a prefix of the text (case-insensitively).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wizfi250d/at/command_table.hpp"
#include "wizfi250d/at/line_reader.hpp"
#include "wizfi250d/at/params.hpp"

namespace {

using namespace wizfi250d;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_at_parser: check failed: %s\n", what);
        std::abort();
    }
}

const CommandTable& table(bool binary) {
    static const CommandTable standard = CommandTable::standard(false);
    static const CommandTable coway = CommandTable::standard(true);
    return binary ? coway : standard;
}

void check_fields(std::string_view text) {
    parse_bool(text);
    parse_hex(text);
    if (const auto n = parse_number(text)) {
        check(parse_number(std::to_string(*n)) == n, "parse_number round trip");
    }
    if (const auto ip = parse_ipv4(text)) {
        check(parse_ipv4(ip->to_string()) == ip, "parse_ipv4 round trip");
        check(Ipv4::from_uint(ip->to_uint()) == *ip, "Ipv4 to_uint/from_uint round trip");
    }
    if (const auto net = parse_ipv4_network(text)) {
        check(net->prefix_length <= 32, "prefix length <= 32");
        const auto again =
            parse_ipv4_network(net->address.to_string() + "/" + std::to_string(net->prefix_length));
        check(again.has_value() && again->address == net->address &&
                  again->prefix_length == net->prefix_length,
              "parse_ipv4_network round trip");
        net->contains(net->address);
    }
    if (const auto mac = parse_mac(text)) {
        const auto upper = parse_mac(mac->to_upper());
        const auto lower = parse_mac(mac->to_lower());
        check(upper.has_value() && *upper == *mac, "parse_mac round trip (upper)");
        check(lower.has_value() && *lower == *mac, "parse_mac round trip (lower)");
    }
}

void check_line(const std::string& line) {
    check(line.size() <= LineReader::max_line, "line length <= max_line");
    const std::string_view text(line);
    for (const bool binary : {false, true}) {
        if (text.size() < 2) break;
        const std::string_view rest = text.substr(2);
        if (const CommandRow* row = table(binary).find(rest)) {
            check(row->handler != nullptr, "row has a handler");
            check(istarts_with(rest, row->name), "table hit is a prefix of the line");
        }
    }
    // Everything after the first '=' (or the whole line) as an argument string.
    const std::size_t eq = text.find('=');
    const std::string_view args = eq == std::string_view::npos ? text : text.substr(eq + 1);
    const Params params(args);
    check(params.raw() == args, "Params keeps the raw text");
    for (std::size_t i = 0; i < params.size() + 2; ++i) {
        const auto& field = params[i];
        if (!field) continue;
        check(field->size() <= args.size(), "a field is not longer than the arguments");
        check_fields(*field);
    }
    for (std::size_t n = 1; n < 4; ++n) {
        const std::string_view rest = params.rest_after_comma(n);
        check(rest.empty() || args.substr(args.size() - rest.size()) == rest,
              "rest_after_comma is a suffix");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // The whole input as one field, too: the parsers see text that no line would hold.
    check_fields(bytes.substr(0, 512));

    LineReader reader;
    for (const char byte : bytes) {
        const std::string_view echo = LineReader::echo_for(byte);
        if (byte == '\r') {
            check(echo == "\r\n", "CR echoes CRLF");
        } else if (byte == '\n') {
            check(echo.empty(), "LF echoes nothing");
        } else {
            check(echo.size() == 1 && echo[0] == byte, "a byte echoes itself");
        }
        const LineReader::Step step = reader.feed(byte);
        check(reader.pending() <= LineReader::max_line, "pending <= max_line");
        if (step != LineReader::Step::none) check_line(reader.line());
    }
    return 0;
}
