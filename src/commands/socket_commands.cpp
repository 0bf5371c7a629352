// SPDX-License-Identifier: Apache-2.0
// S group commands (spec §2.3): opening, listing, closing and sending on sockets, data mode, the
// receive-header format and socket options.

#include <algorithm>
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "command_support.hpp"
#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/module/service.hpp"
#include "wizfi250d/net/socket.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/profile/profile_text.hpp"

namespace wizfi250d::commands {

namespace {

// AT+SCON open types (case-insensitive): open now, register as the service, or both.
constexpr std::array<std::string_view, 3> open_types{"O", "S", "SO"};
// AT+SCON socket types: [T|U][S|C][N|S]. The firmware's letter check also passes USS and UCS,
// which then get no TLS; Q11 rejects them.
constexpr std::array<std::string_view, 6> socket_types{"TSN", "TSS", "TCN", "TCS", "USN", "UCN"};

constexpr std::string_view no_remote_ip = "0.0.0.0";
constexpr std::uint32_t max_port = 65535;

// AT+SFORM: nine 0/1 flags, then the five characters in hex, in this order.
constexpr std::size_t receive_format_flags = 9;
constexpr std::array<char ReceiveFormat::*, 5> receive_format_characters{
    &ReceiveFormat::start, &ReceiveFormat::delim, &ReceiveFormat::end, &ReceiveFormat::trailer1,
    &ReceiveFormat::trailer2};

// AT+SOPT1 option 10: the +++ silence timer (spec §2.3).
constexpr std::uint32_t escape_timer_option = 10;
constexpr std::uint32_t min_escape_timer_ms = 1;
constexpr std::uint32_t max_escape_timer_ms = 10000;

constexpr std::size_t max_domain_name_length = 49;

// One AT+SCON request after the syntax check (spec §2.3 step 1). The remote and local fields
// are nullopt when absent or unparsable; what that means depends on the socket type (step 4).
struct SconRequest {
    std::string open_type;    // upper case: O, S, SO
    std::string socket_type;  // upper case: TSN, TSS, TCN, TCS, USN, UCN
    std::optional<Ipv4> remote_ip;
    std::optional<std::uint32_t> remote_port;
    std::optional<std::uint32_t> local_port;
    unsigned data_mode = 0;

