// SPDX-License-Identifier: Apache-2.0
#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>
#include <thread>

#ifndef WIZFI250D_BINARY
#error "WIZFI250D_BINARY must be defined (tests/CMakeLists.txt sets it to the built daemon)"
#endif

namespace wizfi250d::conformance {

namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis kStopTimeout{5000};
constexpr Millis kPollStep{10};
// After a mismatch, keep reading until the line has been quiet this long (at most kContextMax),
// so that the failure message shows what the daemon was sending.
constexpr Millis kContextQuiet{250};
constexpr Millis kContextMax{1500};
constexpr std::size_t kMaxLogBytes = 64 * 1024;

std::string errno_text(int err) {
    return std::string(std::strerror(err));
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return static_cast<int>(std::min<long long>(left, 1000 * 60));
}

std::string describe_wait_status(int status) {
    std::ostringstream out;
    if (WIFEXITED(status)) {
        out << "exited with status " << WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        out << "was killed by signal " << sig << " (" << strsignal(sig) << ")";
        if (WCOREDUMP(status)) out << ", core dumped";
    } else {
        out << "changed state (wait status " << status << ")";
    }
    return out.str();
}

std::size_t first_difference(std::string_view a, std::string_view b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return i;
    }
    return n;
}

std::string byte_text(char c) {
    const auto u = static_cast<unsigned char>(c);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", u);
    return "'" + escape_bytes(std::string_view(&c, 1)) + "' (" + hex + ")";
}

}  // namespace

std::string escape_bytes(std::string_view bytes, bool multiline) {
    std::string out;
    out.reserve(bytes.size() + 16);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
                if (multiline) out += "\n    ";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            default:
                if (u >= 0x20 && u < 0x7f) {
                    out += c;
                } else {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "\\x%02x", u);
                    out += hex;
                }
        }
    }
    return out;
}

Daemon::Daemon() : Daemon(DaemonOptions{}) {}

Daemon::Daemon(DaemonOptions options) : options_(std::move(options)) {}

Daemon::~Daemon() {
    if (pid_ > 0 || !unexpected_exit_.empty()) {
        const ::testing::AssertionResult stopped = stop();
        if (!stopped) ADD_FAILURE() << stopped.message();
    }
    close_fd();
    if (::testing::Test::HasFailure()) print_log();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        if (ec)
            std::cerr << "conformance: could not remove " << dir_ << ": " << ec.message() << "\n";
    }
}

