// SPDX-License-Identifier: Apache-2.0
#include "web_client.hpp"

#include <cctype>
#include <cstdio>

#include "../../src/web/form_data.hpp"

namespace wizfi250d::conformance {

namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::string HttpResult::header(std::string_view name) const {
    std::size_t at = head.find("\r\n");
    while (at != std::string::npos && at + 2 < head.size()) {
        const std::size_t start = at + 2;
        const std::size_t end = head.find("\r\n", start);
        const std::string_view line(head.data() + start,
                                    (end == std::string::npos ? head.size() : end) - start);
        const auto colon = line.find(':');
        if (colon != std::string_view::npos && iequal(line.substr(0, colon), name)) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            return std::string(value);
        }
        at = end;
    }
    return {};
}

std::string HttpResult::form_token() const {
    constexpr std::string_view marker = "name=\"_token\" value=\"";
    const auto at = body.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return body.substr(start, body.find('"', start) - start);
}

::testing::AssertionResult read_response(TcpConnection& connection, HttpResult& out,
                                         Millis timeout) {
    out = HttpResult{};
    while (out.head.size() < 4 || out.head.compare(out.head.size() - 4, 4, "\r\n\r\n") != 0) {
        std::string byte;
        if (auto r = connection.read_exactly(1, byte, timeout); !r)
            return r << "\nresponse head so far: " << escape_bytes(out.head);
        out.head += byte;
        if (out.head.size() > 64 * 1024) return ::testing::AssertionFailure() << "head too long";
    }
    if (std::sscanf(out.head.c_str(), "HTTP/1.1 %d", &out.status) != 1)
        return ::testing::AssertionFailure() << "no status line: " << escape_bytes(out.head);
    const std::string length = out.header("Content-Length");
    const std::size_t size = length.empty() ? 0 : std::stoul(length);
    if (size > 0) {
        if (auto r = connection.read_exactly(size, out.body, timeout); !r) return r;
    }
    return ::testing::AssertionSuccess();
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        if (!body.empty()) body += '&';
        body += url_encode(name) + "=" + url_encode(value);
    }
    return body;
}

std::string WebClient::cookie_header() const {
    std::string header;
    for (const auto& [name, value] : cookies_) {
        if (!header.empty()) header += "; ";
        header += name + "=" + value;
    }
    return header;
}

void WebClient::keep_cookies(const HttpResult& result) {
    // One Set-Cookie per response is all this server sends.
    const std::string cookie = result.header("Set-Cookie");
    const auto equals = cookie.find('=');
    if (equals == std::string::npos) return;
    const auto end = cookie.find(';');
    const std::string name = cookie.substr(0, equals);
    const std::string value = cookie.substr(equals + 1, end - equals - 1);
    if (value.empty()) {
        cookies_.erase(name);
    } else {
        cookies_[name] = value;
    }
}

::testing::AssertionResult WebClient::exchange(std::string request, HttpResult& out) {
    TcpConnection connection;
    if (auto r = connection.connect(port_); !r) return r;
    if (auto r = connection.send(request); !r) return r;
    if (auto r = read_response(connection, out); !r) return r;
    keep_cookies(out);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult WebClient::get(std::string_view path, HttpResult& out) {
    std::string request = "GET " + std::string(path) +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                          "\r\nConnection: close\r\n";
    if (!cookies_.empty()) request += "Cookie: " + cookie_header() + "\r\n";
    return exchange(request + "\r\n", out);
}

::testing::AssertionResult WebClient::post(std::string_view path, std::string_view body,
                                           HttpResult& out) {
    std::string request = "POST " + std::string(path) +
                          " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                          "\r\nConnection: close\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n";
    if (!cookies_.empty()) request += "Cookie: " + cookie_header() + "\r\n";
    return exchange(request + "\r\n" + std::string(body), out);
}

::testing::AssertionResult WebClient::login(std::string_view user, std::string_view password) {
    HttpResult page;
    if (auto r = get("/login", page); !r) return r;
    HttpResult result;
    if (auto r = post("/login",
                      form_body({{"_token", page.form_token()},
                                 {"user", std::string(user)},
                                 {"password", std::string(password)}}),
                      result);
        !r)
        return r;
    if (result.status != 303 || result.header("Location") != "/")
        return ::testing::AssertionFailure() << "login answered " << result.status << "\n"
                                             << escape_bytes(result.head, true);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult WebClient::submit(
    std::string_view page, std::string_view action,
    const std::vector<std::pair<std::string, std::string>>& fields, HttpResult& out) {
    HttpResult form;
    if (auto r = get(page, form); !r) return r;
    if (form.status != 200)
        return ::testing::AssertionFailure() << "GET " << page << " answered " << form.status;
    auto all = fields;
    all.insert(all.begin(), {"_token", form.form_token()});
    return post(action, form_body(all), out);
}

}  // namespace wizfi250d::conformance
