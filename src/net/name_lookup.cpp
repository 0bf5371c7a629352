// SPDX-License-Identifier: Apache-2.0
// Host-name lookup with a time limit (see name_lookup.hpp).

#include "wizfi250d/net/name_lookup.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <utility>

namespace wizfi250d {

namespace {

using boost::asio::ip::tcp;

// One lookup in flight: the caller's callback, the time limit and the query's cancel function.
// Shared by the timer's and the query's handlers; whichever comes first ends it.
struct PendingLookup {
    PendingLookup(boost::asio::io_context& io, std::string name, NameLookup::Done callback)
        : host(std::move(name)), done(std::move(callback)), timer(io) {}

    void finish(std::optional<Ipv4> address) {
        if (finished) return;
        finished = true;
        timer.cancel();
        if (cancel_query) {
            // Cancel now, and drop the function: it may hold the query's resources.
            const auto cancel = std::move(cancel_query);
            cancel_query = nullptr;
            cancel();
        }
        const auto callback = std::move(done);
        done = nullptr;
        callback(address);
    }

    std::string host;
    NameLookup::Done done;
    boost::asio::steady_timer timer;
    std::function<void()> cancel_query;
    bool finished = false;
};

// getaddrinfo on Asio's resolver thread. Cancelling stops a lookup that has not started yet; a
// getaddrinfo call that is already running cannot be interrupted, its answer comes and is
// dropped.
class SystemNameLookup final : public NameLookup {
public:
    using NameLookup::NameLookup;

protected:
    Cancel query(const std::string& host, Answer answer) override {
        auto resolver = std::make_shared<tcp::resolver>(io());
        // IPv4 only; no AI_ADDRCONFIG (Asio's default), which would hide 127.0.0.1 for
        // "localhost" on a machine whose only IPv4 address is the loopback one.
        resolver->async_resolve(
            tcp::v4(), host, std::string(), tcp::resolver::flags(),
            [resolver, host, answer = std::move(answer)](
                const boost::system::error_code& ec, const tcp::resolver::results_type& results) {
                if (ec == boost::asio::error::operation_aborted) return;
                if (ec || results.empty()) {
                    spdlog::debug("name lookup: {}: {}", host, ec ? ec.message() : "no address");
                    answer(std::nullopt);
                    return;
                }
                const auto address = results.begin()->endpoint().address().to_v4();
                answer(Ipv4::from_uint(address.to_uint()));
            });
        return [weak = std::weak_ptr<tcp::resolver>(resolver)] {
            if (const auto r = weak.lock()) r->cancel();
        };
    }
};

}  // namespace

bool is_reserved_invalid_name(std::string_view host) {
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    constexpr std::string_view tld = "invalid";
    if (host.size() < tld.size()) return false;
    const std::string_view last = host.substr(host.size() - tld.size());
    if (!iequals(last, tld)) return false;
    return host.size() == tld.size() || host[host.size() - tld.size() - 1] == '.';
}

void NameLookup::lookup(std::string host, std::chrono::milliseconds timeout, Done done) {
    // Answered without a query: a dotted quad, a reserved name, a zero time limit.
    std::optional<std::optional<Ipv4>> immediate;
    if (const auto literal = parse_ipv4(host)) {
        immediate = literal;
    } else if (host.empty() || is_reserved_invalid_name(host) || timeout.count() <= 0) {
        immediate = std::optional<Ipv4>{};
    }
    if (immediate) {
        boost::asio::post(io_, [done = std::move(done), address = *immediate] { done(address); });
        return;
    }

    auto pending = std::make_shared<PendingLookup>(io_, std::move(host), std::move(done));
    pending->timer.expires_after(timeout);
    pending->timer.async_wait([pending](const boost::system::error_code& ec) {
        if (ec || pending->finished) return;
        spdlog::debug("name lookup: {}: timed out", pending->host);
        pending->finish(std::nullopt);
    });
    // The answer holds the lookup; the lookup holds only the cancel function, which must not
    // hold the answer (no cycle).
    pending->cancel_query =
        query(pending->host, [pending](std::optional<Ipv4> address) { pending->finish(address); });
    // An answer can only come through the event loop, so it cannot have ended the lookup yet.
}

std::unique_ptr<NameLookup> make_system_name_lookup(boost::asio::io_context& io) {
    return std::make_unique<SystemNameLookup>(io);
}

}  // namespace wizfi250d
