// SPDX-License-Identifier: Apache-2.0
#include "login_guard.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace wizfi250d {

namespace {

constexpr std::size_t max_sessions = 4;
constexpr std::chrono::minutes session_idle_limit{15};
constexpr std::chrono::milliseconds first_failure_delay{1000};
constexpr unsigned max_delay_doublings = 4;

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest sha256(std::string_view text) {
    Digest digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return digest;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) {
        char digits[3];
        std::snprintf(digits, sizeof digits, "%02x", bytes[i]);
        text += digits;
    }
    return text;
}

// A session remembers which credentials it logged in with, never the password itself.
std::string credentials_digest(std::string_view user, std::string_view password) {
    std::string joined(user);
    joined += '\0';
    joined += password;
    const Digest digest = sha256(joined);
    return hex(digest.data(), digest.size());
}

}  // namespace

bool same_secret(std::string_view a, std::string_view b) {
    const Digest da = sha256(a);
    const Digest db = sha256(b);
    return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::string random_token() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return hex(bytes.data(), bytes.size());
}

LoginGuard::LoginGuard(boost::asio::io_context& io) : io_(io) {}

LoginGuard::Session* LoginGuard::find(std::string_view id, std::string_view user,
                                      std::string_view password) {
    const auto now = std::chrono::steady_clock::now();
    sessions_.erase(
        std::remove_if(sessions_.begin(), sessions_.end(),
                       [now](const Session& s) { return now - s.last_used > session_idle_limit; }),
        sessions_.end());
    if (id.empty()) return nullptr;
    const std::string credentials = credentials_digest(user, password);
    for (auto& session : sessions_) {
        if (!same_secret(session.id, id)) continue;
        if (session.credentials != credentials) return nullptr;  // AT+MCWUI changed them
        session.last_used = now;
        return &session;
    }
    return nullptr;
}

LoginGuard::Session& LoginGuard::open(std::string_view user, std::string_view password) {
    if (sessions_.size() >= max_sessions) {
        sessions_.erase(std::min_element(
            sessions_.begin(), sessions_.end(),
            [](const Session& a, const Session& b) { return a.last_used < b.last_used; }));
    }
    sessions_.push_back(Session{random_token(),
                                random_token(),
                                credentials_digest(user, password),
                                std::chrono::steady_clock::now(),
                                {},
                                false});
    return sessions_.back();
}

LoginGuard::Session* LoginGuard::by_id(std::string_view id) {
    for (auto& session : sessions_)
        if (session.id == id) return &session;
    return nullptr;
}

void LoginGuard::close(std::string_view id) {
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                   [id](const Session& s) { return s.id == id; }),
                    sessions_.end());
}

void LoginGuard::clear() {
    sessions_.clear();
}

std::chrono::milliseconds LoginGuard::failure_delay(unsigned failures) {
    if (failures == 0) return std::chrono::milliseconds{0};
    return first_failure_delay * (1U << std::min(failures - 1, max_delay_doublings));
}

void LoginGuard::attempt(std::string user, std::string password, Credentials current,
                         std::function<void(bool ok)> done) {
    // The check runs when the delay of the failures so far has passed; the next one waits at
    // least as long again (a timer: the loop never blocks).
    const auto now = std::chrono::steady_clock::now();
    const auto when = std::max(now, next_check_);
    next_check_ = when + failure_delay(failures_);
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, when);
    timer->async_wait([this, alive = std::weak_ptr<bool>(alive_), timer, user = std::move(user),
                       password = std::move(password), current = std::move(current),
                       done = std::move(done)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        const auto [expected_user, expected_password] = current();
        // Both compared, always, so the time does not tell which one was wrong.
        const bool user_ok = same_secret(user, expected_user);
        const bool password_ok = same_secret(password, expected_password);
        if (user_ok && password_ok) {
            failures_ = 0;
            next_check_ = std::chrono::steady_clock::now();
            done(true);
            return;
        }
        ++failures_;
        spdlog::warn("web server: failed login ({} in a row)", failures_);
        // The failure is answered only after its delay.
        timer->expires_after(failure_delay(failures_));
        next_check_ = std::max(next_check_, timer->expiry());
        timer->async_wait([timer, done](const boost::system::error_code& wait_ec) {
            if (!wait_ec) done(false);
        });
    });
}

}  // namespace wizfi250d
