// SPDX-License-Identifier: Apache-2.0
// UCN and USN: one bound UDP socket. A client keeps its peer (changed only by AT+SSEND with an
// address); a server adopts each sender as its peer (spec §3.3, §4.6).

#include <spdlog/spdlog.h>
#include <array>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <deque>

#include "wizfi250d/net/socket.hpp"

namespace wizfi250d {

namespace {

using boost::asio::ip::udp;

class UdpSocket final : public Socket {
public:
    UdpSocket(unsigned cid, SocketSpec spec, SocketContext context)
        : Socket(cid, std::move(spec), std::move(context)), socket_(io()) {
        if (this->spec().remote_port != 0 && !this->spec().remote_ip.is_zero())
            peer_ = Endpoint{this->spec().remote_ip, this->spec().remote_port};
    }

    void open() override {
        boost::system::error_code ec;
        socket_.open(udp::v4(), ec);
        if (!ec) socket_.bind(udp::endpoint(udp::v4(), spec().local_port), ec);
        if (ec) {
            // Q16 fixed: the module prints nothing for a failed UDP bind; here the host learns
            // of it as [DISCONNECT n] after the [OK].
            spdlog::info("socket {}: cannot bind UDP port {}: {}", cid(), spec().local_port,
                         ec.message());
            boost::asio::post(io(), [self = shared_from_this(), this] { close(); });
            return;
        }
        local_port_ = socket_.local_endpoint(ec).port();
        bound_ = true;
        if (spec().kind.role == Role::server) {
            // The mbed driver needs the USN [CONNECT n] before the [OK] (design: Event order).
            observer().socket_connected(*this);
        } else {
            boost::asio::post(io(), [self = shared_from_this(), this] {
                if (!closed_) observer().socket_connected(*this);
            });
        }
        receive();
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        bound_ = false;
        boost::system::error_code ignored;
        socket_.close(ignored);
        observer().socket_closed(*this, false);
    }

    void send(std::string bytes, SendDone done) override {
        if (!bound_ || !peer_) {
            if (done) done(boost::asio::error::not_connected);
            return;
        }
        auto payload = std::make_shared<std::string>(std::move(bytes));
        const udp::endpoint to(boost::asio::ip::address_v4(peer_->ip.to_uint()), peer_->port);
        socket_.async_send_to(boost::asio::buffer(*payload), to,
                              [self = shared_from_this(), this, payload, done = std::move(done)](
                                  const boost::system::error_code& ec, std::size_t n) {
                                  count_sent(n);
                                  if (done) done(ec);
                              });
    }

    std::optional<Endpoint> peer() const override { return peer_; }
    void set_peer(const Endpoint& peer) override { peer_ = peer; }
    std::uint16_t local_port() const override { return local_port_; }
    bool connected() const override { return bound_; }

private:
    void receive() {
        if (closed_) return;
        if (!observer().receive_room()) {
            observer().when_receive_room([self = shared_from_this(), this] { receive(); });
            return;
        }
        socket_.async_receive_from(
            boost::asio::buffer(buffer_), sender_,
            [self = shared_from_this(), this](const boost::system::error_code& ec, std::size_t n) {
                if (closed_) return;
                if (ec) {
                    // ICMP errors (port unreachable after a send) surface here; the socket
                    // stays, as on the module.
                    if (ec == boost::asio::error::operation_aborted) return;
                    spdlog::debug("socket {}: receive: {}", cid(), ec.message());
                    receive();
                    return;
                }
                const Endpoint from{Ipv4::from_uint(sender_.address().to_v4().to_uint()),
                                    sender_.port()};
                if (spec().kind.role == Role::server) peer_ = from;
                note_activity();
                count_received(n);
                observer().socket_received(*this, from, std::string_view(buffer_.data(), n));
                receive();
            });
    }

    udp::socket socket_;
    udp::endpoint sender_;
    std::array<char, 65536> buffer_{};
    std::optional<Endpoint> peer_;
    std::uint16_t local_port_ = 0;
    bool bound_ = false;
    bool closed_ = false;
};

}  // namespace

std::shared_ptr<Socket> make_udp_socket(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context) {
    return std::make_shared<UdpSocket>(cid, spec, context);
}

}  // namespace wizfi250d
