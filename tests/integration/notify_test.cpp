// SPDX-License-Identifier: Apache-2.0
// sd_notify without systemd (research/test-environment.md §7): the real daemon binary, with
// NOTIFY_SOCKET pointing at a Unix datagram socket this test owns and WATCHDOG_USEC set, sends
// READY=1 once its serial port is up, WATCHDOG=1 from its event loop, RELOADING=1 then READY=1
// on SIGHUP, STOPPING=1 on SIGTERM, and exits 0. The run marker in the state directory is gone
// after that clean exit, so the next start prints no [Reset Event]; after SIGKILL it stays, and
// the next start prints [Reset Event] before the banner.
//
// Needs no root and no systemd. Counts, never timings: the only deadlines are generous bounds.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kBanner = "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n";
constexpr std::string_view kResetEvent = "\r\n[Reset Event]\r\n";
// Generous bounds for a loaded machine; nothing is asserted about how long anything takes.
constexpr auto kDeadline = 15s;

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string printable(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c >= 0x20 && c < 0x7f) {
            out += c;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
            out += hex;
        }
    }
    return out;
}

// The test's end of NOTIFY_SOCKET: a datagram socket bound to a path in the test directory.
// Every datagram is split into its lines ("READY=1\nSTATUS=..." gives two messages).
class NotifySocket {
public:
    ~NotifySocket() {
        if (fd_ >= 0) ::close(fd_);
    }

    ::testing::AssertionResult open(const std::string& path) {
        path_ = path;
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (path.size() >= sizeof address.sun_path)
            return ::testing::AssertionFailure() << "socket path too long: " << path;
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd_ < 0) return ::testing::AssertionFailure() << "socket: " << errno_text(errno);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
            return ::testing::AssertionFailure() << "bind " << path << ": " << errno_text(errno);
        return ::testing::AssertionSuccess();
    }

    const std::string& path() const { return path_; }
    const std::vector<std::string>& messages() const { return messages_; }

    // Reads datagrams until `done(messages)` holds or the deadline passes.
    template <typename Predicate>
    bool wait_until(Predicate done, std::chrono::milliseconds timeout = kDeadline) {
        const auto end = Clock::now() + timeout;
        for (;;) {
            if (done(messages_)) return true;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
            if (left <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) continue;
            std::string_view rest(buffer, static_cast<std::size_t>(n));
            while (!rest.empty()) {
                const auto newline = rest.find('\n');
                messages_.emplace_back(rest.substr(0, newline));
                if (newline == std::string_view::npos) break;
                rest.remove_prefix(newline + 1);
            }
        }
    }

    std::string dump() const {
        std::string out;
        for (const auto& m : messages_)
            out += "  " + m + "\n";
        return out.empty() ? "  (none)\n" : out;
    }

private:
    int fd_ = -1;
    std::string path_;
    std::vector<std::string> messages_;
};

std::size_t count_from(const std::vector<std::string>& messages, std::size_t from,
                       std::string_view message) {
    if (from >= messages.size()) return 0;
    return static_cast<std::size_t>(
        std::count(messages.begin() + static_cast<std::ptrdiff_t>(from), messages.end(), message));
}

// Index of the first `message` at or after `from`, or nullopt.
std::optional<std::size_t> find_from(const std::vector<std::string>& messages, std::size_t from,
                                     std::string_view message) {
    for (std::size_t i = from; i < messages.size(); ++i)
        if (messages[i] == message) return i;
    return std::nullopt;
}

// The daemon binary as a child, with its own environment; SIGKILLed by the destructor at the
// latest (and by the kernel if this test dies: PR_SET_PDEATHSIG).
class DaemonProcess {
public:
    ~DaemonProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    ::testing::AssertionResult start(const std::vector<std::string>& args,
                                     const std::vector<std::string>& set_env,
                                     const std::vector<std::string>& unset_env,
                                     const std::string& log_file) {
        const std::string binary = WIZFI250D_BINARY;
        if (::access(binary.c_str(), X_OK) != 0)
            return ::testing::AssertionFailure() << binary << ": " << errno_text(errno);
        // Everything the child needs is built before fork.
        std::vector<std::string> argv_strings{binary};
        argv_strings.insert(argv_strings.end(), args.begin(), args.end());
        std::vector<std::string> env_strings;
        const auto overridden = [&](std::string_view entry) {
            const auto name = entry.substr(0, entry.find('='));
            for (const auto& s : set_env)
                if (std::string_view(s).substr(0, s.find('=')) == name) return true;
            for (const auto& u : unset_env)
                if (u == name) return true;
            return false;
        };
        for (char** e = environ; *e != nullptr; ++e)
            if (!overridden(*e)) env_strings.emplace_back(*e);
        env_strings.insert(env_strings.end(), set_env.begin(), set_env.end());
        std::vector<char*> argv;
        for (auto& s : argv_strings)
            argv.push_back(s.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& s : env_strings)
            envp.push_back(s.data());
        envp.push_back(nullptr);
        const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        const int log_fd =
            ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (null_fd < 0 || log_fd < 0) {
            const int err = errno;
            if (null_fd >= 0) ::close(null_fd);
            if (log_fd >= 0) ::close(log_fd);
            return ::testing::AssertionFailure() << "open: " << errno_text(err);
        }
        std::fflush(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) {
            ::close(null_fd);
            ::close(log_fd);
            return ::testing::AssertionFailure() << "fork: " << errno_text(errno);
        }
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            ::dup2(null_fd, 0);
            ::dup2(log_fd, 1);
            ::dup2(log_fd, 2);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        ::close(null_fd);
        ::close(log_fd);
        pid_ = pid;
        return ::testing::AssertionSuccess();
    }