    bool opens_now() const { return open_type.find('O') != std::string::npos; }
    // "TS", "TC", "US" or "UC".
    std::string_view role() const { return std::string_view(socket_type).substr(0, 2); }
};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view value) {
    return std::find(table.begin(), table.end(), value) != table.end();
}

// Step 1: the syntax of the six fields.
std::optional<SconRequest> parse_scon(const Params& params) {
    SconRequest request;
    if (!params.present(0) || !params.present(1)) return std::nullopt;
    request.open_type = to_upper(*params[0]);
    request.socket_type = to_upper(*params[1]);
    if (!listed(open_types, request.open_type) || !listed(socket_types, request.socket_type))
        return std::nullopt;

    if (params.present(2)) request.remote_ip = parse_ipv4(*params[2]);
    request.remote_port = number_field(params, 3);
    request.local_port = number_field(params, 4);
    if (params.present(5)) {
        const auto data_mode = parse_bool(*params[5]);
        if (!data_mode) return std::nullopt;
        request.data_mode = *data_mode ? 1 : 0;
    }
    return request;
}

// Step 4: the remote/local rules of each socket type. Adjusts the request to what is stored.
bool check_endpoints(SconRequest& request) {
    const std::string_view role = request.role();
    const bool local_port_ok = request.local_port && is_port(*request.local_port);
    if (role == "TS") {
        // A TCP server has no remote end: what was given is dropped.
        request.remote_ip.reset();
        request.remote_port.reset();
        return local_port_ok;
    }
    if (role == "US") {
        // The remote end is optional, but a port needs a valid IP and an IP needs a port. (With
        // sockets, the pair must also differ from every open socket's peer.)
        // A blank IP does not parse and a blank port reads as 0: both mean "no remote end", as
        // in the example page's AT+SCON=O,USN, , ,5000,1.
        if (!local_port_ok) return false;
        if (request.remote_port == 0u) request.remote_port.reset();
        if (request.remote_port && (!request.remote_ip || !is_port(*request.remote_port)))
            return false;
        return !request.remote_ip || request.remote_port.has_value();
    }
    // TCP and UDP clients: the remote end is required; the local port is optional (0 picks
    // one) and, Q12, a non-numeric one reads as 0.
    if (!request.local_port) request.local_port = 0;
    return *request.local_port <= max_port && request.remote_ip && request.remote_port &&
           is_port(*request.remote_port);
}

// Step 5: the six values as the RAM profile keeps them.
SocketService service_record(const SconRequest& request) {
    SocketService record;
    record.open_type = request.open_type;
    record.socket_type = request.socket_type;
    record.remote_ip =
        request.remote_ip ? request.remote_ip->to_string() : std::string(no_remote_ip);
    record.remote_port = request.remote_port.value_or(0);
    record.local_port = request.local_port.value_or(0);
    record.data_mode = request.data_mode;
    return record;
}

// USN with a remote end: the pair must not be an open socket's peer already.
bool peer_in_use(Module& m, const SconRequest& request) {
    if (request.role() != "US" || !request.remote_ip) return false;
    for (const auto& socket : m.sockets().open_sockets()) {
        const auto peer = socket->peer();
        if (peer && peer->ip == *request.remote_ip && peer->port == request.remote_port)
            return true;
    }
    return false;
}

// One AT+SMGMT=? line: cid/TYPE/ip:port/local/datamode.
std::string socket_line(const Socket& socket) {
    const Endpoint peer = socket.peer().value_or(Endpoint{});
    return std::to_string(socket.cid()) + "/" + socket.spec().kind.code() + "/" +
           peer.ip.to_string() + ":" + std::to_string(peer.port) + "/" +
           std::to_string(socket.local_port()) + "/" + (socket.spec().data_mode ? "1" : "0");
}

// The payload of one AT+SSEND: bytes are read raw from the serial line and sent in chunks of at
// most 1400 bytes, each as soon as it is complete (spec §2.3 step 7). While two chunks are on
// their way, serial input is held. The command ends with [OK], [ERROR] (timeout, UDP failure)
// or [TCP Send Error].
class PayloadSender : public std::enable_shared_from_this<PayloadSender> {
public:
    static constexpr std::size_t chunk_size = 1400;
    static constexpr unsigned max_in_flight = 2;

    static void start(Module& m, std::shared_ptr<Socket> socket, std::size_t size,
                      std::chrono::milliseconds timeout) {
        auto sender = std::shared_ptr<PayloadSender>(new PayloadSender(m, std::move(socket), size));
        sender->timer_.expires_after(timeout);
        sender->timer_.async_wait([sender](const boost::system::error_code& ec) {
            if (!ec) sender->timed_out();
        });
        m.read_payload(size, [sender](std::string_view bytes) { sender->take(bytes); });
    }

private:
    PayloadSender(Module& m, std::shared_ptr<Socket> socket, std::size_t size)
        : module_(m), socket_(std::move(socket)), remaining_(size), timer_(m.io()) {}

    void take(std::string_view bytes) {
        remaining_ -= bytes.size();
        while (!bytes.empty()) {
            const std::size_t n = std::min(bytes.size(), chunk_size - chunk_.size());
            chunk_.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
            if (chunk_.size() == chunk_size || remaining_ == 0) send_chunk();
        }
        maybe_finish();
    }

    void send_chunk() {
        if (chunk_.empty()) return;
        ++in_flight_;
        if (in_flight_ >= max_in_flight && !holding_) {
            holding_ = true;
            module_.hold_input();
        }
        socket_->send(
            std::move(chunk_),
            [self = shared_from_this()](const boost::system::error_code& ec) { self->sent(ec); });
        chunk_.clear();
    }

    void sent(const boost::system::error_code& ec) {
        --in_flight_;
        if (ec) failed_ = true;
        if (holding_ && in_flight_ < max_in_flight) {
            holding_ = false;
            module_.release_input();
        }
        maybe_finish();
    }

