// SPDX-License-Identifier: Apache-2.0
#pragma once

// The service manager's readiness and watchdog protocol (systemd's sd_notify), without
// libsystemd: OpenWrt and other small systems do not have it, and the protocol is one datagram.
// The manager names an AF_UNIX datagram socket in $NOTIFY_SOCKET (a file system path, or an
// abstract name written with a leading '@'); each notification is one datagram of
// newline-separated "KEY=value" assignments ("READY=1", "WATCHDOG=1", "STATUS=...").
//
// Nothing here blocks: a manager that does not read its socket gets an error back (EAGAIN), not
// a stalled event loop. Failures are error codes; nothing throws.

#include <sys/types.h>

#include <chrono>
#include <string_view>
#include <system_error>

namespace wizfi250d::service_notify {

// Sends state as one datagram to the socket named by address (NOTIFY_SOCKET's syntax).
// Errors: invalid_argument for an empty state or an address that is neither absolute nor
// abstract, filename_too_long when it does not fit a sockaddr_un, otherwise the errno of
// socket(2) or sendto(2) (e.g. ENOENT or ECONNREFUSED without a listener, EAGAIN when its queue
// is full).
std::error_code notify_socket(std::string_view address, std::string_view state);

// notify_socket() to $NOTIFY_SOCKET. Without NOTIFY_SOCKET (not started by a service manager,
// or one that wants no notifications) there is nobody to tell: success, nothing sent.
std::error_code notify(std::string_view state);

// The watchdog request of the manager, as sd_watchdog_enabled() reads it: usec is
// WATCHDOG_USEC, pid WATCHDOG_PID (either may be nullptr when unset), self this process's pid.
// interval is the time within which the manager wants "WATCHDOG=1", or zero when it wants none
// from this process (no WATCHDOG_USEC, or WATCHDOG_PID names another process). A value that is
// not a positive decimal number is invalid_argument (interval zero).
std::error_code parse_watchdog(const char* usec, const char* pid, pid_t self,
                               std::chrono::microseconds& interval);

// parse_watchdog() on this process's environment.
std::error_code watchdog_interval(std::chrono::microseconds& interval);

}  // namespace wizfi250d::service_notify
