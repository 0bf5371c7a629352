// S group commands (spec §2.3): the receive-header format and socket options, and, until the
// socket layer exists, SCON/SMGMT/SSEND/SDATA as they answer on a module with no open socket and
// no Wi-Fi link.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "command_support.hpp"
#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
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
        if (!local_port_ok) return false;
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

}  // namespace

ResultCode scon(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(service_text(m.profile().service));
        return ResultCode::ok;
    }
    // Spec §2.3 processing order; it decides which error comes back.
    auto request = parse_scon(Params(args));
    if (!request) return ResultCode::invalid_input;
    // Step 2 (a connected data-mode socket → Mode Status) cannot apply: no socket is open yet.
    if (request->opens_now() && !m.link_up()) return ResultCode::wifi_status;
    if (!check_endpoints(*request)) return ResultCode::invalid_input;
    m.profile().service = service_record(*request);
    if (!request->opens_now()) return ResultCode::ok;
    // Steps 7-10 (data-mode and TLS rules, a free CID, the open itself) belong to the socket
    // layer, which replaces this handler.
    return ResultCode::error;
}

ResultCode smgmt(Module& m, std::string_view args) {
    if (is_query(args)) {
        // No socket is open yet: the header only.
        m.output().line("Number of Sockets : 0 (SCID/Mode/Remote/Local/DataMode)");
        return ResultCode::ok;
    }
    const Params params(args);
    if (!params.present(0)) return ResultCode::ok;          // Q8: AT+SMGMT= does nothing
    if (iequals(*params[0], "ALL")) return ResultCode::ok;  // nothing open to close
    if (!parse_number(*params[0])) return ResultCode::invalid_scid;
    return ResultCode::invalid_input;  // the CID is not open (and a CID >= 8 never is)
}

ResultCode ssend(Module& /*m*/, std::string_view /*args*/) {
    // No CID is open yet: a missing or non-numeric CID (step 1), a CID without a peer (step 3)
    // and a closed CID (step 5) all give [ERROR: INVALID INPUT], before any prompt.
    return ResultCode::invalid_input;
}

ResultCode sdata(Module& /*m*/, std::string_view /*args*/) {
    return ResultCode::mode_status;  // no data-mode socket exists
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
