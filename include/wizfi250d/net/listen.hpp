// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace wizfi250d {

// Opens `acceptor` on `endpoint` and listens: open, SO_REUSEADDR (a server started again at once
// finds its port free), bind, listen. The first error stops it and is returned; the caller
// reports it in its own words. Shared by the TCP server sockets, the Air command server and the
// web server.
inline boost::system::error_code listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                                           const boost::asio::ip::tcp::endpoint& endpoint,
                                           int backlog) {
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(backlog, ec);
    return ec;
}

}  // namespace wizfi250d
