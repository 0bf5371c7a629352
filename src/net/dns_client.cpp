// SPDX-License-Identifier: Apache-2.0
// Asynchronous DNS A-record client over UDP (see dns_client.hpp).

#include "wizfi250d/net/dns_client.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <random>
#include <string_view>
#include <utility>

namespace wizfi250d {

namespace dns {

namespace {

constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_cname = 5;
constexpr std::uint16_t class_in = 1;
constexpr std::size_t header_size = 12;
constexpr std::size_t max_name = 255;
constexpr int max_cname_links = 8;
constexpr int max_pointer_jumps = 32;

std::uint16_t read16(const std::string& m, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(m[at]) << 8) |
                                      static_cast<unsigned char>(m[at + 1]));
}

void append16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
}

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// The name without one trailing dot, lower-case, labels joined by '.'.
std::string normalize(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string out;
    out.reserve(name.size());
    for (const char c : name)
        out.push_back(lower(c));
    return out;
}

// Reads a (possibly compressed) name at `pos`. On success `name` is the normalized text and
// `next` the position after the name in the record it started in.
bool read_name(const std::string& m, std::size_t pos, std::string& name, std::size_t& next) {
    name.clear();
    bool jumped = false;
    int jumps = 0;
    std::size_t encoded = 0;
    for (;;) {
        if (pos >= m.size()) return false;
        const auto len = static_cast<unsigned char>(m[pos]);
        if ((len & 0xC0) == 0xC0) {
            if (pos + 1 >= m.size() || ++jumps > max_pointer_jumps) return false;
            const std::size_t target = static_cast<std::size_t>(
                ((len & 0x3F) << 8) | static_cast<unsigned char>(m[pos + 1]));
            if (!jumped) next = pos + 2;
            jumped = true;
            pos = target;
            continue;
        }
        if ((len & 0xC0) != 0) return false;  // extended label types: not used
        if (len == 0) {
            if (!jumped) next = pos + 1;
            return true;
        }
        if (pos + 1 + len > m.size()) return false;
        encoded += 1 + len;
        if (encoded + 1 > max_name) return false;
        if (!name.empty()) name.push_back('.');
        for (std::size_t i = 0; i < len; ++i)
            name.push_back(lower(m[pos + 1 + i]));
        pos += 1 + len;
    }
}

struct Record {
    std::string owner;
    std::uint16_t type = 0;
    Ipv4 address;        // type A
    std::string target;  // type CNAME
};

}  // namespace

std::string make_query(std::uint16_t id, const std::string& name) {
    const std::string n = normalize(name);
    if (n.empty()) return {};
    std::string out;
    append16(out, id);
    append16(out, 0x0100);  // standard query, recursion desired
    append16(out, 1);       // one question
    append16(out, 0);
    append16(out, 0);
    append16(out, 0);
    std::size_t start = 0;
    std::size_t encoded = 0;
    while (start <= n.size()) {
        auto end = n.find('.', start);
        if (end == std::string::npos) end = n.size();
        const std::size_t len = end - start;
        if (len == 0 || len > 63) return {};
        encoded += 1 + len;
        if (encoded + 1 > max_name) return {};
        out.push_back(static_cast<char>(len));
        // The caller's spelling, not the lower-cased one (DNS is case-insensitive; 0x20 is fine).
        out.append(name, start, len);
        start = end + 1;
    }
    out.push_back('\0');
    append16(out, type_a);
    append16(out, class_in);
    return out;
}