    pid_t pid() const { return pid_; }

    bool signal(int signal_number) { return pid_ > 0 && ::kill(pid_, signal_number) == 0; }

    // The wait status once the process has ended, nullopt if it is still running at the deadline.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout = kDeadline) {
        const auto end = Clock::now() + timeout;
        while (pid_ > 0) {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                pid_ = -1;
                return status;
            }
            if (r < 0 || Clock::now() >= end) break;
            std::this_thread::sleep_for(10ms);
        }
        return std::nullopt;
    }

    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }

private:
    pid_t pid_ = -1;
};

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// The test's own descriptor on the daemon's pty (through the link), raw, without discarding what
// is already queued (the banner).
class PtyReader {
public:
    ~PtyReader() { close(); }

    ::testing::AssertionResult open(const std::string& link) {
        close();
        fd_ = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) return ::testing::AssertionFailure() << link << ": " << errno_text(errno);
        termios tio{};
        if (::tcgetattr(fd_, &tio) != 0)
            return ::testing::AssertionFailure() << "tcgetattr: " << errno_text(errno);
        ::cfmakeraw(&tio);
        if (::tcsetattr(fd_, TCSANOW, &tio) != 0)
            return ::testing::AssertionFailure() << "tcsetattr: " << errno_text(errno);
        return ::testing::AssertionSuccess();
    }

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        received_.clear();
    }

    // Everything read so far, up to and including `terminator`; nullopt at the deadline.
    std::optional<std::string> read_until(std::string_view terminator,
                                          std::chrono::milliseconds timeout = kDeadline) {
        const auto end = Clock::now() + timeout;
        for (;;) {
            if (const auto at = received_.find(terminator); at != std::string::npos) {
                std::string out = received_.substr(0, at + terminator.size());
                received_.erase(0, at + terminator.size());
                return out;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
            if (left <= 0) return std::nullopt;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) continue;
            char buffer[1024];
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n > 0) received_.append(buffer, static_cast<std::size_t>(n));
        }
    }

    const std::string& pending() const { return received_; }

    bool write(std::string_view bytes) {
        return ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    }

private:
    int fd_ = -1;
    std::string received_;
};

class NotifyTest : public ::testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/wizfi250d-notify-XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr) << errno_text(errno);
        dir_ = name;
        ASSERT_EQ(::mkdir((dir_ + "/run").c_str(), 0700), 0) << errno_text(errno);
    }

    void TearDown() override {
        if (::testing::Test::HasFailure()) {
            std::fprintf(stderr, "daemon log:\n%s\n", read_log().c_str());
        }
        std::error_code ignored;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
    }

    std::string link() const { return dir_ + "/tty"; }
    std::string state_dir() const { return dir_ + "/state"; }
    std::string marker() const { return state_dir() + "/running"; }

    std::string read_log() const {
        std::string text;
        if (FILE* f = std::fopen((dir_ + "/daemon.log").c_str(), "r")) {
            char buffer[4096];
            std::size_t n = 0;
            while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
                text.append(buffer, n);
            std::fclose(f);
        }
        return text;
    }

    // Starts the daemon with NOTIFY_SOCKET = `notify` and waits for its READY=1.
    ::testing::AssertionResult start(DaemonProcess& daemon, NotifySocket& notify,
                                     bool with_watchdog) {
        std::error_code ignored;
        std::filesystem::remove(link(), ignored);  // a link a killed daemon left behind
        std::vector<std::string> set_env{"NOTIFY_SOCKET=" + notify.path(),
                                         "RUNTIME_DIRECTORY=" + dir_ + "/run"};
        std::vector<std::string> unset_env{"WATCHDOG_PID", "JOURNAL_STREAM", "LISTEN_FDS",
                                           "LISTEN_PID"};
        if (with_watchdog) {
            set_env.emplace_back("WATCHDOG_USEC=400000");
        } else {
            unset_env.emplace_back("WATCHDOG_USEC");
        }
        const std::vector<std::string> args{"--serial", "pty:" + link(), "--state-dir", state_dir(),
                                            "--config", "/dev/null",     "--log-level", "debug"};
        if (auto r = daemon.start(args, set_env, unset_env, dir_ + "/daemon.log"); !r) return r;
        const std::size_t from = notify.messages().size();
        const bool ready = notify.wait_until([&](const std::vector<std::string>& m) {
            return find_from(m, from, "READY=1").has_value();
        });
        if (!ready) {
            return ::testing::AssertionFailure()
                   << "no READY=1 (daemon " << (daemon.running() ? "running" : "ended")
                   << "); messages:\n"
                   << notify.dump();
        }
        return ::testing::AssertionSuccess();
    }

    // Opens the pty and expects exactly `expected` as the first bytes (up to the banner).
    ::testing::AssertionResult expect_boot_output(PtyReader& pty, std::string_view expected) {
        if (auto r = pty.open(link()); !r) return r;
        const auto got = pty.read_until(kBanner);
        if (!got) {
            return ::testing::AssertionFailure()
                   << "no banner on the pty; got \"" << printable(pty.pending()) << "\"";
        }
        if (*got != expected) {
            return ::testing::AssertionFailure()
                   << "boot output \"" << printable(*got) << "\", expected \""
                   << printable(expected) << "\"";
        }
        return ::testing::AssertionSuccess();
    }

    ::testing::AssertionResult stop_cleanly(DaemonProcess& daemon, NotifySocket& notify) {
        const std::size_t from = notify.messages().size();
        if (!daemon.signal(SIGTERM))
            return ::testing::AssertionFailure() << "kill SIGTERM: " << errno_text(errno);
        const bool stopping = notify.wait_until([&](const std::vector<std::string>& m) {
            return find_from(m, from, "STOPPING=1").has_value();
        });
        const auto status = daemon.wait_exit();
        if (!stopping)
            return ::testing::AssertionFailure() << "no STOPPING=1; messages:\n" << notify.dump();
        if (!status) return ::testing::AssertionFailure() << "still running after SIGTERM";
        if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
            return ::testing::AssertionFailure() << "ended with " << describe_status(*status);
        return ::testing::AssertionSuccess();
    }

    std::string dir_;
};

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

