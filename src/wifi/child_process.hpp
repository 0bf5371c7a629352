// SPDX-License-Identifier: Apache-2.0
#pragma once

// A helper program run as a child of the daemon (a DHCP client, hostapd, dnsmasq), watched from
// the event loop without ever blocking it:
//  - its exit is seen through a pidfd (Linux 5.3+) or, where pidfd_open is missing, a SIGCHLD
//    signal_set; either way it is reaped with waitpid(pid, WNOHANG) for its own PID only, so
//    other children of the daemon are left alone;
//  - its stdout and stderr come back line by line through a pipe (for the log, and for the
//    lines a caller waits for, such as hostapd's "AP-ENABLED");
//  - it is stopped by its PID: SIGTERM, then SIGKILL when it is still there after a grace time.
// The child gets its own process group (a Ctrl-C on the daemon's terminal does not reach it) and
// PR_SET_PDEATHSIG, so it does not outlive a daemon that crashes.
//
// A ChildProcess keeps itself alive while the process runs (its pending handlers hold it), so
// the owner may drop its pointer; detach() stops the exit callback first.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {

class ChildProcess : public std::enable_shared_from_this<ChildProcess> {
public:
    using Line = std::function<void(std::string_view line)>;
    // The raw wait status (WIFEXITED/WEXITSTATUS...).
    using Exited = std::function<void(int wait_status)>;

    // Starts argv[0] (a path: see find_program) with argv. nullptr when fork or the pipe fails;
    // an exec failure shows as exit status 127.
    static std::shared_ptr<ChildProcess> spawn(boost::asio::io_context& io,
                                               std::vector<std::string> argv, Line on_line,
                                               Exited on_exit);

    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return !reaped_; }
    // The short name used in log lines ("udhcpc[1234]").
    const std::string& name() const { return name_; }

    // SIGTERM now (and again every 500 ms), SIGKILL after `grace` if it has not exited by then.
    void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
    // The last few output lines, joined by " | " (for the error when a helper ends early).
    std::string recent_output() const;

    // No exit callback any more (the process is still watched and reaped). Output lines still
    // go to on_line until the end, so on_line must not refer to the owner (log, or hold a weak
    // pointer).
    void detach();
    // The exit callback from now on, in place of the one spawn() was given.
    void on_exit(Exited callback);

    // Tells how a wait status reads, for log lines: "exit 0", "signal 15".
    static std::string describe(int wait_status);

    // Tests only: watch exits through SIGCHLD even where pidfd_open works.
    static void use_pidfd_for_tests(bool enabled);

    struct Private;  // construction goes through spawn()
    ChildProcess(boost::asio::io_context& io, Private);

private:
    void watch_exit();
    void read_output();
    void check_exited();
    void on_reaped(int wait_status);
    void finish();
    void resend_term();
    void emit(const std::string& line);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    std::string name_;
    Line on_line_;
    Exited on_exit_;
};

// The full path of an executable: `name` itself when it contains a '/', else the first match in
// PATH, then /usr/sbin, /sbin, /usr/bin, /bin (daemons often run with a PATH without the sbin
// directories). Empty when none is found.
std::string find_program(const std::string& name);

}  // namespace wizfi250d