std::optional<Reply> parse_reply(const std::string& m, std::uint16_t id, const std::string& name) {
    if (m.size() < 2 || read16(m, 0) != id) return std::nullopt;
    Reply malformed;  // kind = malformed
    if (m.size() < header_size) return malformed;
    const std::uint16_t flags = read16(m, 2);
    if ((flags & 0x8000) == 0) return std::nullopt;  // a query, not a reply
    const unsigned opcode = (flags >> 11) & 0xF;
    const bool truncated = (flags & 0x0200) != 0;
    const unsigned rcode = flags & 0xF;
    const std::uint16_t qdcount = read16(m, 4);
    const std::uint16_t ancount = read16(m, 6);
    if (opcode != 0) return malformed;

    std::size_t pos = header_size;
    const std::string wanted = normalize(name);
    if (qdcount == 0) {
        // Some servers send errors without the question.
        if (rcode != 0) return Reply{Reply::Kind::failure, {}};
        return malformed;
    }
    if (qdcount != 1) return malformed;
    std::string qname;
    if (!read_name(m, pos, qname, pos) || pos + 4 > m.size()) return malformed;
    if (qname != wanted || read16(m, pos) != type_a || read16(m, pos + 2) != class_in)
        return std::nullopt;  // a reply to another question
    pos += 4;

    if (rcode == 3) return Reply{Reply::Kind::no_address, {}};
    if (rcode != 0) return Reply{Reply::Kind::failure, {}};

    std::vector<Record> records;
    bool complete = true;
    for (unsigned i = 0; i < ancount; ++i) {
        Record r;
        if (!read_name(m, pos, r.owner, pos) || pos + 10 > m.size()) {
            complete = false;
            break;
        }
        r.type = read16(m, pos);
        const std::uint16_t rclass = read16(m, pos + 2);
        const std::uint16_t rdlength = read16(m, pos + 8);
        pos += 10;
        if (pos + rdlength > m.size()) {
            complete = false;
            break;
        }
        if (rclass == class_in && r.type == type_a && rdlength == 4) {
            for (std::size_t b = 0; b < 4; ++b)
                r.address.octets[b] = static_cast<std::uint8_t>(m[pos + b]);
            records.push_back(std::move(r));
        } else if (rclass == class_in && r.type == type_cname) {
            std::size_t after = 0;
            if (!read_name(m, pos, r.target, after) || after > pos + rdlength) {
                complete = false;
                break;
            }
            records.push_back(std::move(r));
        }
        pos += rdlength;
    }
    if (!complete && !truncated) return malformed;

    std::string current = wanted;
    for (int link = 0; link <= max_cname_links; ++link) {
        for (const auto& r : records) {
            if (r.type == type_a && r.owner == current)
                return Reply{Reply::Kind::address, r.address};
        }
        const Record* alias = nullptr;
        for (const auto& r : records) {
            if (r.type == type_cname && r.owner == current) {
                alias = &r;
                break;
            }
        }
        if (!alias) break;
        current = alias->target;
    }
    if (truncated) return Reply{Reply::Kind::failure, {}};
    return Reply{Reply::Kind::no_address, {}};
}

}  // namespace dns

namespace {

using boost::asio::ip::udp;

// One lookup in flight. Held by its own handlers; the cancel function holds it weakly.
class Resolution : public std::enable_shared_from_this<Resolution> {
public:
    Resolution(boost::asio::io_context& io, std::string name, std::vector<udp::endpoint> servers,
               std::chrono::milliseconds timeout, DnsClient::Done done)
        : name_(std::move(name)),
          servers_(std::move(servers)),
          timeout_(timeout),
          done_(std::move(done)),
          socket_(io),
          deadline_(io),
          next_server_timer_(io) {
        std::random_device random;
        std::uniform_int_distribution<unsigned> id(0, 0xFFFF);
        for (std::size_t i = 0; i < servers_.size(); ++i) {
            ids_.push_back(static_cast<std::uint16_t>(id(random)));
            failed_.push_back(false);
        }
        slice_ = timeout_ / static_cast<long>(servers_.size());
        if (slice_.count() <= 0) slice_ = std::chrono::milliseconds(1);
    }

    void start() {
        boost::system::error_code ec;
        socket_.open(udp::v4(), ec);
        if (!ec) socket_.bind(udp::endpoint(udp::v4(), 0), ec);
        if (ec) {
            spdlog::warn("dns: {}: cannot open a UDP socket: {}", name_, ec.message());
            post_finish(std::nullopt);
            return;
        }
        deadline_.expires_after(timeout_);
        deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
            if (e || self->finished_) return;
            spdlog::debug("dns: {}: timed out", self->name_);
            self->finish(std::nullopt);
        });
        receive();
        ask_next();
    }

    // Ends the lookup without calling `done` (NameLookup's time limit passed).
    void cancel() {
        done_ = nullptr;
        finish(std::nullopt);
    }

