// SPDX-License-Identifier: Apache-2.0
#include "tls_peer.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "peers.hpp"

namespace wizfi250d::conformance {

namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis kKillGrace{3000};
constexpr int kServerStartAttempts = 5;

std::string errno_text(int err) {
    return std::string(std::strerror(err));
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return static_cast<int>(std::min<long long>(left, 60 * 1000));
}

// Waits for `events` on fd until the deadline: the revents, 0 on timeout, -1 on error.
int wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int left = remaining_ms(deadline);
        const int r = ::poll(&p, 1, left);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) {
            if (left == 0 || Clock::now() >= deadline) return 0;
            continue;
        }
        return p.revents;
    }
}

// What put_all says about the fd it writes to.
struct PutNames {
    const char* who;   // "serial line"
    const char* verb;  // what the daemon did with the bytes: "read"
    const char* call;  // the system call, for errors: "write"
};

// Writes every byte to a non-blocking fd through `put` (write or send), waiting for room until
// the deadline; `progress` (if given) follows the count.
template <typename Put>
::testing::AssertionResult put_all(int fd, std::string_view bytes, Millis timeout,
                                   std::atomic<std::size_t>* progress, const PutNames& names,
                                   Put put) {
    const auto deadline = Clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = put(fd, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            if (progress != nullptr) progress->store(done);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(fd, POLLOUT, deadline) <= 0) {
                return ::testing::AssertionFailure()
                       << names.who << ": the daemon " << names.verb << " only " << done << " of "
                       << bytes.size() << " bytes within " << timeout.count() << " ms";
            }
            continue;
        }
        return ::testing::AssertionFailure() << names.who << ": " << names.call << " failed after "
                                             << done << " bytes: " << errno_text(errno);
    }
    return ::testing::AssertionSuccess();
}

