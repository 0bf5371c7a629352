// SPDX-License-Identifier: Apache-2.0
// The real daemon inside a network namespace, over its pty (see daemon_wifi_support.hpp).

#include "daemon_wifi_support.hpp"

#include "../../src/wifi/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef WIZFI250D_BINARY
#error "WIZFI250D_BINARY must be defined (tests/CMakeLists.txt sets it to the built daemon)"
#endif

namespace wizfi250d::itest {

namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis kBootTimeout{15000};
constexpr Millis kStopTimeout{5000};
constexpr std::string_view kBanner = "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n";

std::string describe_status(int status) {
    std::ostringstream out;
    if (WIFEXITED(status)) {
        out << "exited with status " << WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        out << "was killed by signal " << WTERMSIG(status) << " (" << strsignal(WTERMSIG(status))
            << ")";
    } else {
        out << "changed state (" << status << ")";
    }
    return out.str();
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60000));
}

}  // namespace

std::string escape_bytes(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '\r':
                out += "\\r";
                break;
            case '\n':
                out += "\\n";
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

::testing::AssertionResult same_bytes(std::string_view expected, std::string_view received) {
    if (expected == received) return ::testing::AssertionSuccess();
    std::size_t at = 0;
    while (at < expected.size() && at < received.size() && expected[at] == received[at])
        ++at;
    return ::testing::AssertionFailure()
           << "the serial output differs from the spec\n  expected (" << expected.size()
           << " bytes): \"" << escape_bytes(expected) << "\"\n  received (" << received.size()
           << " bytes): \"" << escape_bytes(received) << "\"\n  first difference at byte " << at;
}

std::string missing_parts(const std::vector<std::string>& programs) {
    if (auto reason = netns_unavailable_reason(); !reason.empty()) return reason;
    for (const auto& program : programs)
        if (find_program(program).empty())
            return program + " is not installed (scripts/install-deps.sh --test)";
    std::string detail;
    if (!test_net_free_in_root(detail))
        return "203.0.113.0/24 is in use in the root namespace:\n" + detail;
    return {};
}

std::string interface_mac(const NetnsPair& net, const std::string& ns,
                          const std::string& interface) {
    const std::string out = net.ip(ns, {"link", "show", "dev", interface}).output;
    const auto at = out.find("link/ether ");
    if (at == std::string::npos) return {};
    std::string mac = out.substr(at + 11, 17);
    std::transform(mac.begin(), mac.end(), mac.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return mac;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string tail_of(const std::string& text, std::size_t max) {
    return text.size() <= max ? text : "[...]\n" + text.substr(text.size() - max);
}

bool in_netns(pid_t pid, const std::string& ns) {
    struct stat want {};
    struct stat have {};
    const std::string own = "/proc/" + std::to_string(pid) + "/ns/net";
    return ::stat(("/run/netns/" + ns).c_str(), &want) == 0 && ::stat(own.c_str(), &have) == 0 &&
           want.st_ino == have.st_ino && want.st_dev == have.st_dev;
}

bool eventually(const std::function<bool()>& condition, Millis timeout) {
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(Millis(50));
    }
    return condition();
}

std::vector<std::string> dnsmasq_base_command(const std::string& netns) {
    return {"ip",
            "netns",
            "exec",
            netns,
            "dnsmasq",
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--local=/#/"};
}

std::vector<std::string> dnsmasq_command(const DhcpServerSetup& setup) {
    std::vector<std::string> argv = dnsmasq_base_command(setup.netns);
    argv.insert(
        argv.end(),
        {"--interface=" + setup.interface, setup.bind, "--except-interface=lo", "--no-ping",
         "--dhcp-authoritative", "--dhcp-range=203.0.113.100,203.0.113.150,255.255.255.0,2m",
         "--dhcp-option=option:router," + setup.gateway,
         "--dhcp-option=option:dns-server," + setup.gateway,
         "--host-record=echo.test," + setup.gateway, "--dhcp-leasefile=" + setup.dir + "/leases",
         "--pid-file=" + setup.dir + "/dnsmasq.pid", "--log-facility=" + setup.dir + "/dnsmasq.log",
         "--log-dhcp", "--log-queries"});
    argv.insert(argv.end(), setup.extra_options.begin(), setup.extra_options.end());
    return argv;
}

NsDaemon::NsDaemon(NsDaemonOptions options) : options_(std::move(options)) {
    link_ = options_.dir + "/ttyWIZ";
    state_dir_ = options_.dir + "/state";
    log_ = options_.dir + "/daemon.log";
}

NsDaemon::~NsDaemon() {
    if (pid_ > 0 || !exited_.empty()) {
        const auto stopped = stop();
        if (!stopped) ADD_FAILURE() << stopped.message();
    }
    if (fd_ >= 0) ::close(fd_);
}

std::string NsDaemon::log_text() const {
    std::ifstream in(log_, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string NsDaemon::process_state() {
    if (pid_ <= 0) return exited_.empty() ? "is not running" : exited_;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exited_ = describe_status(status);
        return exited_;
    }
    return {};
}

bool NsDaemon::running() {
    return process_state().empty();
}

::testing::AssertionResult NsDaemon::start() {
    if (pid_ > 0) return ::testing::AssertionFailure() << "the daemon is already running";
    if (::mkdir(state_dir_.c_str(), 0700) != 0 && errno != EEXIST)
        return ::testing::AssertionFailure() << "mkdir " << state_dir_ << ": " << strerror(errno);
    ::unlink(link_.c_str());
    std::vector<std::string> args{"/usr/sbin/ip",
                                  "netns",
                                  "exec",
                                  options_.netns,
                                  WIZFI250D_BINARY,
                                  "--serial",
                                  "pty:" + link_,
                                  "--state-dir",
                                  state_dir_,
                                  "--config",
                                  options_.config_file,
                                  "--log-level",
                                  options_.log_level};
    if (::access(args[0].c_str(), X_OK) != 0) args[0] = "/sbin/ip";
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int logfd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (devnull < 0 || logfd < 0) {
        if (devnull >= 0) ::close(devnull);
        if (logfd >= 0) ::close(logfd);
        return ::testing::AssertionFailure() << "cannot open /dev/null or " << log_;
    }
    std::fflush(nullptr);
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) {
        ::close(devnull);
        ::close(logfd);
        return ::testing::AssertionFailure() << "fork: " << strerror(errno);
    }
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        ::dup2(devnull, STDIN_FILENO);
        ::dup2(logfd, STDOUT_FILENO);
        ::dup2(logfd, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(devnull);
    ::close(logfd);
    pid_ = child;
    exited_.clear();

    // The link appears once the daemon runs (after `ip netns exec` entered the namespace).
    const auto deadline = Clock::now() + kBootTimeout;
    for (;;) {
        if (const auto state = process_state(); !state.empty())
            return ::testing::AssertionFailure()
                   << "the daemon " << state << " before its pty link appeared; its log:\n"
                   << log_text();
        struct stat st {};
        if (::lstat(link_.c_str(), &st) == 0) break;
        if (Clock::now() >= deadline)
            return ::testing::AssertionFailure()
                   << "the pty link " << link_ << " did not appear within " << kBootTimeout.count()
                   << " ms; the log:\n"
                   << log_text();
        std::this_thread::sleep_for(Millis(10));
    }
    // Nothing is sent before it is certain that the daemon runs inside its namespace.
    if (!in_netns(pid_, options_.netns))
        return ::testing::AssertionFailure()
               << "the daemon (PID " << pid_ << ") is not inside the namespace " << options_.netns;
    fd_ = ::open(link_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0 || ::isatty(fd_) == 0)
        return ::testing::AssertionFailure()
               << "cannot open the pty " << link_ << ": " << strerror(errno);
    termios tio{};
    if (::tcgetattr(fd_, &tio) != 0)
        return ::testing::AssertionFailure() << "tcgetattr: " << strerror(errno);
    ::cfmakeraw(&tio);
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (::tcsetattr(fd_, TCSANOW, &tio) != 0)
        return ::testing::AssertionFailure() << "tcsetattr: " << strerror(errno);
    if (auto r = expect(kBanner, kBootTimeout); !r)
        return ::testing::AssertionFailure() << "boot banner:\n" << r.message();
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult NsDaemon::stop() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    pending_.clear();
    if (pid_ <= 0) {
        if (exited_.empty()) return ::testing::AssertionSuccess();
        std::string how;
        how.swap(exited_);
        return ::testing::AssertionFailure() << "the daemon had stopped by itself: it " << how;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return ::testing::AssertionFailure()
               << "the daemon had stopped by itself: it " << describe_status(status);
    }
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + kStopTimeout;
    bool killed = false;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (!killed && Clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(Millis(10));
    }
    pid_ = -1;
    if (killed)
        return ::testing::AssertionFailure()
               << "the daemon did not exit within " << kStopTimeout.count()
               << " ms of SIGTERM and was killed";
    const bool clean = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
                       (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    if (!clean)
        return ::testing::AssertionFailure() << "on SIGTERM the daemon " << describe_status(status);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult NsDaemon::send(std::string_view bytes) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "send(): the pty is not open";
    const auto deadline = Clock::now() + Millis(5000);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Clock::now() < deadline) {
            pollfd p{fd_, POLLOUT, 0};
            ::poll(&p, 1, remaining_ms(deadline));
            continue;
        }
        return ::testing::AssertionFailure()
               << "send(\"" << escape_bytes(bytes) << "\") failed: " << strerror(errno) << " "
               << process_state();
    }
    return ::testing::AssertionSuccess();
}

bool NsDaemon::read_some(Clock::time_point deadline, std::string& why) {
    if (fd_ < 0) {
        why = "the pty is not open";
        return false;
    }
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        const int left = remaining_ms(deadline);
        const int r = ::poll(&p, 1, left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0 && Clock::now() < deadline) continue;
            why = "timed out";
            return false;
        }
        char buffer[4096];
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n > 0) {
            pending_.append(buffer, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        why = "the pty was closed; the daemon " +
              (process_state().empty() ? std::string("still runs") : process_state());
        return false;
    }
}

::testing::AssertionResult NsDaemon::expect(std::string_view expected, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string why;
    while (pending_.size() < expected.size()) {
        const std::string_view have(pending_);
        if (expected.substr(0, have.size()) != have) break;  // already different
        if (!read_some(deadline, why)) break;
    }
    if (pending_.size() >= expected.size() &&
        std::string_view(pending_).substr(0, expected.size()) == expected) {
        pending_.erase(0, expected.size());
        return ::testing::AssertionSuccess();
    }
    // What the daemon goes on sending shortly after helps to read the failure.
    const auto more = Clock::now() + Millis(why.empty() ? 1000 : 0);
    std::string ignored;
    while (why.empty() && Clock::now() < more && read_some(more, ignored)) {
    }
    std::string received;
    received.swap(pending_);
    return ::testing::AssertionFailure()
           << (why.empty() ? std::string()
                           : "(" + why + " after " + std::to_string(timeout.count()) + " ms) ")
           << same_bytes(expected, received).message();
}

::testing::AssertionResult NsDaemon::transact(std::string_view command, std::string_view response,
                                              Millis timeout) {
    if (auto r = send(std::string(command) + "\r"); !r) return r;
    if (auto r = expect(std::string(command) + "\r\n" + std::string(response), timeout); !r)
        return ::testing::AssertionFailure()
               << "after \"" << escape_bytes(command) << "\\r\": " << r.message();
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult NsDaemon::read_until(const std::vector<std::string>& terminators,
                                                std::string& out, Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    out.clear();
    for (;;) {
        std::size_t best = std::string::npos;
        std::size_t best_size = 0;
        for (const auto& t : terminators) {
            const auto at = pending_.find(t);
            if (at != std::string::npos && (best == std::string::npos || at < best)) {
                best = at;
                best_size = t.size();
            }
        }
        if (best != std::string::npos) {
            out = pending_.substr(0, best + best_size);
            pending_.erase(0, best + best_size);
            return ::testing::AssertionSuccess();
        }
        std::string why;
        if (!read_some(deadline, why)) {
            std::string received;
            received.swap(pending_);
            std::string wanted;
            for (const auto& t : terminators)
                wanted += " \"" + escape_bytes(t) + "\"";
            return ::testing::AssertionFailure()
                   << "waiting for" << wanted << ": " << why << " after " << timeout.count()
                   << " ms; received (" << received.size() << " bytes): \""
                   << escape_bytes(received) << "\"";
        }
    }
}

::testing::AssertionResult NsDaemon::expect_nothing(Millis for_ms) {
    const auto deadline = Clock::now() + for_ms;
    std::string why;
    if (pending_.empty() && !read_some(deadline, why) && why == "timed out")
        return ::testing::AssertionSuccess();
    std::string received;
    received.swap(pending_);
    return ::testing::AssertionFailure()
           << "bytes arrived where nothing is sent: \"" << escape_bytes(received) << "\" " << why;
}

}  // namespace wizfi250d::itest
