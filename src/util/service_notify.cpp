// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/util/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "../serial/unique_fd.hpp"

namespace wizfi250d::service_notify {

namespace {

std::error_code last_error() {
    return {errno, std::system_category()};
}

std::error_code invalid() {
    return std::make_error_code(std::errc::invalid_argument);
}

// NOTIFY_SOCKET's two forms: "/path" (a socket file, sun_path NUL-terminated) and "@name" (the
// abstract namespace: sun_path starts with NUL and the name's length is in the address length,
// so the name may hold any byte).
std::error_code socket_address(std::string_view address, sockaddr_un& socket, socklen_t& length) {
    socket = {};
    socket.sun_family = AF_UNIX;
    constexpr std::size_t header = offsetof(sockaddr_un, sun_path);
    if (address.size() >= 2 && address.front() == '@') {
        if (address.size() > sizeof socket.sun_path)
            return std::make_error_code(std::errc::filename_too_long);
        std::memcpy(socket.sun_path + 1, address.data() + 1, address.size() - 1);
        length = static_cast<socklen_t>(header + address.size());
        return {};
    }
    // A relative path would depend on the working directory, which the manager does not share;
    // a NUL inside would silently cut the path short.
    if (address.empty() || address.front() != '/' || address.find('\0') != std::string_view::npos)
        return invalid();
    if (address.size() >= sizeof socket.sun_path)
        return std::make_error_code(std::errc::filename_too_long);
    std::memcpy(socket.sun_path, address.data(), address.size());
    length = static_cast<socklen_t>(header + address.size() + 1);
    return {};
}

// A positive decimal number without sign, spaces or anything after it, at most max.
template <typename Number>
bool parse_positive(const char* text, Number max, Number& value) {
    const char* end = text + std::strlen(text);
    const auto [rest, error] = std::from_chars(text, end, value);
    return error == std::errc{} && rest == end && value > 0 && value <= max;
}

}  // namespace

std::error_code notify_socket(std::string_view address, std::string_view state) {
    if (state.empty()) return invalid();
    sockaddr_un socket_name{};
    socklen_t length = 0;
    if (const auto error = socket_address(address, socket_name, length)) return error;

    // A socket per message, as sd_notify does: the manager may re-create its socket (daemon
    // re-exec), and a notification is rare enough (the watchdog: every few seconds) not to matter.
    const UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return last_error();
    ssize_t sent = 0;
    do {
        sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&socket_name), length);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return last_error();
    // A datagram is sent whole or not at all; anything else would be a cut notification.
    if (static_cast<std::size_t>(sent) != state.size())
        return std::make_error_code(std::errc::message_size);
    return {};
}

std::error_code notify(std::string_view state) {
    const char* address = std::getenv("NOTIFY_SOCKET");
    if (address == nullptr) return {};
    return notify_socket(address, state);
}

std::error_code parse_watchdog(const char* usec, const char* pid, pid_t self,
                               std::chrono::microseconds& interval) {
    interval = std::chrono::microseconds::zero();
    if (usec == nullptr) return {};
    std::uint64_t microseconds = 0;
    // The upper bound keeps the value inside chrono's signed count (systemd's "infinity",
    // UINT64_MAX, is refused the same way).
    if (!parse_positive<std::uint64_t>(
            usec, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
            microseconds))
        return invalid();
    if (pid != nullptr) {
        pid_t owner = 0;
        if (!parse_positive<pid_t>(pid, std::numeric_limits<pid_t>::max(), owner)) return invalid();
        // The manager set the watchdog for another process (our parent passed its environment
        // on): not ours to ping.
        if (owner != self) return {};
    }
    interval = std::chrono::microseconds(static_cast<std::int64_t>(microseconds));
    return {};
}

std::error_code watchdog_interval(std::chrono::microseconds& interval) {
    return parse_watchdog(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid(),
                          interval);
}

}  // namespace wizfi250d::service_notify
