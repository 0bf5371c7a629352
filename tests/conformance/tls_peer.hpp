// SPDX-License-Identifier: Apache-2.0
#pragma once

// TLS peers and bulk-transfer helpers for the conformance tests of spec §2.4 (AT+MCERT), §4.6
// (TCS/TSS) and §4 (data mode, backpressure):
//
//   * TestTempDir: a unique directory under $TMPDIR, removed at destruction.
//   * TestPki: a test PKI made at test time with the `openssl` command line (a CA, a CA-signed
//     server certificate for tls.test + 127.0.0.1, one without the IP, a self-signed server
//     certificate, a CA-signed client certificate). EC P-256 keys: small and quick to make.
//   * ChildProcess: a program started by PID with its stdin/stdout piped to the test and its
//     stderr in a log file; stopped by its PID (SIGTERM, then SIGKILL) at destruction.
//   * TlsServer: `openssl s_server -quiet -naccept 1` on 127.0.0.1:<free port>; its stdout is
//     exactly what the daemon sent, its stdin is what it sends back.
//   * TlsClient: `openssl s_client -quiet` to 127.0.0.1:<port>, for TSS.
//   * SerialLine: the test's own descriptor on the daemon's pty (a second open of the link),
//     for transfers of megabytes with long deadlines and from several threads.
//   * RawTcpListener / RawTcpStream: loopback TCP peers whose sends and reads take a deadline
//     per call (peers.hpp's TcpConnection::send allows 5 s for a whole send).
//
// Traffic stays on 127.0.0.1. Every process is started by fork/exec, remembered by PID, killed
// by that PID and reaped; nothing is left behind.

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {

// Deadlines for transfers of megabytes (generous: a slow, loaded machine; never asserted).
inline constexpr Millis kBulkTimeout{60000};
// A TLS connect: TCP connect plus handshake; the daemon allows 5 s (spec §2.3).
inline constexpr Millis kTlsConnectTimeout{10000};

// ---- files ------------------------------------------------------------------------------------

class TestTempDir {
public:
    TestTempDir() = default;
    ~TestTempDir();
    TestTempDir(const TestTempDir&) = delete;
    TestTempDir& operator=(const TestTempDir&) = delete;

    // mkdtemp("$TMPDIR/wizfi250d-<tag>-XXXXXX").
    [[nodiscard]] ::testing::AssertionResult make(std::string_view tag);
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// The whole file, or a test failure.
[[nodiscard]] ::testing::AssertionResult read_whole_file(const std::filesystem::path& file,
                                                         std::string& out);
[[nodiscard]] ::testing::AssertionResult write_whole_file(const std::filesystem::path& file,
                                                          std::string_view text);

// ---- the test PKI -----------------------------------------------------------------------------

struct TestPki {
    std::filesystem::path dir;
    std::filesystem::path ca_cert, ca_key;          // CN=WizFi Test CA
    std::filesystem::path server_cert, server_key;  // CA-signed, SAN DNS:tls.test, IP:127.0.0.1
    std::filesystem::path server_noip_cert, server_noip_key;  // CA-signed, SAN DNS:tls.test only
    std::filesystem::path self_signed_cert,
        self_signed_key;                            // SAN DNS:selfsigned.test, IP:127.0.0.1
    std::filesystem::path client_cert, client_key;  // CA-signed, extendedKeyUsage=clientAuth

    // Makes all of it in `dir` with the openssl command line.
    [[nodiscard]] ::testing::AssertionResult make(const std::filesystem::path& directory);
};

// Runs a program to its end (deadline `timeout`); fails with its output when it fails.
[[nodiscard]] ::testing::AssertionResult run_program(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& log,
                                                     Millis timeout = Millis{30000});

// ---- processes --------------------------------------------------------------------------------

class ChildProcess {
public:
    ChildProcess() = default;
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // fork/exec argv[0] (a path or a name on $PATH) with stdin and stdout piped to the test
    // and stderr appended to `stderr_log`. The child dies with the test process.
    [[nodiscard]] ::testing::AssertionResult start(const std::vector<std::string>& argv,
                                                   const std::filesystem::path& stderr_log);
    pid_t pid() const { return pid_; }
    // Whether it still runs (reaps it when it has ended).
    bool running();
    // Ends it: SIGTERM, SIGKILL after 3 s, reaped. Only this PID.
    void stop();
    // Waits for its end; `status` is the waitpid status.
    [[nodiscard]] ::testing::AssertionResult wait_exit(int& status, Millis timeout = kTimeout);

    // Writes all bytes to its stdin.
    [[nodiscard]] ::testing::AssertionResult write(std::string_view bytes,
                                                   Millis timeout = kTimeout);
    void close_stdin();
    // Reads exactly n bytes of its stdout.
    [[nodiscard]] ::testing::AssertionResult read_exactly(std::size_t n, std::string& out,
                                                          Millis timeout = kTimeout);
    // Reads exact.size() bytes and compares them.
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view exact,
                                                    Millis timeout = kTimeout);
    // No byte on its stdout for `for_ms` (its end of file counts as nothing).
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet);

    std::string stderr_text() const;
    std::string describe() const;  // "<argv0> (PID n)"

private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    int exit_status_ = 0;
    bool exited_ = false;
    std::string name_;
    std::filesystem::path stderr_log_;
};