TEST_F(NotifyTest, ReadyWatchdogReloadAndCleanStop) {
    NotifySocket notify;
    ASSERT_TRUE(notify.open(dir_ + "/notify.sock"));
    DaemonProcess daemon;
    ASSERT_TRUE(start(daemon, notify, true));
    EXPECT_TRUE(exists(marker())) << marker() << " while the daemon runs";

    // A fresh state directory: the banner and nothing before it.
    PtyReader pty;
    EXPECT_TRUE(expect_boot_output(pty, kBanner));

    // WATCHDOG_USEC=400000: pings from the event loop (every 200 ms); at least two.
    EXPECT_TRUE(notify.wait_until([](const std::vector<std::string>& m) {
        return count_from(m, 0, "WATCHDOG=1") >= 2;
    })) << "fewer than two WATCHDOG=1; messages:\n"
        << notify.dump();

    // SIGHUP: RELOADING=1, then READY=1 again.
    const std::size_t before_reload = notify.messages().size();
    ASSERT_TRUE(daemon.signal(SIGHUP));
    EXPECT_TRUE(notify.wait_until([&](const std::vector<std::string>& m) {
        const auto reloading = find_from(m, before_reload, "RELOADING=1");
        return reloading && find_from(m, *reloading + 1, "READY=1");
    })) << "no RELOADING=1 followed by READY=1 after SIGHUP; messages:\n"
        << notify.dump();

    // The module still answers after the reload.
    ASSERT_TRUE(pty.write("AT\r"));
    const auto answer = pty.read_until("[OK]\r\n");
    ASSERT_TRUE(answer.has_value()) << "no [OK]; got \"" << printable(pty.pending()) << "\"";
    EXPECT_EQ(*answer, "AT\r\n[OK]\r\n");

    // SIGTERM: STOPPING=1, exit status 0, the run marker removed.
    ASSERT_TRUE(stop_cleanly(daemon, notify));
    EXPECT_FALSE(exists(marker())) << marker() << " is still there after a clean exit";

    // The next start is not a "reset": no [Reset Event] before the banner.
    pty.close();
    DaemonProcess again;
    ASSERT_TRUE(start(again, notify, false));
    EXPECT_TRUE(expect_boot_output(pty, kBanner));
    EXPECT_TRUE(stop_cleanly(again, notify));
}

TEST_F(NotifyTest, KilledDaemonLeavesMarkerAndNextStartPrintsResetEvent) {
    NotifySocket notify;
    ASSERT_TRUE(notify.open(dir_ + "/notify.sock"));
    {
        DaemonProcess daemon;
        ASSERT_TRUE(start(daemon, notify, false));
        ASSERT_TRUE(daemon.signal(SIGKILL));
        const auto status = daemon.wait_exit();
        ASSERT_TRUE(status.has_value()) << "still running after SIGKILL";
        EXPECT_TRUE(WIFSIGNALED(*status)) << describe_status(*status);
        EXPECT_TRUE(exists(marker())) << marker() << " is gone after SIGKILL";
    }
    DaemonProcess again;
    ASSERT_TRUE(start(again, notify, false));
    PtyReader pty;
    EXPECT_TRUE(expect_boot_output(pty, std::string(kResetEvent) + std::string(kBanner)));
    EXPECT_TRUE(stop_cleanly(again, notify));
    EXPECT_FALSE(exists(marker()));
}

}  // namespace
}  // namespace wizfi250d
