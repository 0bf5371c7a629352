// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {

// The web login (AT+MCWUI's user and password): logged-in sessions, their anti-forgery tokens,
// and failed logins slowed down. A session ends when it idles too long, at a reboot, or when
// the credentials change (AT+MCWUI from either side).
class LoginGuard {
public:
    struct Session {
        std::string id;           // the cookie value
        std::string token;        // the anti-forgery token every form of this session carries
        std::string credentials;  // digest of the credentials it logged in with
        std::chrono::steady_clock::time_point last_used;
        std::string notice;  // the result of the last change, shown once
        bool notice_failed = false;
    };

    explicit LoginGuard(boost::asio::io_context& io);

    // The session of a cookie value, when it is still valid for these credentials.
    Session* find(std::string_view id, std::string_view user, std::string_view password);
    // A new session after a successful login (the oldest one goes when the table is full).
    Session& open(std::string_view user, std::string_view password);
    void close(std::string_view id);
    // The session of an id whatever the credentials (to leave a notice after a change).
    Session* by_id(std::string_view id);
    void clear();

    // Checks user/password against what current() returns at the time of the check, after the
    // delay that the earlier failures earned; done(true) on a match. Checks are serialised, so
    // parallel guesses wait their turn.
    using Credentials = std::function<std::pair<std::string, std::string>()>;
    void attempt(std::string user, std::string password, Credentials current,
                 std::function<void(bool ok)> done);

    // The delay a failed login earns (1 s, doubling with each failure in a row, up to 16 s).
    static std::chrono::milliseconds failure_delay(unsigned failures);

private:
    boost::asio::io_context& io_;
    std::vector<Session> sessions_;
    unsigned failures_ = 0;
    std::chrono::steady_clock::time_point next_check_ = std::chrono::steady_clock::now();
    // Pending checks that fire after the guard is gone see it expired.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Compares in constant time (for any lengths: digests of both are compared).
bool same_secret(std::string_view a, std::string_view b);
// 128 random bits as 32 hex digits (OpenSSL's RAND_bytes).
std::string random_token();

}  // namespace wizfi250d