// Reads from a non-blocking fd through `get` (read or recv) until `out` holds n bytes or the
// deadline passes; `note` says why it stopped short.
template <typename Get>
void get_exactly(int fd, std::size_t n, std::string& out, Millis timeout, std::string& note,
                 const char* end_of_file, const char* call, Get get) {
    out.reserve(n);
    const auto deadline = Clock::now() + timeout;
    std::vector<char> buffer(65536);
    while (out.size() < n) {
        const int ev = wait_for(fd, POLLIN, deadline);
        if (ev == 0) {
            note = "timed out after " + std::to_string(timeout.count()) + " ms";
            return;
        }
        if (ev < 0) {
            note = "poll: " + errno_text(errno);
            return;
        }
        const std::size_t want = std::min(buffer.size(), n - out.size());
        const ssize_t r = get(fd, buffer.data(), want);
        if (r > 0) {
            out.append(buffer.data(), static_cast<std::size_t>(r));
            continue;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        note = r == 0 ? std::string(end_of_file) : std::string(call) + ": " + errno_text(errno);
        return;
    }
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// A child writing to a pipe whose reader is gone must not kill the test with SIGPIPE.
void ignore_sigpipe() {
    static const bool done = [] {
        ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

std::string describe_status(int status) {
    std::ostringstream out;
    if (WIFEXITED(status)) {
        out << "exited with status " << WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out << "was killed by signal " << WTERMSIG(status);
    } else {
        out << "wait status " << status;
    }
    return out.str();
}

std::string hex_byte(char c) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02x",
                  static_cast<unsigned>(static_cast<unsigned char>(c)));
    return text;
}

std::string path_text(const std::filesystem::path& p) {
    return p.string();
}

}  // namespace

// ---- files ------------------------------------------------------------------------------------

TestTempDir::~TestTempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

::testing::AssertionResult TestTempDir::make(std::string_view tag) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                          "/wizfi250d-" + std::string(tag) + "-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        return ::testing::AssertionFailure()
               << "mkdtemp(" << pattern << ") failed: " << errno_text(errno);
    }
    path_ = buffer.data();
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult read_whole_file(const std::filesystem::path& file, std::string& out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return ::testing::AssertionFailure() << "cannot open " << file;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult write_whole_file(const std::filesystem::path& file,
                                            std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return ::testing::AssertionFailure() << "cannot write " << file;
    return ::testing::AssertionSuccess();
}

// ---- the test PKI -----------------------------------------------------------------------------

::testing::AssertionResult run_program(const std::vector<std::string>& argv,
                                       const std::filesystem::path& log, Millis timeout) {
    ChildProcess child;
    if (auto r = child.start(argv, log); !r) return r;
    child.close_stdin();
    int status = 0;
    if (auto r = child.wait_exit(status, timeout); !r) return r;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ::testing::AssertionSuccess();
    std::string command;
    for (const auto& a : argv)
        command += (command.empty() ? "" : " ") + a;
    return ::testing::AssertionFailure()
           << "`" << command << "` " << describe_status(status) << "; its output:\n"
           << child.stderr_text();
}

::testing::AssertionResult TestPki::make(const std::filesystem::path& directory) {
    dir = directory;
    const std::filesystem::path log = dir / "openssl-pki.log";
    const auto file = [&](const char* name) { return dir / name; };
    ca_cert = file("ca.crt");
    ca_key = file("ca.key");
    server_cert = file("server.crt");
    server_key = file("server.key");
    server_noip_cert = file("server-noip.crt");
    server_noip_key = file("server-noip.key");
    self_signed_cert = file("selfsigned.crt");
    self_signed_key = file("selfsigned.key");
    client_cert = file("client.crt");
    client_key = file("client.key");

    const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt",
                                             "ec_paramgen_curve:prime256v1", "-nodes"};
    const auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };

    // The CA, and a self-signed server certificate for the negative tests.
    if (auto r = run_program(
            with(with({"openssl", "req", "-x509"}, ec_key),
                 {"-keyout", path_text(ca_key), "-out", path_text(ca_cert), "-days", "3650",
                  "-subj", "/CN=WizFi Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"}),
            log);
        !r)
        return r;
    if (auto r = run_program(
            with(with({"openssl", "req", "-x509"}, ec_key),
                 {"-keyout", path_text(self_signed_key), "-out", path_text(self_signed_cert),
                  "-days", "3650", "-subj", "/CN=selfsigned.test", "-addext",
                  "subjectAltName=DNS:selfsigned.test,IP:127.0.0.1"}),
            log);
        !r)
        return r;

    // Certificates signed by the CA: request, then sign with an extension file.
    struct Leaf {
        std::filesystem::path cert, key;
        const char* subject;
        const char* extensions;
        const char* serial;
    };
    const Leaf leaves[] = {
        {server_cert, server_key, "/CN=tls.test",
         "subjectAltName=DNS:tls.test,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
         "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
         "1001"},
        {server_noip_cert, server_noip_key, "/CN=tls.test",
         "subjectAltName=DNS:tls.test\nbasicConstraints=CA:FALSE\n"
         "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
         "1002"},
        {client_cert, client_key, "/CN=wizfi-client",
         "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n",
         "1003"},
    };
    for (const Leaf& leaf : leaves) {
        std::filesystem::path csr = leaf.cert;
        csr.replace_extension(".csr");
        std::filesystem::path ext = leaf.cert;
        ext.replace_extension(".ext");
        if (auto r = write_whole_file(ext, leaf.extensions); !r) return r;
        if (auto r = run_program(
                with(with({"openssl", "req"}, ec_key), {"-keyout", path_text(leaf.key), "-out",
                                                        path_text(csr), "-subj", leaf.subject}),
                log);
            !r)
            return r;
        if (auto r = run_program(
                {"openssl", "x509", "-req", "-in", path_text(csr), "-CA", path_text(ca_cert),
                 "-CAkey", path_text(ca_key), "-set_serial", leaf.serial, "-out",
                 path_text(leaf.cert), "-days", "3650", "-extfile", path_text(ext)},
                log);
            !r)
            return r;
    }
    return ::testing::AssertionSuccess();
}

// ---- processes --------------------------------------------------------------------------------

ChildProcess::~ChildProcess() {
    stop();
}

