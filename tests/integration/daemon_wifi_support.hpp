// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real wizfi250d binary inside a network namespace, driven byte for byte over its pty from
// the root namespace (research/test-environment.md §8, §9).
//
// The conformance harness (tests/conformance/harness.hpp) starts the binary in the test's own
// namespace; these tests need it inside the STA (or AP) namespace, with /sys remounted there
// (the daemon reads /sys/class/net/<if>/address), so the daemon is started as
// `ip netns exec <ns> <binary> --serial pty:LINK --state-dir DIR --config FILE --log-level L`.
// `ip netns exec` execs the daemon in place: the PID started is the daemon's PID. Pseudo
// terminals and the control sockets are filesystem objects shared by every network namespace,
// so the test reaches the pty link from the root namespace.
//
// The checks return ::testing::AssertionResult, with the expected and the received bytes
// written out (\r, \n and non-printable bytes as escapes) when they differ.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "netns.hpp"

namespace wizfi250d::itest {

using Millis = std::chrono::milliseconds;

// Printable ASCII as is, \r \n \t \\ \" escaped, everything else as \xNN.
std::string escape_bytes(std::string_view bytes);

// Skips (with the reason) where the namespace tests cannot run: not root, no `ip netns`, one of
// `programs` missing, 203.0.113.0/24 in use in the root namespace. Empty when they can.
std::string missing_parts(const std::vector<std::string>& programs);

// The MAC address of an interface in a namespace, upper case (as AT+WSTAT prints it).
std::string interface_mac(const NetnsPair& net, const std::string& ns,
                          const std::string& interface);

void write_file(const std::string& path, const std::string& text);

// The end of a long log, for a failure message.
std::string tail_of(const std::string& text, std::size_t max = 48 * 1024);

// Byte-exact comparison with a readable failure message.
::testing::AssertionResult same_bytes(std::string_view expected, std::string_view received);

// True when `pid` runs in the network namespace /run/netns/<ns> (same inode).
bool in_netns(pid_t pid, const std::string& ns);

// Waits until `condition` holds (checked every 50 ms); its last value.
bool eventually(const std::function<bool()>& condition, Millis timeout);

// dnsmasq in the foreground in `netns`, with no configuration file, no upstream servers and no
// hosts file: every name it is not told is NXDOMAIN and nothing is forwarded (--local=/#/). The
// caller adds where it listens and what it serves.
std::vector<std::string> dnsmasq_base_command(const std::string& netns);

// The test network's DHCP and DNS server: dnsmasq in the AP's namespace on `interface`, in the
// foreground, leasing 203.0.113.100-150 for 2 minutes with `gateway` as router, DNS server and
// echo.test (dnsmasq_base_command otherwise). Its lease file (leases), pid file (dnsmasq.pid) and
// log (dnsmasq.log) are in `dir`.
struct DhcpServerSetup {
    DhcpServerSetup(std::string in_netns, std::string on_interface, std::string gateway_address,
                    std::string files_dir)
        : netns(std::move(in_netns)),
          interface(std::move(on_interface)),
          gateway(std::move(gateway_address)),
          dir(std::move(files_dir)) {}
    std::string netns;
    std::string interface;
    std::string gateway;
    std::string dir;
    // --bind-interfaces wants the interface's address before dnsmasq starts; --bind-dynamic
    // takes it when it comes.
    std::string bind = "--bind-interfaces";
    std::vector<std::string> extra_options;
};
std::vector<std::string> dnsmasq_command(const DhcpServerSetup& setup);

struct NsDaemonOptions {
    std::string netns;        // the daemon runs inside /run/netns/<netns>
    std::string dir;          // existing directory: pty link, state dir, log
    std::string config_file;  // --config
    std::string log_level = "debug";
};

class NsDaemon {
public:
    explicit NsDaemon(NsDaemonOptions options);
    // Stops the daemon (SIGTERM by its PID, SIGKILL after a deadline) and records a failure if
    // it had died or would not stop.
    ~NsDaemon();
    NsDaemon(const NsDaemon&) = delete;
    NsDaemon& operator=(const NsDaemon&) = delete;

    // Spawns the daemon in its namespace, waits for the pty link, checks that the process
    // really is inside the namespace (before a byte is sent), opens the link raw and expects the
    // boot banner.
    [[nodiscard]] ::testing::AssertionResult start();
    // SIGTERM, wait, SIGKILL after 5 s. Fails if the daemon had exited by itself, crashed on
    // SIGTERM or had to be killed.
    [[nodiscard]] ::testing::AssertionResult stop();
    // The daemon process still exists (not reaped).
    bool running();

    [[nodiscard]] ::testing::AssertionResult send(std::string_view bytes);
    // Reads exactly expected.size() bytes and compares them.
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view expected,
                                                    Millis timeout = Millis(5000));
    // Sends `command` + "\r"; expects the echo `command` + "\r\n" and then `response`.
    [[nodiscard]] ::testing::AssertionResult transact(std::string_view command,
                                                      std::string_view response,
                                                      Millis timeout = Millis(5000));
    // Reads up to and including the first of `terminators` that appears; `out` gets the bytes.
    // For output that is partly unpredictable (a DHCP address): the test still compares `out`
    // byte for byte once it knows the value.
    [[nodiscard]] ::testing::AssertionResult read_until(const std::vector<std::string>& terminators,
                                                        std::string& out, Millis timeout);
    // Nothing at all arrives for `for_ms`.
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = Millis(300));

    pid_t pid() const { return pid_; }
    const std::string& link() const { return link_; }
    const std::string& log_path() const { return log_; }
    std::string log_text() const;

private:
    bool read_some(std::chrono::steady_clock::time_point deadline, std::string& why);
    std::string process_state();

    NsDaemonOptions options_;
    std::string link_;
    std::string state_dir_;
    std::string log_;
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string pending_;
    std::string exited_;  // how it ended, when it was found dead
};

}  // namespace wizfi250d::itest
