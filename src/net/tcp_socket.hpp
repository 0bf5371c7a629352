// SPDX-License-Identifier: Apache-2.0
#pragma once

// The parts TCP clients and servers share: a plain or TLS stream, the receive loop with
// backpressure, and ordered sends.

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <memory>

#include "wizfi250d/net/socket.hpp"

namespace wizfi250d {

// A connected TCP stream, with or without TLS on top.
//
// Every pending operation keeps the stream alive until its handler has run: closing only
// cancels, and an SSL operation that completes with operation_aborted still touches the
// stream's buffers on its way out. Owners therefore hold it in a shared_ptr (make_shared).
class TcpStream : public std::enable_shared_from_this<TcpStream> {
public:
    using tcp = boost::asio::ip::tcp;
    using tls_stream = boost::asio::ssl::stream<tcp::socket>;

    explicit TcpStream(tcp::socket socket) : plain_(std::move(socket)) {}
    TcpStream(tcp::socket socket, boost::asio::ssl::context& tls)
        : tls_(std::make_unique<tls_stream>(std::move(socket), tls)) {}

    tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }
    tls_stream* tls() { return tls_.get(); }

    template <typename Buffer, typename Handler>
    void async_read_some(const Buffer& buffer, Handler&& handler) {
        if (tls_) {
            tls_->async_read_some(buffer, keeping_alive(std::forward<Handler>(handler)));
        } else {
            plain_->async_read_some(buffer, keeping_alive(std::forward<Handler>(handler)));
        }
    }

    template <typename Buffer, typename Handler>
    void async_write(const Buffer& buffer, Handler&& handler) {
        if (tls_) {
            boost::asio::async_write(*tls_, buffer, keeping_alive(std::forward<Handler>(handler)));
        } else {
            boost::asio::async_write(*plain_, buffer,
                                     keeping_alive(std::forward<Handler>(handler)));
        }
    }

    // TLS streams only.
    template <typename Handler>
    void async_handshake(boost::asio::ssl::stream_base::handshake_type type, Handler&& handler) {
        tls_->async_handshake(type, keeping_alive(std::forward<Handler>(handler)));
    }

    void close() {
        boost::system::error_code ignored;
        socket().shutdown(tcp::socket::shutdown_both, ignored);
        socket().close(ignored);
    }

private:
    std::optional<tcp::socket> plain_;
    std::unique_ptr<tls_stream> tls_;

    template <typename Handler>
    auto keeping_alive(Handler&& handler) {
        return [keep = shared_from_this(),
                handler = std::forward<Handler>(handler)](auto&&... results) mutable {
            handler(std::forward<decltype(results)>(results)...);
        };
    }
};

// Receiving, sending and losing a connection, for TcpClient and TcpServer.
class TcpSocket : public Socket {
public:
    using Socket::Socket;

    void send(std::string bytes, SendDone done) override;
    std::size_t send_now(std::string_view head, std::string_view body) override;
    std::optional<Endpoint> peer() const override;
    std::uint16_t local_port() const override { return local_port_; }
    bool connected() const override { return stream_ != nullptr && connected_; }

protected:
    // The connection is up: remember it, report it and start receiving.
    void connection_established(std::shared_ptr<TcpStream> stream);
    // Ends the current connection (peer closed, error, or close()); no event.
    void drop_connection();
    // What happens after the peer closed or the connection failed.
    virtual void connection_lost(const boost::system::error_code& ec) = 0;

    std::shared_ptr<TcpStream> stream_;
    std::uint16_t local_port_ = 0;
    // Handlers from an earlier connection compare this and do nothing.
    unsigned generation_ = 0;

private:
    struct PendingSend {
        std::string bytes;
        SendDone done;
    };
    void receive();
    void write_next();

    bool connected_ = false;
    Endpoint peer_;
    // One read takes what the kernel has, up to 32 KiB; the module cuts it into frames. The
    // socket is read again once a read's bytes are on the serial line, which takes a few KiB
    // per write: reads of 64 KiB left the peer waiting longer between them (bench/analysis.md).
    // Not zeroed: pages count towards RSS only once a read has used them.
    std::array<char, 32768> buffer_;
    std::deque<PendingSend> sends_;
    bool reading_ = false;
    // The module still writes the last read from buffer_ to the serial line.
    bool lent_ = false;
    bool writing_ = false;
};

Endpoint to_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace wizfi250d