::testing::AssertionResult ChildProcess::start(const std::vector<std::string>& argv,
                                               const std::filesystem::path& stderr_log) {
    if (pid_ > 0) return ::testing::AssertionFailure() << describe() << " is already running";
    if (argv.empty()) return ::testing::AssertionFailure() << "ChildProcess: no program";
    ignore_sigpipe();
    name_ = argv.front() + (argv.size() > 1 ? " " + argv[1] : std::string());
    stderr_log_ = stderr_log;
    exited_ = false;
    exit_status_ = 0;

    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    cargv.reserve(args.size() + 1);
    for (auto& a : args)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int in_pipe[2] = {-1, -1};
    int out_pipe[2] = {-1, -1};
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
        const int err = errno;
        for (const int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]})
            if (fd >= 0) ::close(fd);
        return ::testing::AssertionFailure() << "pipe2: " << errno_text(err);
    }
    const int logfd = ::open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) {
        const int err = errno;
        for (const int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]})
            ::close(fd);
        return ::testing::AssertionFailure() << "open " << stderr_log << ": " << errno_text(err);
    }
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) {
        const int err = errno;
        for (const int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], logfd})
            ::close(fd);
        return ::testing::AssertionFailure() << "fork: " << errno_text(err);
    }
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);
        ::signal(SIGPIPE, SIG_DFL);
        ::dup2(in_pipe[0], STDIN_FILENO);
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(logfd, STDERR_FILENO);
        ::execvp(cargv[0], cargv.data());
        static constexpr char msg[] = "tls_peer: execvp failed\n";
        const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(logfd);
    stdin_fd_ = in_pipe[1];
    stdout_fd_ = out_pipe[0];
    set_nonblocking(stdin_fd_);
    set_nonblocking(stdout_fd_);
    pid_ = child;
    return ::testing::AssertionSuccess();
}

bool ChildProcess::running() {
    if (pid_ <= 0 || exited_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exited_ = true;
        exit_status_ = status;
        return false;
    }
    return true;
}

void ChildProcess::stop() {
    if (pid_ > 0 && !exited_) {
        if (running()) {
            ::kill(pid_, SIGTERM);
            const auto deadline = Clock::now() + kKillGrace;
            bool killed = false;
            for (;;) {
                int status = 0;
                const pid_t r = ::waitpid(pid_, &status, WNOHANG);
                if (r == pid_ || (r < 0 && errno != EINTR)) {
                    exited_ = true;
                    exit_status_ = status;
                    break;
                }
                if (!killed && Clock::now() >= deadline) {
                    ::kill(pid_, SIGKILL);
                    killed = true;
                }
                std::this_thread::sleep_for(Millis{5});
            }
        }
    }
    close_stdin();
    if (stdout_fd_ >= 0) {
        ::close(stdout_fd_);
        stdout_fd_ = -1;
    }
}

::testing::AssertionResult ChildProcess::wait_exit(int& status, Millis timeout) {
    if (pid_ <= 0) return ::testing::AssertionFailure() << "ChildProcess: nothing was started";
    const auto deadline = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= deadline) {
            return ::testing::AssertionFailure()
                   << describe() << " did not end within " << timeout.count() << " ms";
        }
        std::this_thread::sleep_for(Millis{5});
    }
    status = exit_status_;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult ChildProcess::write(std::string_view bytes, Millis timeout) {
    if (stdin_fd_ < 0) return ::testing::AssertionFailure() << describe() << ": stdin is closed";
    const auto deadline = Clock::now() + timeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(stdin_fd_, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(stdin_fd_, POLLOUT, deadline) <= 0) {
                return ::testing::AssertionFailure()
                       << describe() << ": only " << done << " of " << bytes.size()
                       << " bytes written to its stdin within " << timeout.count() << " ms";
            }
            continue;
        }
        return ::testing::AssertionFailure()
               << describe() << ": write to its stdin failed: " << errno_text(errno)
               << (running() ? "" : " (" + describe_status(exit_status_) + ")");
    }
    return ::testing::AssertionSuccess();
}