struct TlsServerOptions {
    std::filesystem::path cert;
    std::filesystem::path key;
    // Mutual TLS: -Verify 1 -CAfile <client_ca> (a client certificate is required).
    std::filesystem::path client_ca;
    // -tls1_2: the handshake (client certificate included) completes before the client's
    // handshake does, so a refusal is a handshake failure on the daemon's side.
    bool tls1_2_only = false;
};

// openssl s_server on 127.0.0.1:<a free port>, one connection (-naccept 1), -quiet: its stdout
// carries exactly the bytes the daemon sent and nothing else.
class TlsServer {
public:
    // Starts it and waits until its socket listens (checked in /proc/net/tcp against the
    // child's own descriptors; the ACCEPT line of s_server is buffered and -quiet drops it).
    [[nodiscard]] ::testing::AssertionResult start(const TlsServerOptions& options,
                                                   const std::filesystem::path& log_dir);
    std::uint16_t port() const { return port_; }
    ChildProcess& process() { return process_; }

    [[nodiscard]] ::testing::AssertionResult send(std::string_view bytes,
                                                  Millis timeout = kTimeout) {
        return process_.write(bytes, timeout);
    }
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view exact,
                                                    Millis timeout = kTimeout) {
        return process_.expect(exact, timeout);
    }
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet) {
        return process_.expect_nothing(for_ms);
    }
    void stop() { process_.stop(); }

private:
    ChildProcess process_;
    std::uint16_t port_ = 0;
};

struct TlsClientOptions {
    std::uint16_t port = 0;
    // When set: -CAfile <ca> -verify_return_error -verify_ip 127.0.0.1, so s_client gives up
    // unless the daemon presents a certificate from this CA for 127.0.0.1.
    std::filesystem::path ca;
    // When set: -cert/-key (a client certificate).
    std::filesystem::path cert;
    std::filesystem::path key;
};

// openssl s_client -quiet to 127.0.0.1:<port>.
class TlsClient {
public:
    [[nodiscard]] ::testing::AssertionResult start(const TlsClientOptions& options,
                                                   const std::filesystem::path& log_dir);
    ChildProcess& process() { return process_; }
    [[nodiscard]] ::testing::AssertionResult send(std::string_view bytes,
                                                  Millis timeout = kTimeout) {
        return process_.write(bytes, timeout);
    }
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view exact,
                                                    Millis timeout = kTimeout) {
        return process_.expect(exact, timeout);
    }
    void stop() { process_.stop(); }

private:
    ChildProcess process_;
};

// Whether `pid` owns a TCP socket listening on `port` (IPv4, /proc/net/tcp).
bool process_listens_on(pid_t pid, std::uint16_t port);

// ---- the serial line, for bulk transfers ------------------------------------------------------

// A second descriptor on the daemon's pty slave (the harness keeps its own). The line is
// already raw (the harness set it; termios belongs to the terminal, not the descriptor).
// Reads never take more from the terminal than asked for, so the harness can read what
// follows. Safe for one reading and one writing thread at the same time.
class SerialLine {
public:
    SerialLine() = default;
    ~SerialLine();
    SerialLine(const SerialLine&) = delete;
    SerialLine& operator=(const SerialLine&) = delete;

    [[nodiscard]] ::testing::AssertionResult open(const std::filesystem::path& link);
    // A duplicate of the harness's own descriptor (for a line end that opens only once).
    [[nodiscard]] ::testing::AssertionResult share(int fd);
    void close();

