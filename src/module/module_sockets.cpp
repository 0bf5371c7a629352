// SPDX-License-Identifier: Apache-2.0
// The module's side of its sockets: opening and closing CIDs, the CONNECT/DISCONNECT/LISTEN
// events, received data (frames in command mode, raw in data mode) and data mode itself.

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "wizfi250d/module/module.hpp"

namespace wizfi250d {

namespace {
// A received frame carries at most this many bytes (spec §3.3).
constexpr std::size_t frame_payload_limit = 1460;
}  // namespace

unsigned Module::open_socket(const SocketSpec& requested) {
    const unsigned cid = sockets_.lowest_free().value();
    SocketSpec spec = requested;
    spec.multi_accept = spec.kind.transport == Transport::tcp && spec.kind.role == Role::server &&
                        images_.ram.socket_option(9) == 1;
    if (spec.multi_accept) multi_accept_listener_ = spec;
    auto socket = make_socket(cid, spec, socket_context_);
    sockets_.place(socket);
    if (spec.data_mode) {
        data_socket_ = cid;
        data_pump_.set_datagrams(spec.kind.transport == Transport::udp);
        data_connected_ = false;
        resume_data_on_connect_ = true;
    }
    spdlog::info("socket {}: open {} remote {}:{} local {}{}", cid, spec.kind.code(),
                 spec.remote_ip.to_string(), spec.remote_port, spec.local_port,
                 spec.data_mode ? " (data mode)" : "");
    socket->open();
    return cid;
}

void Module::close_socket(unsigned cid) {
    const auto socket = sockets_.at(cid);
    if (!socket) return;
    // Closing a multi-accept listener ends the service for good.
    if (socket->spec().multi_accept && !socket->connected()) multi_accept_listener_.reset();
    socket->close();
}

void Module::close_all_sockets() {
    multi_accept_listener_.reset();
    for (const auto& socket : sockets_.open_sockets())
        socket->close();
}

void Module::schedule_housekeeping() {
    housekeeping_timer_.expires_after(std::chrono::seconds(1));
    housekeeping_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        housekeeping();
        schedule_housekeeping();
    });
}

void Module::housekeeping() {
    if (state_ == ModuleState::rebooting) return;
    check_recovery_options(std::chrono::steady_clock::now());
    if (state_ == ModuleState::rebooting) return;
    const std::chrono::seconds idle_limit(images_.ram.socket_option(5));
    const auto now = std::chrono::steady_clock::now();
    bool listening = false;
    for (const auto& socket : sockets_.open_sockets()) {
        const bool tcp = socket->spec().kind.transport == Transport::tcp;
        if (idle_limit.count() > 0 && tcp && socket->connected() &&
            now - socket->last_activity() >= idle_limit) {
            spdlog::info("socket {}: idle for {} s, disconnecting", socket->cid(),
                         idle_limit.count());
            socket->drop_idle_peer();
        }
        if (multi_accept_listener_ && socket->spec().multi_accept && !socket->connected())
            listening = true;
    }
    // Multi-accept: the next listener comes up on the lowest free CID once one is free.
    if (multi_accept_listener_ && !listening && sockets_.lowest_free() && link_up())
        open_socket(*multi_accept_listener_);
}

std::optional<unsigned> Module::connected_data_socket() const {
    if (data_socket_ && data_connected_) return data_socket_;
    return std::nullopt;
}

bool Module::resume_data_mode() {
    if (!connected_data_socket()) return false;
    start_data_mode();
    return true;
}

void Module::start_data_mode() {
    set_state(ModuleState::data, "data mode");
}

void Module::escaped_from_data_mode() {
    if (state_ != ModuleState::data) return;
    set_state(ModuleState::command, "+++");
    reader_.reset();
    output_.result(ResultCode::ok);
    boost::asio::post(io_, [this] { process_input(); });
}