void ChildProcess::close_stdin() {
    if (stdin_fd_ >= 0) {
        ::close(stdin_fd_);
        stdin_fd_ = -1;
    }
}

::testing::AssertionResult ChildProcess::read_exactly(std::size_t n, std::string& out,
                                                      Millis timeout) {
    out.clear();
    if (stdout_fd_ < 0) return ::testing::AssertionFailure() << describe() << ": stdout is closed";
    const auto deadline = Clock::now() + timeout;
    std::string note;
    std::vector<char> buffer(65536);
    while (out.size() < n) {
        const int ev = wait_for(stdout_fd_, POLLIN, deadline);
        if (ev == 0) {
            note = "timed out after " + std::to_string(timeout.count()) + " ms";
            break;
        }
        if (ev < 0) {
            note = "poll: " + errno_text(errno);
            break;
        }
        const std::size_t want = std::min(buffer.size(), n - out.size());
        const ssize_t r = ::read(stdout_fd_, buffer.data(), want);
        if (r > 0) {
            out.append(buffer.data(), static_cast<std::size_t>(r));
            continue;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        note = r == 0 ? "end of its output" : "read: " + errno_text(errno);
        if (!running()) note += "; it " + describe_status(exit_status_);
        break;
    }
    if (out.size() == n) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << describe() << ": wanted " << n << " bytes on its stdout, got " << out.size() << " ("
           << note << "): \"" << escape_bytes(std::string_view(out).substr(0, 400))
           << "\"\n  its stderr:\n"
           << stderr_text();
}

::testing::AssertionResult ChildProcess::expect(std::string_view exact, Millis timeout) {
    std::string got;
    auto r = read_exactly(exact.size(), got, timeout);
    if (r && got == exact) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << describe() << ": the bytes it received differ\n  expected (" << exact.size()
           << " bytes): \"" << escape_bytes(exact.substr(0, 400)) << "\"\n  received ("
           << got.size() << " bytes): \"" << escape_bytes(std::string_view(got).substr(0, 400))
           << "\"\n"
           << (r ? std::string() : std::string(r.message()));
}

::testing::AssertionResult ChildProcess::expect_nothing(Millis for_ms) {
    if (stdout_fd_ < 0) return ::testing::AssertionSuccess();
    const int ev = wait_for(stdout_fd_, POLLIN, Clock::now() + for_ms);
    if (ev == 0) return ::testing::AssertionSuccess();
    char buffer[4096];
    const ssize_t r = ::read(stdout_fd_, buffer, sizeof buffer);
    if (r <= 0) return ::testing::AssertionSuccess();  // end of its output: nothing came
    return ::testing::AssertionFailure()
           << describe() << ": bytes arrived where nothing should: \""
           << escape_bytes(std::string_view(buffer, static_cast<std::size_t>(r))) << "\"";
}

std::string ChildProcess::stderr_text() const {
    std::string text;
    if (stderr_log_.empty() || !read_whole_file(stderr_log_, text)) return {};
    if (text.size() > 8192) text = "[...]" + text.substr(text.size() - 8192);
    return text;
}

std::string ChildProcess::describe() const {
    return "`" + name_ + "` (PID " + std::to_string(pid_) + ")";
}

// ---- openssl s_server / s_client --------------------------------------------------------------

bool process_listens_on(pid_t pid, std::uint16_t port) {
    // The socket inodes the process holds.
    std::set<unsigned long> inodes;
    const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    if (DIR* d = ::opendir(fd_dir.c_str())) {
        while (const dirent* entry = ::readdir(d)) {
            const std::string link = fd_dir + "/" + entry->d_name;
            char target[128] = {};
            const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
            if (n <= 0) continue;
            unsigned long inode = 0;
            if (std::sscanf(target, "socket:[%lu]", &inode) == 1) inodes.insert(inode);
        }
        ::closedir(d);
    }
    if (inodes.empty()) return false;
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    std::getline(tcp, line);  // the header
    while (std::getline(tcp, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
        unsigned long inode = 0;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode;
        if (!fields || state != "0A") continue;  // 0A: LISTEN
        const auto colon = local.find(':');
        if (colon == std::string::npos) continue;
        const unsigned long local_port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
        if (local_port == port && inodes.count(inode) != 0) return true;
    }
    return false;
}

::testing::AssertionResult TlsServer::start(const TlsServerOptions& options,
                                            const std::filesystem::path& log_dir) {
    std::string failures;
    for (int attempt = 0; attempt < kServerStartAttempts; ++attempt) {
        const std::uint16_t port = free_tcp_port();
        if (port == 0) return ::testing::AssertionFailure() << "no free TCP port";
        std::vector<std::string> argv = {"openssl",  "s_server",
                                         "-accept",  "127.0.0.1:" + std::to_string(port),
                                         "-naccept", "1",
                                         "-cert",    path_text(options.cert),
                                         "-key",     path_text(options.key),
                                         "-quiet"};
        if (!options.client_ca.empty()) {
            argv.insert(argv.end(), {"-Verify", "1", "-CAfile", path_text(options.client_ca)});
        }
        if (options.tls1_2_only) argv.emplace_back("-tls1_2");
        const auto log = log_dir / ("s_server-" + std::to_string(port) + ".log");
        if (auto r = process_.start(argv, log); !r) return r;
        const auto deadline = Clock::now() + kTimeout;
        while (Clock::now() < deadline && process_.running()) {
            if (process_listens_on(process_.pid(), port)) {
                port_ = port;
                return ::testing::AssertionSuccess();
            }
            std::this_thread::sleep_for(Millis{10});
        }
        failures += "  port " + std::to_string(port) + ": " + process_.stderr_text() + "\n";
        process_.stop();
    }
    return ::testing::AssertionFailure() << "openssl s_server did not listen on 127.0.0.1 after "
                                         << kServerStartAttempts << " attempts:\n"
                                         << failures;
}

::testing::AssertionResult TlsClient::start(const TlsClientOptions& options,
                                            const std::filesystem::path& log_dir) {
    std::vector<std::string> argv = {"openssl", "s_client", "-connect",
                                     "127.0.0.1:" + std::to_string(options.port), "-quiet"};
    if (!options.ca.empty()) {
        argv.insert(argv.end(), {"-CAfile", path_text(options.ca), "-verify_return_error",
                                 "-verify_ip", "127.0.0.1"});
    }
    if (!options.cert.empty()) {
        argv.insert(argv.end(), {"-cert", path_text(options.cert), "-key", path_text(options.key)});
    }
    return process_.start(argv, log_dir / ("s_client-" + std::to_string(options.port) + ".log"));
}

// ---- the serial line --------------------------------------------------------------------------

SerialLine::~SerialLine() {
    close();
}

::testing::AssertionResult SerialLine::open(const std::filesystem::path& link) {
    close();
    const int fd = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return ::testing::AssertionFailure()
               << "SerialLine: open " << link << ": " << errno_text(errno);
    }
    if (::isatty(fd) == 0) {
        ::close(fd);
        return ::testing::AssertionFailure() << "SerialLine: " << link << " is not a terminal";
    }
    fd_ = fd;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult SerialLine::share(int fd) {
    close();
    fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (fd_ < 0) return ::testing::AssertionFailure() << "SerialLine: dup: " << errno_text(errno);
    return ::testing::AssertionSuccess();
}

void SerialLine::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

::testing::AssertionResult SerialLine::write_all(std::string_view bytes, Millis timeout,
                                                 std::atomic<std::size_t>* written) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "SerialLine: not open";
    return put_all(
        fd_, bytes, timeout, written, {"serial line", "read", "write"},
        [](int fd, const char* data, std::size_t size) { return ::write(fd, data, size); });
}

::testing::AssertionResult SerialLine::read_exactly(std::size_t n, std::string& out,
                                                    Millis timeout) {
    out.clear();
    if (fd_ < 0) return ::testing::AssertionFailure() << "SerialLine: not open";
    std::string note;
    get_exactly(fd_, n, out, timeout, note, "end of file on the pty", "read",
                [](int fd, char* data, std::size_t size) { return ::read(fd, data, size); });
    if (out.size() == n) return ::testing::AssertionSuccess();
    const std::size_t tail = std::min<std::size_t>(out.size(), 200);
    return ::testing::AssertionFailure()
           << "serial line: wanted " << n << " bytes, got " << out.size() << " (" << note
           << "); the last bytes: \""
           << escape_bytes(std::string_view(out).substr(out.size() - tail)) << "\"";
}

::testing::AssertionResult SerialLine::read_through(char terminator, std::size_t max,
                                                    std::string& out, Millis timeout) {
    out.clear();
    if (fd_ < 0) return ::testing::AssertionFailure() << "SerialLine: not open";
    const auto deadline = Clock::now() + timeout;
    while (out.size() < max) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev <= 0) {
            return ::testing::AssertionFailure()
                   << "serial line: no '" << escape_bytes(std::string_view(&terminator, 1))
                   << "' within " << timeout.count() << " ms; received \"" << escape_bytes(out)
                   << "\"";
        }
        char c = 0;
        const ssize_t r = ::read(fd_, &c, 1);
        if (r == 1) {
            out.push_back(c);
            if (c == terminator) return ::testing::AssertionSuccess();
            continue;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        return ::testing::AssertionFailure()
               << "serial line: " << (r == 0 ? std::string("end of file") : errno_text(errno));
    }
    return ::testing::AssertionFailure()
           << "serial line: no '" << escape_bytes(std::string_view(&terminator, 1)) << "' within "
           << max << " bytes: \"" << escape_bytes(out) << "\"";
}

