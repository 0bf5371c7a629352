// SPDX-License-Identifier: Apache-2.0
// TSN and TSS: a listener whose own CID carries the accepted connection, and that listens again
// on the same CID after the client leaves (spec §4.6). Clients that arrive meanwhile wait in the
// backlog until the CID is free.

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tcp_socket.hpp"
#include "tls_verification.hpp"
#include "wizfi250d/net/listen.hpp"

namespace wizfi250d {

namespace {

using boost::asio::ip::tcp;

class TcpServer final : public TcpSocket {
public:
    TcpServer(unsigned cid, SocketSpec spec, SocketContext context)
        : TcpSocket(cid, std::move(spec), std::move(context)),
          acceptor_(io()),
          handshake_timer_(io()) {}

    void open() override {
        auto ec = listen_on(acceptor_, tcp::endpoint(tcp::v4(), spec().local_port),
                            tcp::socket::max_listen_connections);
        if (ec) {
            spdlog::info("socket {}: cannot listen on port {}: {}", cid(), spec().local_port,
                         ec.message());
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            // The failure shows as [DISCONNECT n] after the [OK].
            boost::asio::post(io(), [self = shared_from_this(), this] { close(); });
            return;
        }
        local_port_ = acceptor_.local_endpoint(ec).port();
        observer().socket_listening(*this);
        accept();
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        handshake_timer_.cancel();
        if (pending_) pending_->close();
        pending_.reset();
        drop_connection();
        observer().socket_closed(*this, false);
    }

private:
    void accept() {
        acceptor_.async_accept([self = shared_from_this(), this](
                                   const boost::system::error_code& ec, tcp::socket socket) {
            if (closed_) return;
            if (ec) {
                spdlog::warn("socket {}: accept failed: {}", cid(), ec.message());
                if (ec == boost::asio::error::operation_aborted) return;
                accept();
                return;
            }
            if (!spec().kind.tls) {
                accepted(std::make_shared<TcpStream>(std::move(socket)));
                return;
            }
            handshake(std::move(socket));
        });
    }

    void handshake(tcp::socket socket) {
        tls_context_ = context().tls != nullptr ? context().tls->server() : nullptr;
        if (!tls_context_) {
            spdlog::warn("socket {}: TLS server needs a certificate and key (AT+MCERT)", cid());
            boost::system::error_code ignored;
            socket.close(ignored);
            accept();
            return;
        }
        pending_ = std::make_shared<TcpStream>(std::move(socket), *tls_context_);
        handshake_timer_.expires_after(context().connect_timeout);
        handshake_timer_.async_wait(
            [self = shared_from_this(), this](const boost::system::error_code& ec) {
                if (!ec && pending_) pending_->close();
            });
        pending_->async_handshake(
            boost::asio::ssl::stream_base::server,
            [self = shared_from_this(), this](const boost::system::error_code& ec) {
                if (closed_ || !pending_) return;
                handshake_timer_.cancel();
                if (ec) {
                    spdlog::warn("socket {}: TLS handshake with a client failed: {}", cid(),
                                 describe_tls_error(ec, *pending_->tls()));
                    pending_->close();
                    pending_.reset();
                    accept();
                    return;
                }
                accepted(std::move(pending_));
            });
    }

    void accepted(std::shared_ptr<TcpStream> stream) {
        if (spec().multi_accept) {
            // The client keeps this CID; the module opens the next listener elsewhere.
            boost::system::error_code ignored;
            acceptor_.close(ignored);
        }
        connection_established(std::move(stream));
    }

    void drop_idle_peer() override {
        if (!connected()) return;
        drop_connection();
        connection_lost({});
    }

    void connection_lost(const boost::system::error_code& /*ec*/) override {
        if (spec().multi_accept) {
            close();
            return;
        }
        observer().socket_closed(*this, true);
        if (closed_) return;
        observer().socket_listening(*this);
        accept();
    }

    tcp::acceptor acceptor_;
    boost::asio::steady_timer handshake_timer_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    std::shared_ptr<TcpStream> pending_;
    bool closed_ = false;
};

}  // namespace

std::shared_ptr<Socket> make_tcp_server(unsigned cid, const SocketSpec& spec,
                                        const SocketContext& context) {
    return std::make_shared<TcpServer>(cid, spec, context);
}

}  // namespace wizfi250d
