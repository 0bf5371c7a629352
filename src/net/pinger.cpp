// SPDX-License-Identifier: Apache-2.0
// ICMP echo for AT+FPING (see pinger.hpp).

#include "wizfi250d/net/pinger.hpp"

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

namespace wizfi250d {

namespace icmp {

namespace {

std::uint16_t read16(std::string_view bytes, std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(bytes[at]) << 8) |
                                      static_cast<unsigned char>(bytes[at + 1]));
}

void write16(std::string& bytes, std::size_t at, std::uint16_t value) {
    bytes[at] = static_cast<char>(value >> 8);
    bytes[at + 1] = static_cast<char>(value & 0xff);
}

constexpr std::size_t min_ipv4_header = 20;

}  // namespace

std::uint16_t checksum(const std::uint8_t* data, std::size_t size) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < size; i += 2)
        sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
    if (size % 2 != 0) sum += static_cast<std::uint32_t>(data[size - 1] << 8);
    while ((sum >> 16) != 0)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::string make_echo_request(std::uint16_t identifier, std::uint16_t sequence,
                              std::string_view payload) {
    std::string packet(header_size, '\0');
    packet[0] = static_cast<char>(echo_request_type);
    packet[1] = 0;  // code
    write16(packet, 4, identifier);
    write16(packet, 6, sequence);
    packet.append(payload);
    write16(packet, 2,
            checksum(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()));
    return packet;
}

bool is_echo_reply(std::string_view packet, bool with_ip_header, std::uint16_t identifier,
                   std::uint16_t sequence) {
    if (with_ip_header) {
        if (packet.size() < min_ipv4_header) return false;
        const auto first = static_cast<unsigned char>(packet[0]);
        const std::size_t header_length = static_cast<std::size_t>(first & 0x0f) * 4;
        constexpr unsigned char protocol_icmp = 1;
        if ((first >> 4) != 4 || header_length < min_ipv4_header || header_length > packet.size() ||
            static_cast<unsigned char>(packet[9]) != protocol_icmp)
            return false;
        packet.remove_prefix(header_length);
    }
    if (packet.size() < header_size) return false;
    return static_cast<unsigned char>(packet[0]) == echo_reply_type && packet[1] == 0 &&
           read16(packet, 4) == identifier && read16(packet, 6) == sequence;
}

}  // namespace icmp

std::string_view icmp_socket_kind_name(IcmpSocketKind kind) {
    switch (kind) {
        case IcmpSocketKind::none:
            return "none";
        case IcmpSocketKind::datagram:
            return "datagram";
        case IcmpSocketKind::raw:
            return "raw";
    }
    return "?";
}

namespace {

// Sent in every request, as ping(8) sends its own pattern. The firmware sends none; a payload
// makes the packets recognisable in a capture.
constexpr std::string_view ping_payload = "WizFi250 emulator ping (wizfi250d)";

// A file descriptor that closes unless released.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

bool is_from(const boost::asio::generic::raw_protocol::endpoint& sender, const Ipv4& target) {
    sockaddr_in from{};
    if (sender.size() < sizeof from) return false;
    std::memcpy(&from, sender.data(), sizeof from);
    return from.sin_family == AF_INET && ntohl(from.sin_addr.s_addr) == target.to_uint();
}

std::string errno_text() {
    return std::system_category().message(errno);
}

}  // namespace

std::shared_ptr<Pinger> Pinger::create(boost::asio::io_context& io, PingerOptions options) {
    std::shared_ptr<Pinger> pinger(new Pinger(io, options));
    pinger->open_socket();
    return pinger;
}

Pinger::Pinger(boost::asio::io_context& io, PingerOptions options)
    : io_(io), options_(options), socket_(io), timer_(io) {}

Pinger::~Pinger() = default;

void Pinger::open_socket() {
    const bool datagram = options_.socket != IcmpSocketChoice::raw_only && open_datagram();
    if (!datagram && options_.socket != IcmpSocketChoice::datagram_only) open_raw();
    if (kind_ == IcmpSocketKind::none) {
        spdlog::warn(
            "ping: no ICMP socket (a datagram socket needs the daemon's group in "
            "net.ipv4.ping_group_range, a raw one CAP_NET_RAW): every ping is an error");
    } else {
        spdlog::debug("ping: {} ICMP socket, identifier {}", icmp_socket_kind_name(kind_),
                      identifier_);
    }
}

bool Pinger::open_datagram() {
    Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
    if (fd.get() < 0) {
        spdlog::debug("ping: no ICMP datagram socket: {}", errno_text());
        return false;
    }
    // The kernel writes the socket's own identifier (its "port") into every request and gives
    // the socket only the replies that carry it: bind to get one, then learn it.
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_ANY);
    local.sin_port = 0;
    socklen_t length = sizeof local;
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0) {
        spdlog::debug("ping: ICMP datagram socket: cannot bind: {}", errno_text());
        return false;
    }
    boost::system::error_code ec;
    socket_.assign(boost::asio::generic::raw_protocol(AF_INET, IPPROTO_ICMP), fd.get(), ec);
    if (ec) return false;
    fd.release();
    kind_ = IcmpSocketKind::datagram;
    identifier_ = ntohs(local.sin_port);
    return true;
}