// ---- TCP peers --------------------------------------------------------------------------------

RawTcpStream::~RawTcpStream() {
    close();
}

RawTcpStream::RawTcpStream(RawTcpStream&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

RawTcpStream& RawTcpStream::operator=(RawTcpStream&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

::testing::AssertionResult RawTcpStream::send_all(std::string_view bytes, Millis timeout,
                                                  std::atomic<std::size_t>* sent) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP peer: not connected";
    return put_all(fd_, bytes, timeout, sent, {"TCP peer", "took", "send"},
                   [](int fd, const char* data, std::size_t size) {
                       return ::send(fd, data, size, MSG_NOSIGNAL);
                   });
}

::testing::AssertionResult RawTcpStream::read_exactly(std::size_t n, std::string& out,
                                                      Millis timeout) {
    out.clear();
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP peer: not connected";
    std::string note;
    get_exactly(fd_, n, out, timeout, note, "the daemon closed the connection", "recv",
                [](int fd, char* data, std::size_t size) { return ::recv(fd, data, size, 0); });
    if (out.size() == n) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "TCP peer: wanted " << n << " bytes, got " << out.size() << " (" << note << ")";
}

::testing::AssertionResult RawTcpStream::expect_nothing(Millis for_ms) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP peer: not connected";
    const int ev = wait_for(fd_, POLLIN, Clock::now() + for_ms);
    if (ev == 0) return ::testing::AssertionSuccess();
    char buffer[4096];
    const ssize_t r = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (r > 0) {
        return ::testing::AssertionFailure()
               << "TCP peer: unexpected bytes: \""
               << escape_bytes(std::string_view(buffer, static_cast<std::size_t>(r))) << "\"";
    }
    if (r == 0)
        return ::testing::AssertionFailure() << "TCP peer: the daemon closed the connection";
    return ::testing::AssertionSuccess();
}

