// SPDX-License-Identifier: Apache-2.0
#pragma once

// The three kinds of serial front end; open_serial_port() picks one by the spec's kind.

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

#include "wizfi250d/serial/serial_port.hpp"

namespace wizfi250d {

std::unique_ptr<SerialPort> open_tty_port(boost::asio::io_context& io, const std::string& path,
                                          boost::system::error_code& ec);
std::unique_ptr<SerialPort> open_pty_port(boost::asio::io_context& io, const std::string& link,
                                          boost::system::error_code& ec);
std::unique_ptr<SerialPort> open_stdio_port(boost::asio::io_context& io,
                                            boost::system::error_code& ec);

}  // namespace wizfi250d
