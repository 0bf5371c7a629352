// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/descriptor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/serial/uart_settings.hpp"

namespace wizfi250d {

// Where the module's UART is (the --serial option of the command-line contract).
struct SerialSpec {
    enum class Kind { device, pty, stdio };
    Kind kind = Kind::stdio;
    std::string path;  // the device, or the symbolic link made for pty:LINK

    // "stdio", "pty:LINK" or a device path.
    static std::optional<SerialSpec> parse(std::string_view text);
    std::string describe() const;
};

// One open serial front end: a real TTY, a pseudo-terminal or the controlling terminal.
class SerialPort {
public:
    virtual ~SerialPort() = default;
    // The non-blocking descriptor the front end reads from. The reader takes what it holds with
    // read(2) until EAGAIN and waits on it (wait_read) only then: no asynchronous operation and
    // no handler per read.
    virtual boost::asio::posix::descriptor& input() = 0;
    // The descriptor the writer's asynchronous writes go to (with the writer's own handler: no
    // std::function and no allocation per write); starting_write(bytes) runs before each, with
    // the last of the buffers the write offers.
    virtual boost::asio::posix::stream_descriptor& output() = 0;
    virtual void starting_write(std::string_view /*bytes*/) {}
    // Writes what the device takes at once, without blocking: the number of bytes (0 when it
    // would block; an error shows at the next asynchronous write).
    virtual std::size_t write_now(std::string_view bytes) = 0;
    // The same for parts in order, as one write (writev): the number of bytes taken.
    virtual std::size_t write_now(const std::string_view* parts, std::size_t count) = 0;
    // Applies line settings. What the device refuses (a pty ignores parity and 7 data bits) or
    // cannot do exactly (0.5 and 1.5 stop bits) is logged as a warning, never fatal.
    virtual void apply(const UartSettings& settings) = 0;
    // Whether everything written has left the device: its driver's buffer and the UART's
    // transmitter. A pty or the terminal has sent it once the kernel has it.
    virtual bool output_drained() { return true; }
    // Tries the rate on the device and puts the current settings back: the rate the UART would
    // run at when asked for baud (the driver's, or the one its clock's divisor makes where the
    // driver tells). A pty or the terminal takes any.
    virtual std::uint32_t rate_taken(std::uint32_t baud) { return baud; }
    // Cancels pending operations and closes; handlers run with operation_aborted.
    virtual void close() = 0;
    virtual std::string name() const = 0;
};

// Opens the front end named by spec. On failure returns nullptr and sets ec.
std::unique_ptr<SerialPort> open_serial_port(boost::asio::io_context& io, const SerialSpec& spec,
                                             boost::system::error_code& ec);

}  // namespace wizfi250d
