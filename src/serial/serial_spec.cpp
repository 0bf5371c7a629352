// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/serial/serial_port.hpp"

#include "serial_ports.hpp"

namespace wizfi250d {

namespace {
constexpr std::string_view stdio_name = "stdio";
constexpr std::string_view pty_prefix = "pty:";
}  // namespace

std::optional<SerialSpec> SerialSpec::parse(std::string_view text) {
    SerialSpec spec;
    if (text == stdio_name) {
        spec.kind = Kind::stdio;
    } else if (text.substr(0, pty_prefix.size()) == pty_prefix) {
        spec.kind = Kind::pty;
        spec.path = std::string(text.substr(pty_prefix.size()));
    } else {
        spec.kind = Kind::device;
        spec.path = std::string(text);
    }
    if (spec.kind != Kind::stdio && spec.path.empty()) return std::nullopt;
    return spec;
}

std::string SerialSpec::describe() const {
    switch (kind) {
        case Kind::stdio:
            return std::string(stdio_name);
        case Kind::pty:
            return std::string(pty_prefix) + path;
        case Kind::device:
            break;
    }
    return path;
}

std::unique_ptr<SerialPort> open_serial_port(boost::asio::io_context& io, const SerialSpec& spec,
                                             boost::system::error_code& ec) {
    ec.clear();
    switch (spec.kind) {
        case SerialSpec::Kind::stdio:
            return open_stdio_port(io, ec);
        case SerialSpec::Kind::pty:
            return open_pty_port(io, spec.path, ec);
        case SerialSpec::Kind::device:
            break;
    }
    return open_tty_port(io, spec.path, ec);
}

}  // namespace wizfi250d
