// SPDX-License-Identifier: Apache-2.0
#pragma once

// Conformance harness: starts the real wizfi250d binary on a pseudo-terminal and talks to it
// byte for byte, the way a host MCU talks to a WizFi250 on its UART.
//
// Every check returns a ::testing::AssertionResult, so a test reads as a transcript:
//
//     Daemon d;
//     ASSERT_TRUE(d.start());                          // spawns, opens LINK raw, reads the banner
//     ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));       // sends "AT\r", expects "AT\r\n[OK]\r\n"
//
// A failed expectation shows the expected and the received bytes with \r, \n and non-printable
// bytes written out as escapes, and the offset of the first difference. When a test has failed,
// the daemon's log (its stderr) is printed at teardown.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace wizfi250d::conformance {

using Millis = std::chrono::milliseconds;

// How long to wait for bytes that should come "at once" (a response to a command).
inline constexpr Millis kTimeout{5000};
// How long to wait for a boot or a reboot (spawn, pty, banner).
inline constexpr Millis kBootTimeout{15000};
// How long a silence check listens. Used only where the spec says that nothing is sent.
inline constexpr Millis kQuiet{300};

// The boot banner (spec §3.1, §5.4): no leading CRLF, EVT class.
inline constexpr std::string_view kBanner = "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n";

// Final result codes (spec §1.6). No leading CRLF.
inline constexpr std::string_view kOk = "[OK]\r\n";
inline constexpr std::string_view kError = "[ERROR]\r\n";
inline constexpr std::string_view kInvalidInput = "[ERROR: INVALID INPUT]\r\n";
inline constexpr std::string_view kInvalidScid = "[ERROR: INVALID SCID]\r\n";
inline constexpr std::string_view kWifiStatus = "[ERROR: WiFi Status]\r\n";
inline constexpr std::string_view kModeStatus = "[ERROR: Mode Status]\r\n";

// AT+MINFO output without the final code (spec §2.4, Appendix B9).
inline constexpr std::string_view kMinfoOutput =
    "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n";

// Writes bytes readably: printable ASCII as is, `\r` `\n` `\t` `\\` `\"` escaped, everything
// else as `\xNN`. When multiline is set, a line break follows each written-out `\n`.
std::string escape_bytes(std::string_view bytes, bool multiline = false);

struct DaemonOptions {
    // Appended after the standard options (--serial pty:LINK --state-dir DIR --config /dev/null
    // --wifi host --log-level LEVEL).
    std::vector<std::string> extra_args;
    std::string log_level = "debug";
    // start() reads and checks the boot banner unless this is false.
    bool expect_banner = true;
    // A real UART instead of a pty: the daemon gets --serial serial_device, and the test talks
    // on line_end, the far end of the cable (not a terminal: a virtio port that qemu joins to
    // the UART's line). Both empty: the pty.
    std::string serial_device;
    std::string line_end;
};

class Daemon {
public:
    Daemon();
    explicit Daemon(DaemonOptions options);
    // Stops the daemon (SIGTERM, then SIGKILL after a deadline; only the PID it started),
    // records a failure if it crashed or would not stop, prints its log if the test failed,
    // and removes the temporary directory.
    ~Daemon();

    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Makes a unique temporary directory (state dir, pty link, log), spawns WIZFI250D_BINARY,
    // waits for the pty link, opens it O_RDWR|O_NOCTTY, sets raw mode, and (unless disabled)
    // expects the boot banner.
    [[nodiscard]] ::testing::AssertionResult start();
    // Stops the process and starts a new one on the same state directory (a power cycle).
    [[nodiscard]] ::testing::AssertionResult restart();
    // SIGTERM, wait, SIGKILL after a deadline. Fails if the daemon crashed or had to be killed.
    [[nodiscard]] ::testing::AssertionResult stop();

    // Writes the bytes to the serial line, exactly as given.
    [[nodiscard]] ::testing::AssertionResult send(std::string_view bytes);

    // Reads exactly exact.size() bytes and compares them with `exact`.
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view exact,
                                                    Millis timeout = kTimeout);

    // Checks that nothing at all arrives for `for_ms`. Only for checking silence.
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet);

    // Sends `command` + "\r" and expects the echo `command` + "\r\n", then `response`
    // (echo on, spec §1.3).
    [[nodiscard]] ::testing::AssertionResult transact(std::string_view command,
                                                      std::string_view response,
                                                      Millis timeout = kTimeout);

    // Expects the boot banner (after a reboot).
    [[nodiscard]] ::testing::AssertionResult expect_banner(Millis timeout = kBootTimeout) {
        return expect(kBanner, timeout);
    }

    // Reads up to and including the first occurrence of `terminator`; the bytes read (the
    // terminator included) are stored in `out`. For output that is only partly predictable;
    // the test must still check `out` byte for byte.
    [[nodiscard]] ::testing::AssertionResult read_until(std::string_view terminator,
                                                        std::string& out,
                                                        Millis timeout = kTimeout);

    const std::filesystem::path& dir() const { return dir_; }
    const std::filesystem::path& state_dir() const { return state_dir_; }
    const std::filesystem::path& link() const { return link_; }
    pid_t pid() const { return pid_; }
    // The test's descriptor on the line (for a SerialLine that shares it).
    int line_fd() const { return fd_; }
    std::string log_text() const;

private:
    enum class ReadStatus { data, timeout, hangup, error };

    ::testing::AssertionResult make_dir();
    ::testing::AssertionResult spawn();
    ::testing::AssertionResult open_link();
    ::testing::AssertionResult open_line_end();
    ::testing::AssertionResult spawn_and_expect_banner(bool spawn_first = true);
    ReadStatus read_some(std::chrono::steady_clock::time_point deadline);
    void drain_for_context(Millis quiet, Millis max);
    std::string process_state();
    std::string describe_failure(std::string_view what, std::string_view expected,
                                 std::string_view received);
    void close_fd();
    void print_log();

    DaemonOptions options_;
    std::filesystem::path dir_;
    std::filesystem::path state_dir_;
    std::filesystem::path link_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
    int fd_ = -1;
    std::string pending_;  // received and not yet consumed
    std::string last_read_error_;
    std::string unexpected_exit_;  // set when the daemon was found dead before stop()
};

}  // namespace wizfi250d::conformance