::testing::AssertionResult Daemon::make_dir() {
    if (!dir_.empty()) return ::testing::AssertionSuccess();
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                          "/wizfi250d-conformance-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        return ::testing::AssertionFailure()
               << "mkdtemp(" << pattern << ") failed: " << errno_text(errno);
    }
    dir_ = buffer.data();
    state_dir_ = dir_ / "state";
    link_ = dir_ / "ttyWIZ";
    log_ = dir_ / "daemon.log";
    if (::mkdir(state_dir_.c_str(), 0700) != 0) {
        return ::testing::AssertionFailure()
               << "mkdir(" << state_dir_ << ") failed: " << errno_text(errno);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult Daemon::start() {
    if (pid_ > 0) return ::testing::AssertionFailure() << "start(): the daemon is already running";
    if (auto r = make_dir(); !r) return r;
    if (!options_.line_end.empty()) {
        // The far end of a UART is there before the daemon; what an earlier daemon left on the
        // line is read away first.
        if (auto r = open_line_end(); !r) return r;
        return spawn_and_expect_banner();
    }
    if (auto r = spawn(); !r) return r;
    if (auto r = open_link(); !r) return r;
    return spawn_and_expect_banner(false);
}

::testing::AssertionResult Daemon::spawn_and_expect_banner(bool spawn_first) {
    if (spawn_first) {
        if (auto r = spawn(); !r) return r;
    }
    if (options_.expect_banner) {
        if (auto r = expect(kBanner, kBootTimeout); !r) {
            return ::testing::AssertionFailure() << "boot banner:\n" << r.message();
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult Daemon::open_line_end() {
    if (fd_ < 0) {
        fd_ = ::open(options_.line_end.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) {
            return ::testing::AssertionFailure()
                   << "open " << options_.line_end << ": " << errno_text(errno);
        }
    }
    drain_for_context(kQuiet, kTimeout);
    pending_.clear();
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult Daemon::restart() {
    if (auto r = stop(); !r) return r;
    return start();
}

::testing::AssertionResult Daemon::spawn() {
    const std::string binary = WIZFI250D_BINARY;
    if (::access(binary.c_str(), X_OK) != 0) {
        return ::testing::AssertionFailure()
               << "the daemon binary " << binary << " is not there or not executable ("
               << errno_text(errno) << ")";
    }
    std::error_code ec;
    std::filesystem::remove(link_, ec);  // a link left by a previous run in this directory

    std::vector<std::string> args = {
        binary,
        "--serial",
        options_.serial_device.empty() ? "pty:" + link_.string() : options_.serial_device,
        "--state-dir",
        state_dir_.string(),
        "--config",
        "/dev/null",
        "--wifi",
        "host",
        "--log-level",
        options_.log_level};
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // Open the files before fork, so that the child only calls async-signal-safe functions.
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0)
        return ::testing::AssertionFailure() << "open /dev/null: " << errno_text(errno);
    const int logfd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) {
        ::close(devnull);
        return ::testing::AssertionFailure() << "open " << log_ << ": " << errno_text(errno);
    }
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) {
        const int err = errno;
        ::close(devnull);
        ::close(logfd);
        return ::testing::AssertionFailure() << "fork: " << errno_text(err);
    }
    if (child == 0) {
        // If the test process dies (a timeout in ctest), the daemon goes with it.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        ::dup2(devnull, STDIN_FILENO);
        ::dup2(logfd, STDOUT_FILENO);
        ::dup2(logfd, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        static constexpr char msg[] = "conformance harness: execv failed\n";
        const ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        ::_exit(127);
    }
    ::close(devnull);
    ::close(logfd);
    pid_ = child;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult Daemon::open_link() {
    const auto deadline = Clock::now() + kBootTimeout;
    int last_errno = 0;
    for (;;) {
        if (const std::string state = process_state(); !state.empty()) {
            return ::testing::AssertionFailure()
                   << "the daemon " << state << " before its pty link " << link_
                   << " could be opened";
        }
        struct stat st {};
        if (::lstat(link_.c_str(), &st) == 0) {
            const int fd = ::open(link_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
            if (fd >= 0) {
                if (::isatty(fd) == 0) {
                    ::close(fd);
                    return ::testing::AssertionFailure()
                           << link_
                           << " does not lead to a terminal (S_ISLNK=" << S_ISLNK(st.st_mode)
                           << ")";
                }
                // Always raw: when the last fd of a pty slave closes, the kernel resets its
                // termios, and the daemon's own settings may be cooked.
                termios tio{};
                if (::tcgetattr(fd, &tio) != 0) {
                    const int err = errno;
                    ::close(fd);
                    return ::testing::AssertionFailure() << "tcgetattr: " << errno_text(err);
                }
                ::cfmakeraw(&tio);
                tio.c_cc[VMIN] = 1;
                tio.c_cc[VTIME] = 0;
                // TCSANOW, not TCSAFLUSH: the banner is already waiting in the input queue.
                if (::tcsetattr(fd, TCSANOW, &tio) != 0) {
                    const int err = errno;
                    ::close(fd);
                    return ::testing::AssertionFailure() << "tcsetattr: " << errno_text(err);
                }
                fd_ = fd;
                return ::testing::AssertionSuccess();
            }
            last_errno = errno;
        }
        if (Clock::now() >= deadline) {
            return ::testing::AssertionFailure()
                   << "the pty link " << link_ << " did not appear (or could not be opened: "
                   << (last_errno != 0 ? errno_text(last_errno) : std::string("no such file"))
                   << ") within " << kBootTimeout.count() << " ms";
        }
        std::this_thread::sleep_for(kPollStep);
    }
}

std::string Daemon::process_state() {
    if (pid_ <= 0) return "is not running";
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -1;
        unexpected_exit_ = describe_wait_status(status);
        return unexpected_exit_;
    }
    return {};
}

::testing::AssertionResult Daemon::stop() {
    if (pid_ <= 0) {
        close_fd();
        pending_.clear();
        if (!unexpected_exit_.empty()) {
            std::string note;
            note.swap(unexpected_exit_);
            return ::testing::AssertionFailure()
                   << "the daemon had stopped by itself during the test: it " << note;
        }
        return ::testing::AssertionSuccess();
    }
    // A daemon that is already gone has exited on its own: that is a failure.
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -1;
        close_fd();
        return ::testing::AssertionFailure()
               << "the daemon had stopped by itself before teardown: it "
               << describe_wait_status(status);
    }
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + kStopTimeout;
    bool killed = false;
    for (;;) {
        r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) break;
        if (r < 0 && errno != EINTR) {
            const int err = errno;
            pid_ = -1;
            close_fd();
            return ::testing::AssertionFailure() << "waitpid: " << errno_text(err);
        }
        if (!killed && Clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(kPollStep);
    }
    pid_ = -1;
    close_fd();
    pending_.clear();
    if (killed) {
        return ::testing::AssertionFailure()
               << "the daemon did not exit within " << kStopTimeout.count()
               << " ms of SIGTERM and was killed with SIGKILL";
    }
    const bool clean = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
                       (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    if (!clean) {
        return ::testing::AssertionFailure()
               << "on SIGTERM the daemon " << describe_wait_status(status);
    }
    return ::testing::AssertionSuccess();
}

void Daemon::close_fd() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

::testing::AssertionResult Daemon::send(std::string_view bytes) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "send(): the serial line is not open";
    const auto deadline = Clock::now() + kTimeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLOUT, 0};
            const int left = remaining_ms(deadline);
            if (left == 0) {
                return ::testing::AssertionFailure()
                       << "send(): the daemon did not read its input: " << done << " of "
                       << bytes.size() << " bytes written in " << kTimeout.count() << " ms";
            }
            ::poll(&p, 1, left);
            continue;
        }
        const int err = errno;
        std::string state = process_state();
        return ::testing::AssertionFailure()
               << "send(\"" << escape_bytes(bytes) << "\"): write failed: " << errno_text(err)
               << (state.empty() ? std::string() : "; the daemon " + state);
    }
    return ::testing::AssertionSuccess();
}