    // Writes all bytes; `written` (if given) follows the progress. The deadline is for the
    // whole write.
    [[nodiscard]] ::testing::AssertionResult write_all(std::string_view bytes,
                                                       Millis timeout = kBulkTimeout,
                                                       std::atomic<std::size_t>* written = nullptr);
    // Reads exactly n bytes (and not one more).
    [[nodiscard]] ::testing::AssertionResult read_exactly(std::size_t n, std::string& out,
                                                          Millis timeout = kBulkTimeout);
    // Reads byte by byte up to and including `terminator` (at most max bytes).
    [[nodiscard]] ::testing::AssertionResult read_through(char terminator, std::size_t max,
                                                          std::string& out,
                                                          Millis timeout = kTimeout);

private:
    int fd_ = -1;
};

// ---- TCP peers for bulk transfers -------------------------------------------------------------

class RawTcpStream {
public:
    RawTcpStream() = default;
    ~RawTcpStream();
    RawTcpStream(RawTcpStream&& other) noexcept;
    RawTcpStream& operator=(RawTcpStream&& other) noexcept;
    RawTcpStream(const RawTcpStream&) = delete;
    RawTcpStream& operator=(const RawTcpStream&) = delete;

    bool is_open() const { return fd_ >= 0; }
    std::uint16_t local_port() const;
    std::uint16_t remote_port() const;
    // Writes all bytes within `timeout`; `sent` (if given) follows the progress.
    [[nodiscard]] ::testing::AssertionResult send_all(std::string_view bytes,
                                                      Millis timeout = kBulkTimeout,
                                                      std::atomic<std::size_t>* sent = nullptr);
    // Reads exactly n bytes within `timeout`.
    [[nodiscard]] ::testing::AssertionResult read_exactly(std::size_t n, std::string& out,
                                                          Millis timeout = kBulkTimeout);
    // No byte and no end of stream for `for_ms`.
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet);
    void close();

private:
    friend class RawTcpListener;
    int fd_ = -1;
};

class RawTcpListener {
public:
    RawTcpListener() = default;
    ~RawTcpListener();
    RawTcpListener(const RawTcpListener&) = delete;
    RawTcpListener& operator=(const RawTcpListener&) = delete;

    // Listens on 127.0.0.1:<ephemeral>. receive_buffer > 0 sets SO_RCVBUF before listen(),
    // so that accepted connections advertise a small window; max_segment > 0 sets TCP_MAXSEG,
    // so that the connecting side's segments, and the send buffer its kernel sizes from them,
    // stay small too.
    [[nodiscard]] ::testing::AssertionResult listen(int receive_buffer = 0, int max_segment = 0);
    std::uint16_t port() const { return port_; }
    [[nodiscard]] ::testing::AssertionResult accept(RawTcpStream& out, Millis timeout = kTimeout);
    void close();

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// ---- data -------------------------------------------------------------------------------------

// n pseudo-random bytes (all 256 values), reproducible from `seed`.
std::string bulk_random_bytes(std::size_t n, std::uint32_t seed);
// The same, made safe to send through data mode (spec §4.3) when the line may stall for more
// than the escape period: never three '+' in a row, and no '+' at the end (a held '+' would
// join the test's own "+++" escape). One '+' or two in a row are kept.
std::string bulk_data_mode_bytes(std::size_t n, std::uint32_t seed);

// The kernel's queues of one IPv4 TCP connection, from /proc/net/tcp: tx = bytes written and
// not yet acknowledged by the peer, rx = bytes received and not yet read. false if not found.
bool tcp_queues(std::uint16_t local_port, std::uint16_t remote_port, std::size_t& tx,
                std::size_t& rx);
// The three values of /proc/sys/net/ipv4/tcp_wmem or tcp_rmem ("min default max"); false if
// they cannot be read.
bool tcp_memory_limits(const char* name, std::size_t& min, std::size_t& def, std::size_t& max);

// VmRSS of a process in KiB (from /proc/<pid>/status); -1 when it cannot be read.
long vm_rss_kib(pid_t pid);

// "first difference at byte i (expected 0x.., got 0x..)" or a length note; empty when equal.
std::string compare_bulk(std::string_view expected, std::string_view received);

}  // namespace wizfi250d::conformance
