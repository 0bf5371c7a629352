// SPDX-License-Identifier: Apache-2.0
// Fuzz target: raw HTTP bytes into the web console's request handling: Beast's request parser
// with the server's limits, then the console (routing, cookies, the login, form parsing, the
// anti-forgery check, the pages, and the AT command lines the forms run through a real Module).
//
// Input: byte 0 holds options (bit 0: log in first, so the pages and forms are reached); the
// rest is the byte stream of one connection, parsed into as many requests as it holds (at most
// 8). In the stream, "@S@" becomes the logged-in session's cookie value and "@T@" its
// anti-forgery token, so that inputs can carry both without guessing random values.
//
// The Module is the one of fuzz_module (a pty, a Wi-Fi stand-in that never links), so a form
// may run any command it builds, AT+MRESET and AT+MFDEF included; nothing listens on a socket.

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "module_env.hpp"
#include "wizfi250d/web/web_console.hpp"

namespace {

namespace http = boost::beast::http;
using wizfi250d::HttpReply;
using wizfi250d::HttpRequest;

constexpr std::size_t max_requests = 8;

struct Console {
    wizfi250d::fuzz::ModuleEnv env;
    wizfi250d::WebConsole console{env.module()};
    std::string session;
    std::string token;

    // One request through the console; the reply once the event loop has run.
    std::optional<HttpReply> handle(const HttpRequest& request) {
        std::optional<HttpReply> reply;
        console.handle(request, wizfi250d::Ipv4{{127, 0, 0, 1}},
                       [&reply](HttpReply answer) { reply = std::move(answer); });
        env.settle();
        if (reply) {
            // What the session would write, and what it would run after.
            reply->response.prepare_payload();
            auto after = std::move(reply->after_sent);
            if (after) after();
            env.settle();
        }
        return reply;
    }

    HttpRequest request(http::verb verb, std::string target, std::string body, std::string cookie) {
        HttpRequest r{verb, target, 11};
        r.set(http::field::host, "127.0.0.1");
        if (!cookie.empty()) r.set(http::field::cookie, cookie);
        r.body() = std::move(body);
        r.prepare_payload();
        return r;
    }

    // GET /login, POST /login with the factory login; keeps the session and its token.
    void log_in() {
        auto page = handle(request(http::verb::get, "/login", {}, {}));
        if (!page) return;
        const std::string set_cookie(page->response[http::field::set_cookie]);
        const std::string login_token = set_cookie.substr(set_cookie.find('=') + 1, 32);
        auto done = handle(request(http::verb::post, "/login",
                                   "_token=" + login_token + "&user=admin&password=admin",
                                   "wizfi250d_login=" + login_token));
        if (!done) return;
        const std::string cookie(done->response[http::field::set_cookie]);
        session = cookie.substr(cookie.find('=') + 1, 32);
        auto status =
            handle(request(http::verb::get, "/system", {}, "wizfi250d_session=" + session));
        if (!status) return;
        const std::string& body = status->response.body();
        const auto at = body.find("name=\"_token\" value=\"");
        if (at != std::string::npos) token = body.substr(at + 21, 32);
    }
};

std::string substitute(std::string text, std::string_view marker, const std::string& value) {
    for (auto at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + value.size()))
        text.replace(at, marker.size(), value);
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    Console console;
    if ((data[0] & 1u) != 0) console.log_in();
    std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
    stream = substitute(std::move(stream), "@S@", console.session);
    stream = substitute(std::move(stream), "@T@", console.token);

    const wizfi250d::HttpLimits limits;
    std::string_view rest(stream);
    for (std::size_t n = 0; n < max_requests && !rest.empty(); ++n) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
        parser.body_limit(limits.max_body_bytes);
        parser.eager(true);
        boost::system::error_code ec;
        const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        if (!ec && !parser.is_done()) parser.put_eof(ec);
        if (ec || !parser.is_done()) {
            // What the session answers to a request it cannot parse (if anything).
            if (auto response = wizfi250d::response_for_parse_error(ec))
                response->prepare_payload();
            break;
        }
        rest.remove_prefix(used);
        console.handle(parser.release());
    }
    return 0;
}
