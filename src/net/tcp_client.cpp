// SPDX-License-Identifier: Apache-2.0
// TCN and TCS: connect (with an optional local port and a 5 s limit, TLS handshake included),
// then one connection until either side closes.

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tcp_socket.hpp"
#include "tls_verification.hpp"
#include "wizfi250d/net/name_lookup.hpp"

namespace wizfi250d {

namespace {

using boost::asio::ip::tcp;

class TcpClient final : public TcpSocket {
public:
    TcpClient(unsigned cid, SocketSpec spec, SocketContext context)
        : TcpSocket(cid, std::move(spec), std::move(context)), socket_(io()), timer_(io()) {}

    void open() override {
        boost::system::error_code ec;
        socket_.open(tcp::v4(), ec);
        if (!ec && spec().local_port != 0) {
            socket_.bind(tcp::endpoint(tcp::v4(), spec().local_port), ec);
        }
        if (ec) {
            // A local-port clash shows only later, as [DISCONNECT n] after the [OK].
            fail_later("bind", ec);
            return;
        }
        timer_.expires_after(context().connect_timeout);
        timer_.async_wait([self = shared_from_this(), this](const boost::system::error_code& e) {
            if (e || done_) return;
            spdlog::info("socket {}: connect timed out", cid());
            finish(boost::asio::error::timed_out);
        });
        const bool by_name = spec().remote_ip.is_zero() && spec().host_name.size() > 3;
        if (by_name) {
            resolve();
        } else {
            connect(spec().remote_ip);
        }
    }

    void close() override {
        if (closed_) return;
        finish_quietly();
        closed_ = true;
        observer().socket_closed(*this, false);
    }

private:
    void resolve() {
        // The module gives the name 5 s; a failed lookup means connecting to 0.0.0.0, which
        // fails.
        auto lookup =
            context().name_lookup ? context().name_lookup() : make_system_name_lookup(io());
        lookup->lookup(spec().host_name, context().connect_timeout,
                       [self = shared_from_this(), this](std::optional<Ipv4> address) {
                           if (done_) return;
                           if (!address) {
                               spdlog::info("socket {}: cannot resolve {}", cid(),
                                            spec().host_name);
                               finish(boost::asio::error::host_not_found);
                               return;
                           }
                           connect(*address);
                       });
    }

    void connect(const Ipv4& ip) {
        const tcp::endpoint remote(boost::asio::ip::address_v4(ip.to_uint()), spec().remote_port);
        socket_.async_connect(
            remote, [self = shared_from_this(), this](const boost::system::error_code& ec) {
                if (done_) return;
                if (ec) {
                    spdlog::info("socket {}: connect to {}:{} failed: {}", cid(),
                                 spec().remote_ip.to_string(), spec().remote_port, ec.message());
                    finish(ec);
                    return;
                }
                if (!spec().kind.tls) {
                    established(std::make_shared<TcpStream>(std::move(socket_)));
                    return;
                }
                handshake();
            });
    }

    void handshake() {
        auto tls = context().tls != nullptr ? context().tls->client() : nullptr;
        if (!tls) {
            spdlog::warn("socket {}: no TLS client context", cid());
            finish(boost::asio::error::no_protocol_option);
            return;
        }
        tls_context_ = tls;
        pending_ = std::make_shared<TcpStream>(std::move(socket_), *tls);
        const bool check_name = context().tls->verify_host_name();
        const std::string name =
            spec().host_name.empty() ? spec().remote_ip.to_string() : spec().host_name;
        prepare_client_verification(*pending_->tls(), name, check_name);
        pending_->async_handshake(
            boost::asio::ssl::stream_base::client,
            [self = shared_from_this(), this](const boost::system::error_code& ec) {
                if (done_) return;
                if (ec) {
                    spdlog::warn("socket {}: TLS handshake with {} failed: {}", cid(),
                                 spec().remote_ip.to_string(),
                                 describe_tls_error(ec, *pending_->tls()));
                    finish(ec);
                    return;
                }
                established(std::move(pending_));
            });
    }

    void established(std::shared_ptr<TcpStream> stream) {
        done_ = true;
        timer_.cancel();
        connection_established(std::move(stream));
    }

    // The connection attempt ended without a connection: [DISCONNECT n] only.
    void finish(const boost::system::error_code& ec) {
        (void)ec;
        finish_quietly();
        if (closed_) return;
        closed_ = true;
        observer().socket_closed(*this, false);
    }

    void fail_later(const char* what, const boost::system::error_code& ec) {
        spdlog::info("socket {}: {} failed: {}", cid(), what, ec.message());
        done_ = true;
        boost::asio::post(io(), [self = shared_from_this(), this] { finish({}); });
    }

    void finish_quietly() {
        done_ = true;
        timer_.cancel();
        boost::system::error_code ignored;
        socket_.close(ignored);
        if (pending_) pending_->close();
        pending_.reset();
        drop_connection();
    }

    void connection_lost(const boost::system::error_code& /*ec*/) override { finish({}); }

    tcp::socket socket_;
    boost::asio::steady_timer timer_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    std::shared_ptr<TcpStream> pending_;
    bool done_ = false;
    bool closed_ = false;
};

}  // namespace

std::shared_ptr<Socket> make_tcp_client(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context) {
    return std::make_shared<TcpClient>(cid, spec, context);
}

}  // namespace wizfi250d
