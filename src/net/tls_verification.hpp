// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <string>

namespace wizfi250d {

// Sets SNI (for a host name) and, when check_name, the expected peer name or IP address on a
// client stream before its handshake. Whether the chain is checked at all is the context's
// verify mode (TlsContexts).
void prepare_client_verification(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream,
                                 const std::string& name, bool check_name);

// A readable reason for a failed handshake, including OpenSSL's verify result when there is one.
std::string describe_tls_error(const boost::system::error_code& ec);

// The same, with the reason the peer's certificate was refused (e.g. "certificate verify failed
// (SSL routines): hostname mismatch") read from the stream whose handshake failed.
std::string describe_tls_error(const boost::system::error_code& ec,
                               boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream);

}  // namespace wizfi250d
