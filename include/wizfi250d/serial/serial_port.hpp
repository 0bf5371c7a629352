// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
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
    using Handler = std::function<void(const boost::system::error_code&, std::size_t)>;

    virtual ~SerialPort() = default;
    virtual void async_read_some(boost::asio::mutable_buffer buffer, Handler handler) = 0;
    virtual void async_write_some(boost::asio::const_buffer buffer, Handler handler) = 0;
    // Writes what the device takes at once, without blocking: the number of bytes (0 when it
    // would block; an error shows at the next asynchronous write).
    virtual std::size_t write_now(std::string_view bytes) = 0;
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