Daemon::ReadStatus Daemon::read_some(Clock::time_point deadline) {
    if (fd_ < 0) {
        last_read_error_ = "the serial line is not open";
        return ReadStatus::error;
    }
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        const int left = remaining_ms(deadline);
        const int r = ::poll(&p, 1, left);
        if (r < 0) {
            if (errno == EINTR) continue;
            last_read_error_ = "poll: " + errno_text(errno);
            return ReadStatus::error;
        }
        if (r == 0) {
            if (left == 0 || Clock::now() >= deadline) return ReadStatus::timeout;
            continue;
        }
        char buffer[4096];
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n > 0) {
            pending_.append(buffer, static_cast<std::size_t>(n));
            return ReadStatus::data;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        // EIO (or 0) on a pty slave: the master side was closed.
        last_read_error_ = n == 0 ? std::string("end of file on the pty")
                                  : "read: " + errno_text(errno) + " (the pty master was closed)";
        const std::string state = process_state();
        if (!state.empty()) last_read_error_ += "; the daemon " + state;
        return ReadStatus::hangup;
    }
}

void Daemon::drain_for_context(Millis quiet, Millis max) {
    const auto hard = Clock::now() + max;
    for (;;) {
        const auto soft = std::min(hard, Clock::now() + quiet);
        if (read_some(soft) != ReadStatus::data) return;
        if (Clock::now() >= hard) return;
    }
}

std::string Daemon::describe_failure(std::string_view what, std::string_view expected,
                                     std::string_view received) {
    std::ostringstream out;
    out << what << "\n";
    out << "  expected (" << expected.size() << " bytes):\n    \"" << escape_bytes(expected, true)
        << "\"\n";
    out << "  received (" << received.size() << " bytes):\n    \"" << escape_bytes(received, true)
        << "\"\n";
    const std::size_t at = first_difference(expected, received);
    if (at < expected.size() && at < received.size()) {
        out << "  first difference at byte " << at << ": expected " << byte_text(expected[at])
            << ", got " << byte_text(received[at]) << "\n";
    } else if (received.size() < expected.size()) {
        out << "  the received bytes are a prefix of the expected ones; missing from byte "
            << received.size() << " on: \"" << escape_bytes(expected.substr(received.size()))
            << "\"\n";
    } else if (received.size() > expected.size()) {
        out << "  extra bytes after the expected ones: \""
            << escape_bytes(received.substr(expected.size())) << "\"\n";
    }
    return out.str();
}

