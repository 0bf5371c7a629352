// SPDX-License-Identifier: Apache-2.0
#include "tcp_socket.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>

namespace wizfi250d {

Endpoint to_endpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
    // Sockets are IPv4 only; anything else shows as 0.0.0.0.
    const auto address = endpoint.address();
    const std::uint32_t ip = address.is_v4() ? address.to_v4().to_uint() : 0;
    return Endpoint{Ipv4::from_uint(ip), endpoint.port()};
}

std::optional<Endpoint> TcpSocket::peer() const {
    if (!connected()) return std::nullopt;
    return peer_;
}

void TcpSocket::connection_established(std::shared_ptr<TcpStream> stream) {
    stream_ = std::move(stream);
    boost::system::error_code ec;
    peer_ = to_endpoint(stream_->socket().remote_endpoint(ec));
    local_port_ = stream_->socket().local_endpoint(ec).port();
    stream_->socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
    connected_ = true;
    note_activity();
    observer().socket_connected(*this);
    receive();
}

void TcpSocket::drop_connection() {
    ++generation_;
    connected_ = false;
    if (stream_) stream_->close();
    stream_.reset();
    writing_ = false;
    // Sends that never reached the kernel fail; their owners report it.
    auto failed = std::move(sends_);
    sends_.clear();
    for (auto& pending : failed)
        if (pending.done) pending.done(boost::asio::error::not_connected);
}

void TcpSocket::receive() {
    // One read at a time, and none while the module still uses the buffer (it reads again
    // when it gives the buffer back).
    if (reading_ || lent_) return;
    if (!observer().receive_room()) {
        observer().when_receive_room([self = shared_from_this(), this, generation = generation_] {
            if (generation == generation_ && stream_) receive();
        });
        return;
    }
    reading_ = true;
    stream_->async_read_some(
        boost::asio::buffer(buffer_), [self = shared_from_this(), this, generation = generation_](
                                          const boost::system::error_code& ec, std::size_t n) {
            reading_ = false;
            if (generation != generation_) return;
            if (n > 0) {
                count_received(n);
                lent_ = observer().socket_received_borrowing(*this, peer_,
                                                             std::string_view(buffer_.data(), n),
                                                             [self = shared_from_this(), this] {
                                                                 lent_ = false;
                                                                 if (connected()) receive();
                                                             });
            }
            if (generation != generation_) return;  // closed by what the data triggered
            if (ec) {
                spdlog::debug("socket {}: connection ended: {}", cid(), ec.message());
                drop_connection();
                connection_lost(ec);
                return;
            }
            receive();
        });
}

void TcpSocket::send(std::string bytes, SendDone done) {
    if (!connected()) {
        if (done) done(boost::asio::error::not_connected);
        return;
    }
    sends_.push_back({std::move(bytes), std::move(done)});
    if (!writing_) write_next();
}

std::size_t TcpSocket::send_now(std::string_view head, std::string_view body) {
    if (!connected() || writing_ || stream_->tls() != nullptr) return 0;
    std::array<iovec, 2> parts{{{const_cast<char*>(head.data()), head.size()},
                                {const_cast<char*>(body.data()), body.size()}}};
    msghdr message{};
    message.msg_iov = head.empty() ? &parts[1] : parts.data();
    message.msg_iovlen = head.empty() ? 1 : 2;
    const ssize_t n =
        ::sendmsg(stream_->socket().native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n <= 0) return 0;
    count_sent(static_cast<std::size_t>(n));
    return static_cast<std::size_t>(n);
}

void TcpSocket::write_next() {
    if (sends_.empty() || !stream_) {
        writing_ = false;
        return;
    }
    writing_ = true;
    stream_->async_write(boost::asio::buffer(sends_.front().bytes),
                         [self = shared_from_this(), this, generation = generation_](
                             const boost::system::error_code& ec, std::size_t n) {
                             if (generation != generation_) return;
                             count_sent(n);
                             PendingSend finished = std::move(sends_.front());
                             sends_.pop_front();
                             if (finished.done) finished.done(ec);
                             if (generation != generation_) return;
                             write_next();
                         });
}

}  // namespace wizfi250d