void Module::send_data_packet(std::string packet, std::function<void(bool ok)> done) {
    const auto socket = data_socket_ ? sockets_.at(*data_socket_) : nullptr;
    if (!socket || !data_connected_) {
        // A TCP server with no client yet drops data (spec §4.2).
        done(false);
        return;
    }
    const bool tcp = socket->spec().kind.transport == Transport::tcp;
    socket->send(std::move(packet),
                 [this, tcp, done = std::move(done)](const boost::system::error_code& ec) {
                     if (ec) {
                         spdlog::warn("data mode send failed: {}", ec.message());
                         if (tcp) {
                             output_.event(Event::tcp_send_error);
                         } else {
                             output_.result(ResultCode::error);
                         }
                     }
                     done(!ec);
                 });
}

std::size_t Module::send_data_now(std::string_view head, std::string_view body) {
    const auto socket = data_socket_ && data_connected_ ? sockets_.at(*data_socket_) : nullptr;
    return socket ? socket->send_now(head, body) : 0;
}

void Module::socket_listening(Socket& socket) {
    if (images_.ram.listen_event && !quiet_socket_events_)
        output_.event(Event::listen, socket.cid());
}

void Module::socket_connected(Socket& socket) {
    const unsigned cid = socket.cid();
    spdlog::info("socket {}: connected", cid);
    if (data_socket_ == cid) {
        data_connected_ = true;
        // Data mode starts at [CONNECT n]: the switch comes first, the event right after it.
        if (resume_data_on_connect_ && state_ == ModuleState::command) start_data_mode();
    }
    output_.event(Event::connect, cid);
    // Multi-accept: a new listener right away rather than at the next housekeeping tick.
    if (socket.spec().multi_accept && sockets_.lowest_free()) {
        boost::asio::post(io_, [this] { housekeeping(); });
    }
}

void Module::socket_closed(Socket& socket, bool relistening) {
    const unsigned cid = socket.cid();
    spdlog::info("socket {}: closed{}", cid, relistening ? ", listening again" : "");
    if (data_socket_ == cid) {
        const bool was_in_data_mode = state_ == ModuleState::data;
        data_connected_ = false;
        data_pump_.reset();
        if (was_in_data_mode) {
            set_state(ModuleState::command, "data socket closed");
            reader_.reset();
            boost::asio::post(io_, [this] { process_input(); });
        }
        if (relistening) {
            resume_data_on_connect_ = was_in_data_mode;
        } else {
            data_socket_.reset();
        }
    }
    if (!relistening) {
        sockets_.release(cid);
        if (sockets_.count() == 0) no_socket_since_ = std::chrono::steady_clock::now();
    }
    if (!quiet_socket_events_) output_.event(Event::disconnect, cid);
}

void Module::socket_received(Socket& socket, const Endpoint& from, std::string_view bytes) {
    socket_received_borrowing(socket, from, bytes, {});
}

bool Module::socket_received_borrowing(Socket& socket, const Endpoint& from, std::string_view bytes,
                                       std::function<void()> resume) {
    last_socket_data_ = std::chrono::steady_clock::now();
    if (state_ == ModuleState::data && data_socket_ == socket.cid()) {
        // Data mode: the bytes go to the serial line from the socket's buffer when it lends it.
        if (resume && !output_.capturing()) return output_.raw_borrowing(bytes, std::move(resume));
        output_.raw(bytes);
        return false;
    }
    // One read may hold more than a frame's worth (spec §3.3: at most 1460 bytes each); the
    // payload stays in the socket's buffer until its frames are written, and the socket reads
    // nothing more until then.
    return output_.frames(socket.cid(), from.ip, from.port, bytes, frame_payload_limit,
                          std::move(resume));
}

bool Module::receive_room() const {
    return !output_.congested();
}

void Module::when_receive_room(std::function<void()> callback) {
    output_.when_drained(std::move(callback));
}

}  // namespace wizfi250d