    void maybe_finish() {
        if (done_ || remaining_ > 0 || in_flight_ > 0) return;
        done_ = true;
        timer_.cancel();
        const bool tcp = socket_->spec().kind.transport == Transport::tcp;
        module_.finish_command(!failed_ ? ResultCode::ok
                               : tcp    ? ResultCode::tcp_send_error
                                        : ResultCode::error);
    }

    void timed_out() {
        if (done_ || remaining_ == 0) return;
        // The bytes of the chunk in progress are dropped; what comes later is parsed as
        // commands again (spec §2.3, a host hazard the module has).
        done_ = true;
        if (holding_) module_.release_input();
        holding_ = false;
        module_.cancel_payload();
        module_.finish_command(ResultCode::error);
    }

    Module& module_;
    std::shared_ptr<Socket> socket_;
    std::size_t remaining_;
    boost::asio::steady_timer timer_;
    std::string chunk_;
    unsigned in_flight_ = 0;
    bool holding_ = false;
    bool failed_ = false;
    bool done_ = false;
};

}  // namespace

ResultCode scon(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(service_text(m.profile().service));
        return ResultCode::ok;
    }
    // Spec §2.3 processing order; it decides which error comes back.
    auto request = parse_scon(Params(args));
    if (!request) return ResultCode::invalid_input;
    if (m.connected_data_socket()) return ResultCode::mode_status;
    if (request->opens_now() && !m.link_up()) return ResultCode::wifi_status;
    if (!check_endpoints(*request) || peer_in_use(m, *request)) return ResultCode::invalid_input;
    m.profile().service = service_record(*request);
    if (!request->opens_now()) return ResultCode::ok;

    const SocketTable& sockets = m.sockets();
    if (request->data_mode == 1 && sockets.count() > 0) return ResultCode::invalid_input;
    const SocketSpec spec = *socket_spec_for(m.profile().service, m.profile().domain_name);
    // A TLS socket must be alone, and nothing may join one.
    if ((spec.kind.tls && sockets.count() > 0) || sockets.any_tls())
        return ResultCode::invalid_input;
    if (!sockets.lowest_free()) return ResultCode::invalid_scid;
    m.open_socket(spec);
    return ResultCode::ok;
}

ResultCode smgmt(Module& m, std::string_view args) {
    if (is_query(args)) {
        const auto open = m.sockets().open_sockets();
        m.output().line("Number of Sockets : " + std::to_string(open.size()) +
                        " (SCID/Mode/Remote/Local/DataMode)");
        for (const auto& socket : open)
            m.output().line(socket_line(*socket));
        return ResultCode::ok;
    }
    const Params params(args);
    if (!params.present(0)) return ResultCode::ok;  // Q8: AT+SMGMT= does nothing
    // The [DISCONNECT n] lines come before the [OK] (design: Event order).
    if (iequals(*params[0], "ALL")) {
        m.close_all_sockets();
        return ResultCode::ok;
    }
    const auto cid = parse_number(*params[0]);
    if (!cid) return ResultCode::invalid_scid;
    if (*cid >= SocketTable::size || !m.sockets().at(*cid)) return ResultCode::invalid_input;
    m.close_socket(*cid);
    return ResultCode::ok;
}