std::uint16_t RawTcpStream::local_port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
    return ntohs(a.sin_port);
}

std::uint16_t RawTcpStream::remote_port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::getpeername(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
    return ntohs(a.sin_port);
}

void RawTcpStream::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

RawTcpListener::~RawTcpListener() {
    close();
}

::testing::AssertionResult RawTcpListener::listen(int receive_buffer, int max_segment) {
    close();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return ::testing::AssertionFailure() << "socket: " << errno_text(errno);
    if (receive_buffer > 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0) {
        const int err = errno;
        ::close(fd);
        return ::testing::AssertionFailure() << "SO_RCVBUF: " << errno_text(err);
    }
    if (max_segment > 0 &&
        ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &max_segment, sizeof max_segment) != 0) {
        const int err = errno;
        ::close(fd);
        return ::testing::AssertionFailure() << "TCP_MAXSEG: " << errno_text(err);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0) {
        const int err = errno;
        ::close(fd);
        return ::testing::AssertionFailure() << "bind/listen 127.0.0.1:0: " << errno_text(err);
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    fd_ = fd;
    port_ = ntohs(a.sin_port);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult RawTcpListener::accept(RawTcpStream& out, Millis timeout) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP listener: not listening";
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev == 0) {
            return ::testing::AssertionFailure()
                   << "TCP listener 127.0.0.1:" << port_ << ": the daemon did not connect within "
                   << timeout.count() << " ms";
        }
        if (ev < 0) return ::testing::AssertionFailure() << "poll: " << errno_text(errno);
        const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            out.close();
            out.fd_ = fd;
            return ::testing::AssertionSuccess();
        }
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return ::testing::AssertionFailure() << "accept: " << errno_text(errno);
    }
}