private:
    void ask_next() {
        if (finished_ || next_ >= servers_.size()) return;
        const std::size_t i = next_++;
        auto query = std::make_shared<std::string>(dns::make_query(ids_[i], name_));
        spdlog::debug("dns: {}: asking {}", name_, servers_[i].address().to_string());
        socket_.async_send_to(boost::asio::buffer(*query), servers_[i],
                              [self = shared_from_this(), query, i](
                                  const boost::system::error_code& ec, std::size_t) {
                                  if (self->finished_ || !ec) return;
                                  spdlog::debug("dns: {}: send to {}: {}", self->name_,
                                                self->servers_[i].address().to_string(),
                                                ec.message());
                                  self->server_failed(i);
                              });
        if (next_ < servers_.size()) {
            next_server_timer_.expires_after(slice_);
            next_server_timer_.async_wait(
                [self = shared_from_this()](const boost::system::error_code& ec) {
                    if (ec || self->finished_) return;
                    self->ask_next();
                });
        }
    }

    void server_failed(std::size_t i) {
        if (failed_[i]) return;
        failed_[i] = true;
        ++failures_;
        if (failures_ == servers_.size()) {
            finish(std::nullopt);
            return;
        }
        // The server asked last failed: do not wait for its time slice to end.
        if (i + 1 == next_ && next_ < servers_.size()) {
            next_server_timer_.cancel();
            ask_next();
        }
    }

    void receive() {
        socket_.async_receive_from(
            boost::asio::buffer(buffer_), sender_,
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                if (self->finished_) return;
                if (ec == boost::asio::error::operation_aborted) return;
                if (!ec) self->on_datagram(n);
                if (!self->finished_) self->receive();
            });
    }

    void on_datagram(std::size_t n) {
        for (std::size_t i = 0; i < next_; ++i) {
            if (servers_[i] != sender_) continue;
            const auto reply = dns::parse_reply(std::string(buffer_.data(), n), ids_[i], name_);
            if (!reply) continue;
            switch (reply->kind) {
                case dns::Reply::Kind::address:
                    spdlog::debug("dns: {}: {} from {}", name_, reply->address.to_string(),
                                  sender_.address().to_string());
                    finish(reply->address);
                    return;
                case dns::Reply::Kind::no_address:
                    spdlog::debug("dns: {}: no address (from {})", name_,
                                  sender_.address().to_string());
                    finish(std::nullopt);
                    return;
                case dns::Reply::Kind::failure:
                case dns::Reply::Kind::malformed:
                    spdlog::debug("dns: {}: {} reply from {}", name_,
                                  reply->kind == dns::Reply::Kind::failure ? "error" : "malformed",
                                  sender_.address().to_string());
                    server_failed(i);
                    return;
            }
        }
        // Not an answer to any query of this lookup: ignored.
    }

    void post_finish(std::optional<Ipv4> address) {
        boost::asio::post(socket_.get_executor(),
                          [self = shared_from_this(), address] { self->finish(address); });
    }

    void finish(std::optional<Ipv4> address) {
        if (finished_) return;
        finished_ = true;
        boost::system::error_code ignored;
        deadline_.cancel();
        next_server_timer_.cancel();
        socket_.close(ignored);
        if (done_) {
            const auto done = std::move(done_);
            done_ = nullptr;
            done(address);
        }
    }

    std::string name_;
    std::vector<udp::endpoint> servers_;
    std::vector<std::uint16_t> ids_;
    std::vector<bool> failed_;
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds slice_{};
    DnsClient::Done done_;
    udp::socket socket_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer next_server_timer_;
    std::array<char, 4096> buffer_{};
    udp::endpoint sender_;
    std::size_t next_ = 0;
    std::size_t failures_ = 0;
    bool finished_ = false;
};

// Starts a lookup; returns a function that cancels it (without calling done).
std::function<void()> start_resolution(boost::asio::io_context& io, std::uint16_t port,
                                       std::string name, std::vector<Ipv4> servers,
                                       std::chrono::milliseconds timeout, DnsClient::Done done) {
    std::optional<std::optional<Ipv4>> immediate;
    std::vector<udp::endpoint> endpoints;
    for (const auto& s : servers) {
        if (s.is_zero()) continue;
        const udp::endpoint e(boost::asio::ip::address_v4(s.to_uint()), port);
        bool seen = false;
        for (const auto& have : endpoints)
            seen = seen || have == e;
        if (!seen) endpoints.push_back(e);
    }
    if (const auto literal = parse_ipv4(name)) {
        immediate = literal;
    } else if (endpoints.empty() || timeout.count() <= 0 || dns::make_query(0, name).empty()) {
        immediate = std::optional<Ipv4>{};
    }
    if (immediate) {
        boost::asio::post(io, [done = std::move(done), address = *immediate] {
            if (done) done(address);
        });
        return [] {};
    }
    auto r = std::make_shared<Resolution>(io, std::move(name), std::move(endpoints), timeout,
                                          std::move(done));
    r->start();
    return [weak = std::weak_ptr<Resolution>(r)] {
        if (const auto self = weak.lock()) self->cancel();
    };
}

class DnsNameLookup final : public NameLookup {
public:
    DnsNameLookup(boost::asio::io_context& io, std::function<std::vector<Ipv4>()> servers,
                  std::chrono::milliseconds timeout, std::uint16_t port)
        : NameLookup(io), servers_(std::move(servers)), timeout_(timeout), port_(port) {}

protected:
    Cancel query(const std::string& host, Answer answer) override {
        return start_resolution(io(), port_, host, servers_ ? servers_() : std::vector<Ipv4>{},
                                timeout_, std::move(answer));
    }

private:
    std::function<std::vector<Ipv4>()> servers_;
    std::chrono::milliseconds timeout_;
    std::uint16_t port_;
};

}  // namespace

DnsClient::DnsClient(boost::asio::io_context& io, std::uint16_t port) : io_(io), port_(port) {}

void DnsClient::resolve(std::string name, std::vector<Ipv4> servers,
                        std::chrono::milliseconds timeout, Done done) {
    start_resolution(io_, port_, std::move(name), std::move(servers), timeout, std::move(done));
}

std::unique_ptr<NameLookup> make_dns_name_lookup(boost::asio::io_context& io,
                                                 std::function<std::vector<Ipv4>()> servers,
                                                 std::chrono::milliseconds timeout,
                                                 std::uint16_t port) {
    return std::make_unique<DnsNameLookup>(io, std::move(servers), timeout, port);
}

}  // namespace wizfi250d