ResultCode ssend(Module& m, std::string_view args) {
    const Params params(args);
    const auto cid = number_field(params, 0);
    if (!cid || *cid >= SocketTable::size) return ResultCode::invalid_input;
    const auto socket = m.sockets().at(*cid);

    // The address fields count only for UDP, where a valid one overwrites the stored peer;
    // anything else there (the mbed driver sends "(null)") is ignored.
    std::optional<Ipv4> given_ip;
    std::uint32_t given_port = 0;  // 0: none given
    if (socket && socket->spec().kind.transport == Transport::udp) {
        if (params.present(1)) given_ip = parse_ipv4(*params[1]);
        given_port = number_field(params, 2).value_or(0);
        if (!is_port(given_port)) given_port = 0;
        if (given_ip || given_port != 0) {
            Endpoint peer = socket->peer().value_or(Endpoint{});
            if (given_ip) peer.ip = *given_ip;
            if (given_port != 0) peer.port = static_cast<std::uint16_t>(given_port);
            socket->set_peer(peer);
        }
    }
    const auto peer = socket ? socket->peer() : std::nullopt;
    if (!peer || peer->ip.is_zero() || peer->port == 0) return ResultCode::invalid_input;
    const auto size = number_field(params, 3);
    if (!size) return ResultCode::invalid_input;

    std::string prompt = "[" + std::to_string(*cid) + ",";
    if (given_ip) {
        prompt += given_ip->to_string() + "," + std::to_string(given_port) + ",";
    } else {
        prompt += ",,";
    }
    prompt += std::to_string(*size);
    // Spec Q19: the whole payload must arrive within 10 s + 1 ms per byte, unless given.
    std::chrono::milliseconds timeout(std::uint64_t{*size} + 10000);
    if (params.present(4)) {
        const auto explicit_timeout = parse_number(*params[4]);
        if (!explicit_timeout) {
            // The module has printed the prompt up to here when it finds the bad field.
            m.output().text(prompt);
            return ResultCode::invalid_input;
        }
        prompt += "," + std::to_string(*explicit_timeout);
        timeout = std::chrono::milliseconds(*explicit_timeout);
    }
    m.output().line(prompt + "]");
    if (*size == 0) return ResultCode::ok;
    PayloadSender::start(m, socket, *size, timeout);
    return ResultCode::pending;
}

ResultCode sdata(Module& m, std::string_view /*args*/) {
    // From the next byte on, the UART is the data path.
    return m.resume_data_mode() ? ResultCode::ok : ResultCode::mode_status;
}

ResultCode sform(Module& m, std::string_view args) {
    if (is_query(args)) {
        // Q1: the value has no CRLF, so [OK] follows it on the same line.
        m.output().text(receive_format_text(m.profile().receive_format));
        return ResultCode::ok;
    }
    const Params params(args);
    if (!params.present(0)) return ResultCode::invalid_input;
    const std::string& flags = *params[0];
    if (flags.size() != receive_format_flags || flags.find_first_not_of("01") != std::string::npos)
        return ResultCode::invalid_input;

    // An omitted character goes back to its factory value, not to the current one.
    ReceiveFormat format;
    format.flags = flags;
    for (std::size_t i = 0; i < receive_format_characters.size(); ++i) {
        if (!params.present(i + 1)) continue;
        const auto value = parse_hex(*params[i + 1]);
        if (!value) return ResultCode::invalid_input;
        // Cut to the 8-bit character, as the firmware does.
        format.*receive_format_characters[i] = static_cast<char>(*value & 0xffu);
    }
    m.profile().receive_format = format;
    return ResultCode::ok;
}

ResultCode sopt1(Module& m, std::string_view args) {
    const Params params(args);
    const auto option = number_field(params, 0);
    const auto value = number_field(params, 1);
    if (!option || !value) return ResultCode::invalid_input;
    // The optional hex fields 3 and 4 belong to debug options (memory poke, throughput tests)
    // that are never emulated; the firmware ignores their errors.
    if (*option == escape_timer_option) {
        if (*value < min_escape_timer_ms || *value > max_escape_timer_ms)
            return ResultCode::invalid_input;
        // Q10: stored now, used from the next (emulated) boot on.
        m.profile().escape_timer_ms = *value;
    }
    return ResultCode::ok;  // other option numbers: [OK] without effect, as the firmware
}

ResultCode sopt2(Module& /*m*/, std::string_view /*args*/) {
    return ResultCode::ok;
}

ResultCode sdname(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(m.profile().domain_name);
        return ResultCode::ok;
    }
    const Params params(args);
    if (!params.present(0) || params[0]->empty() || params[0]->size() > max_domain_name_length)
        return ResultCode::invalid_input;
    m.profile().domain_name = *params[0];
    return ResultCode::ok;
}

}  // namespace wizfi250d::commands
