// SPDX-License-Identifier: Apache-2.0
// A real UART (or any TTY device): the --serial DEVICE front end.

#include <fcntl.h>

#include <cerrno>

#include "descriptor_port.hpp"
#include "raw_mode.hpp"
#include "serial_ports.hpp"
#include "termios_settings.hpp"

namespace wizfi250d {

namespace {

class TtyPort final : public DescriptorPort {
public:
    TtyPort(boost::asio::io_context& io, UniqueFd fd, std::string path)
        : DescriptorPort(io, std::move(fd)), path_(std::move(path)) {}

    void apply(const UartSettings& settings) override {
        if (is_open()) termios_settings::apply_line_settings(fd(), settings, path_);
    }
    bool output_drained() override { return !is_open() || termios_settings::output_drained(fd()); }
    std::uint32_t rate_taken(std::uint32_t baud) override {
        return is_open() ? termios_settings::rate_taken(fd(), baud) : baud;
    }
    std::string name() const override { return path_; }

private:
    std::string path_;
};

}  // namespace

std::unique_ptr<SerialPort> open_tty_port(boost::asio::io_context& io, const std::string& path,
                                          boost::system::error_code& ec) {
    // O_NONBLOCK: opening must not wait for a modem's carrier, and the loop never blocks.
    // O_NOCTTY: the daemon never takes the UART as its controlling terminal.
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        ec.assign(errno, boost::system::system_category());
        return nullptr;
    }
    ec = make_raw(fd.get());
    if (ec) return nullptr;
    return std::make_unique<TtyPort>(io, std::move(fd), path);
}

}  // namespace wizfi250d