bool Pinger::open_raw() {
    Fd fd(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
    if (fd.get() < 0) {
        spdlog::debug("ping: no raw ICMP socket: {}", errno_text());
        return false;
    }
    // A raw ICMP socket sees all ICMP traffic of the host. Let only echo replies through (the
    // filter's bits block types); without the filter the matching still sorts them out.
    icmp_filter filter{};
    filter.data = ~(1U << ICMP_ECHOREPLY);
    if (::setsockopt(fd.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof filter) != 0)
        spdlog::debug("ping: no ICMP filter on the raw socket: {}", errno_text());
    boost::system::error_code ec;
    socket_.assign(boost::asio::generic::raw_protocol(AF_INET, IPPROTO_ICMP), fd.get(), ec);
    if (ec) return false;
    fd.release();
    kind_ = IcmpSocketKind::raw;
    // Other programs' pings arrive here too: a random identifier tells ours apart.
    std::random_device random;
    identifier_ = static_cast<std::uint16_t>(random() & 0xffff);
    return true;
}

void Pinger::run(Ipv4 target, unsigned count, Report report, Done done) {
    assert(!running_ && "one run at a time");
    running_ = true;
    target_ = target;
    remaining_ = count;
    report_ = std::move(report);
    done_ = std::move(done);
    boost::asio::post(io_, [self = shared_from_this()] { self->next(); });
}

void Pinger::cancel() {
    if (!running_) return;
    running_ = false;
    waiting_ = false;
    ++ping_number_;
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    report_ = nullptr;
    done_ = nullptr;
}

void Pinger::next() {
    if (!running_) return;
    if (remaining_ == 0) {
        running_ = false;
        const Done done = std::move(done_);
        done_ = nullptr;
        report_ = nullptr;
        if (done) done();
        return;
    }
    --remaining_;
    ping_once();
}

void Pinger::ping_once() {
    const std::uint64_t ping = ++ping_number_;
    waiting_ = true;
    if (kind_ == IcmpSocketKind::none) {
        end_ping(ping, PingResult{PingOutcome::error, {}});
        return;
    }
    request_ = icmp::make_echo_request(identifier_, ++sequence_, ping_payload);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(target_.to_uint());
    const boost::asio::generic::raw_protocol::endpoint destination(&to, sizeof to, IPPROTO_ICMP);

    sent_at_ = std::chrono::steady_clock::now();
    timer_.expires_after(options_.timeout);
    timer_.async_wait([self = shared_from_this(), ping](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted) return;
        self->end_ping(ping, PingResult{PingOutcome::timeout, {}});
    });
    receive(ping);
    socket_.async_send_to(
        boost::asio::buffer(request_), destination,
        [self = shared_from_this(), ping](const boost::system::error_code& ec, std::size_t) {
            if (!ec || ec == boost::asio::error::operation_aborted) return;
            spdlog::debug("ping {}: cannot send: {}", self->target_.to_string(), ec.message());
            self->end_ping(ping, PingResult{PingOutcome::error, {}});
        });
}

void Pinger::receive(std::uint64_t ping) {
    socket_.async_receive_from(
        boost::asio::buffer(buffer_), sender_,
        [self = shared_from_this(), ping](const boost::system::error_code& ec, std::size_t size) {
            if (ping != self->ping_number_ || !self->waiting_) return;  // stale
            if (ec == boost::asio::error::operation_aborted) return;
            if (ec) {
                spdlog::debug("ping {}: cannot receive: {}", self->target_.to_string(),
                              ec.message());
                self->end_ping(ping, PingResult{PingOutcome::error, {}});
                return;
            }
            const std::string_view packet(self->buffer_.data(), size);
            if (is_from(self->sender_, self->target_) &&
                icmp::is_echo_reply(packet, self->kind_ == IcmpSocketKind::raw, self->identifier_,
                                    self->sequence_)) {
                const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - self->sent_at_);
                self->end_ping(ping, PingResult{PingOutcome::reply, elapsed});
                return;
            }
            self->receive(ping);  // someone else's ICMP, or a late reply: keep waiting
        });
}

void Pinger::end_ping(std::uint64_t ping, PingResult result) {
    if (ping != ping_number_ || !waiting_ || !running_) return;
    waiting_ = false;
    timer_.cancel();
    if (kind_ != IcmpSocketKind::none) {
        boost::system::error_code ignored;
        socket_.cancel(ignored);  // the receive (after a timeout) or the send still waiting
    }
    // A copy: the callback may cancel the run, which releases report_.
    if (const Report report = report_) report(result);
    // The next ping starts from the event loop: no recursion when every ping fails at once.
    boost::asio::post(io_, [self = shared_from_this()] { self->next(); });
}

}  // namespace wizfi250d