::testing::AssertionResult Daemon::expect(std::string_view exact, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string note;
    while (pending_.size() < exact.size()) {
        if (first_difference(exact, pending_) < pending_.size()) break;  // already wrong
        const ReadStatus s = read_some(deadline);
        if (s == ReadStatus::data) continue;
        if (s == ReadStatus::timeout) {
            note = "timed out after " + std::to_string(timeout.count()) + " ms";
        } else {
            note = last_read_error_;
        }
        break;
    }
    if (pending_.size() >= exact.size() &&
        std::string_view(pending_).substr(0, exact.size()) == exact) {
        pending_.erase(0, exact.size());
        return ::testing::AssertionSuccess();
    }
    // Show what the daemon was sending: the bytes so far and what follows shortly after.
    if (note.empty() || note.rfind("timed out", 0) != 0)
        drain_for_context(kContextQuiet, kContextMax);
    std::string received;
    received.swap(pending_);
    std::string what = "expect(): the serial output differs from the spec";
    if (!note.empty()) what += " (" + note + ")";
    return ::testing::AssertionFailure() << describe_failure(what, exact, received);
}

::testing::AssertionResult Daemon::expect_nothing(Millis for_ms) {
    const auto deadline = Clock::now() + for_ms;
    if (pending_.empty()) {
        const ReadStatus s = read_some(deadline);
        if (s == ReadStatus::timeout) return ::testing::AssertionSuccess();
        if (s != ReadStatus::data) {
            return ::testing::AssertionFailure() << "expect_nothing(): " << last_read_error_;
        }
    }
    drain_for_context(kContextQuiet, kContextMax);
    std::string received;
    received.swap(pending_);
    return ::testing::AssertionFailure() << describe_failure(
               "expect_nothing(): bytes arrived where the spec says that nothing is sent "
               "(silence checked for " +
                   std::to_string(for_ms.count()) + " ms)",
               "", received);
}

::testing::AssertionResult Daemon::transact(std::string_view command, std::string_view response,
                                            Millis timeout) {
    std::string line(command);
    line += '\r';
    if (auto r = send(line); !r) return r;
    std::string expected(command);
    expected += "\r\n";
    expected += response;
    if (auto r = expect(expected, timeout); !r) {
        return ::testing::AssertionFailure()
               << "transact(\"" << escape_bytes(command) << "\\r\"):\n"
               << r.message();
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult Daemon::read_until(std::string_view terminator, std::string& out,
                                              Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    out.clear();
    for (;;) {
        const std::size_t at = pending_.find(terminator);
        if (at != std::string::npos) {
            out = pending_.substr(0, at + terminator.size());
            pending_.erase(0, at + terminator.size());
            return ::testing::AssertionSuccess();
        }
        const ReadStatus s = read_some(deadline);
        if (s == ReadStatus::data) continue;
        std::string received;
        received.swap(pending_);
        return ::testing::AssertionFailure()
               << "read_until(\"" << escape_bytes(terminator) << "\"): "
               << (s == ReadStatus::timeout
                       ? "timed out after " + std::to_string(timeout.count()) + " ms"
                       : last_read_error_)
               << "\n  received (" << received.size() << " bytes):\n    \""
               << escape_bytes(received, true) << "\"\n";
    }
}

std::string Daemon::log_text() const {
    if (log_.empty()) return {};
    std::ifstream in(log_, std::ios::binary);
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void Daemon::print_log() {
    std::string text = log_text();
    std::cerr << "---- wizfi250d log (" << log_ << ", stderr of PID-started daemon) ----\n";
    if (text.size() > kMaxLogBytes) {
        std::cerr << "[... " << (text.size() - kMaxLogBytes) << " earlier bytes left out ...]\n";
        text.erase(0, text.size() - kMaxLogBytes);
    }
    std::cerr << text;
    if (!text.empty() && text.back() != '\n') std::cerr << "\n";
    std::cerr << "---- end of wizfi250d log ----\n";
}

}  // namespace wizfi250d::conformance
