// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/web/web_policy.hpp"

namespace wizfi250d {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// What a handler answers: the response, and what to do once it has been written (a reboot or a
// join that takes the server down must wait until the browser has its page).
struct HttpReply {
    HttpResponse response;
    std::function<void()> after_sent;
};

// The bounds of one request (beyond them: 400, 413 or 431, then the connection closes).
struct HttpLimits {
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_header_fields = 48;
    std::size_t max_body_bytes = 16 * 1024;
};

class HttpHandler {
public:
    using Respond = std::function<void(HttpReply reply)>;
    virtual ~HttpHandler() = default;
    // Called for each complete request within the limits. respond may be called later (on the
    // event loop) or never (the connection then closes).
    virtual void handle(const HttpRequest& request, const Ipv4& client, Respond respond) = 0;
};

// An HTTP/1.1 server on one address (Boost.Beast on the daemon's io_context): bounded
// connections, request sizes and idle time, clients checked against the policy's allow-list.
// Destroying it closes the listener and every connection.
class HttpServer {
public:
    virtual ~HttpServer() = default;
    virtual std::uint16_t port() const = 0;
    virtual std::size_t connections() const = 0;
};

// nullptr when it cannot listen (logged). port 0 picks a free port (tests).
std::unique_ptr<HttpServer> start_http_server(boost::asio::io_context& io, const Ipv4& address,
                                              std::uint16_t port, const WebServerPolicy& policy,
                                              HttpLimits limits, HttpHandler& handler);

// The response of a request that broke the limits or could not be parsed (also for the fuzz
// target): nullopt for errors that end the connection without an answer.
std::optional<HttpResponse> response_for_parse_error(const boost::system::error_code& ec);

}  // namespace wizfi250d
