// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small HTTP/1.1 client for the web server tests (spec §2.5 AT+FWEBS): real TCP connections
// to 127.0.0.1, one request per connection unless the test keeps the connection, responses read
// by their Content-Length. It keeps the cookies the server sets, like a browser.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {

struct HttpResult {
    int status = 0;
    std::string head;  // status line and headers
    std::string body;
    // The first value of a header (case-insensitive name), or empty.
    std::string header(std::string_view name) const;
    // The value of the hidden _token field of the first form in the body, or empty.
    std::string form_token() const;
};

// Reads one response (status line, headers, Content-Length body) from a connection.
[[nodiscard]] ::testing::AssertionResult read_response(TcpConnection& connection, HttpResult& out,
                                                       Millis timeout = kTimeout);

// application/x-www-form-urlencoded
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

class WebClient {
public:
    explicit WebClient(std::uint16_t port) : port_(port) {}

    // One request on a new connection (Connection: close).
    [[nodiscard]] ::testing::AssertionResult get(std::string_view path, HttpResult& out);
    [[nodiscard]] ::testing::AssertionResult post(std::string_view path, std::string_view body,
                                                  HttpResult& out);
    // GET /login, then POST /login with its token; true when the server answered 303 to /.
    [[nodiscard]] ::testing::AssertionResult login(std::string_view user,
                                                   std::string_view password);
    // GETs `page`, then POSTs the fields to `action` with the page's token.
    [[nodiscard]] ::testing::AssertionResult submit(
        std::string_view page, std::string_view action,
        const std::vector<std::pair<std::string, std::string>>& fields, HttpResult& out);

    std::string cookie_header() const;
    void set_cookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
    std::uint16_t port() const { return port_; }

private:
    [[nodiscard]] ::testing::AssertionResult exchange(std::string request, HttpResult& out);
    void keep_cookies(const HttpResult& result);

    std::uint16_t port_;
    std::map<std::string, std::string> cookies_;
};

}  // namespace wizfi250d::conformance