void RawTcpListener::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

// ---- data -------------------------------------------------------------------------------------

std::string bulk_random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 engine(seed);
    std::string out(n, '\0');
    std::size_t i = 0;
    while (i < n) {
        std::uint32_t word = engine();
        for (int k = 0; k < 4 && i < n; ++k, ++i) {
            out[i] = static_cast<char>(word & 0xffu);
            word >>= 8;
        }
    }
    return out;
}

std::string bulk_data_mode_bytes(std::size_t n, std::uint32_t seed) {
    std::string out = bulk_random_bytes(n, seed);
    for (std::size_t i = 2; i < out.size(); ++i) {
        if (out[i] == '+' && out[i - 1] == '+' && out[i - 2] == '+') out[i] = '-';
    }
    if (!out.empty() && out.back() == '+') out.back() = '.';
    return out;
}

bool tcp_queues(std::uint16_t local_port, std::uint16_t remote_port, std::size_t& tx,
                std::size_t& rx) {
    std::ifstream tcp("/proc/net/tcp");
    std::string line;
    std::getline(tcp, line);  // the header
    while (std::getline(tcp, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues;
        fields >> slot >> local >> remote >> state >> queues;
        if (!fields || state != "01") continue;  // 01: ESTABLISHED
        const auto lc = local.find(':');
        const auto rc = remote.find(':');
        const auto qc = queues.find(':');
        if (lc == std::string::npos || rc == std::string::npos || qc == std::string::npos) continue;
        if (std::strtoul(local.c_str() + lc + 1, nullptr, 16) != local_port ||
            std::strtoul(remote.c_str() + rc + 1, nullptr, 16) != remote_port)
            continue;
        tx = std::strtoul(queues.substr(0, qc).c_str(), nullptr, 16);
        rx = std::strtoul(queues.c_str() + qc + 1, nullptr, 16);
        return true;
    }
    return false;
}

bool tcp_memory_limits(const char* name, std::size_t& min, std::size_t& def, std::size_t& max) {
    std::ifstream in(std::string("/proc/sys/net/ipv4/") + name);
    return static_cast<bool>(in >> min >> def >> max);
}

long vm_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
}

std::string compare_bulk(std::string_view expected, std::string_view received) {
    const std::size_t n = std::min(expected.size(), received.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (expected[i] != received[i]) {
            return "first difference at byte " + std::to_string(i) + " of " +
                   std::to_string(expected.size()) + " (expected " + hex_byte(expected[i]) +
                   ", got " + hex_byte(received[i]) + ")";
        }
    }
    if (expected.size() != received.size()) {
        return "lengths differ: expected " + std::to_string(expected.size()) + " bytes, got " +
               std::to_string(received.size());
    }
    return {};
}

}  // namespace wizfi250d::conformance
