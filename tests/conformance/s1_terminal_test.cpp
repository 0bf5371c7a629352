// SPDX-License-Identifier: Apache-2.0
// `--serial stdio`, the README's quick start: the daemon on the terminal it was started from.
// A person leaves with Ctrl-C and gets the terminal back as it was; the log shares the terminal
// without cutting into the module's lines. On a pipe every byte is data, 0x03 included.
//
// The daemon runs with a pseudo-terminal as its controlling terminal and as its stdin, stdout
// and stderr, as under an interactive shell; the test types at the master side.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {
namespace {

using namespace std::chrono_literals;

// The daemon on the slave side of a pty that is its controlling terminal (or on two pipes).
class StdioDaemon {
public:
    enum class Stdin { terminal, pipe };

    explicit StdioDaemon(Stdin kind) : kind_(kind) {
        char dir_template[] = "/tmp/wizfi250d-stdio-XXXXXX";
        dir_ = ::mkdtemp(dir_template) != nullptr ? dir_template : "";
    }
    ~StdioDaemon() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (const int fd : {master_, slave_, to_daemon_, from_daemon_})
            if (fd >= 0) ::close(fd);
        if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    StdioDaemon(const StdioDaemon&) = delete;
    StdioDaemon& operator=(const StdioDaemon&) = delete;

    ::testing::AssertionResult start() {
        if (dir_.empty()) return ::testing::AssertionFailure() << "mkdtemp failed";
        if (::openpty(&master_, &slave_, nullptr, nullptr, nullptr) != 0)
            return ::testing::AssertionFailure() << "openpty failed";
        if (::tcgetattr(slave_, &before_) != 0)
            return ::testing::AssertionFailure() << "tcgetattr failed";
        int in_pipe[2] = {-1, -1};
        int out_pipe[2] = {-1, -1};
        if (kind_ == Stdin::pipe && (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0))
            return ::testing::AssertionFailure() << "pipe failed";
        pid_ = ::fork();
        if (pid_ < 0) return ::testing::AssertionFailure() << "fork failed";
        if (pid_ == 0) {
            ::setsid();
            ::ioctl(slave_, TIOCSCTTY, 0);
            const int in = kind_ == Stdin::terminal ? slave_ : in_pipe[0];
            const int out = kind_ == Stdin::terminal ? slave_ : out_pipe[1];
            ::dup2(in, STDIN_FILENO);
            ::dup2(out, STDOUT_FILENO);
            ::dup2(slave_, STDERR_FILENO);
            const std::string state = dir_ + "/state";
            ::execl(WIZFI250D_BINARY, WIZFI250D_BINARY, "--serial", "stdio", "--config",
                    "/dev/null", "--wifi", "host", "--state-dir", state.c_str(), "--log-level",
                    "info", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        if (kind_ == Stdin::pipe) {
            ::close(in_pipe[0]);
            ::close(out_pipe[1]);
            to_daemon_ = in_pipe[1];
            from_daemon_ = out_pipe[0];
        }
        return read_until(kBanner, kBootTimeout);
    }

    ::testing::AssertionResult send(std::string_view bytes) {
        const int fd = kind_ == Stdin::terminal ? master_ : to_daemon_;
        if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
            return ::testing::AssertionFailure() << "write failed";
        return ::testing::AssertionSuccess();
    }

    // Reads what the daemon writes (the module's output and, on a terminal, its log) until
    // `wanted` has arrived; everything read stays in seen().
    ::testing::AssertionResult read_until(std::string_view wanted, Millis timeout = kTimeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        const int fd = kind_ == Stdin::terminal ? master_ : from_daemon_;
        while (seen_.find(wanted) == std::string::npos) {
            const auto left =
                std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return ::testing::AssertionFailure() << "waited for \"" << escape_bytes(wanted)
                                                     << "\", got \"" << escape_bytes(seen_) << "\"";
            char buffer[4096];
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0)
                return ::testing::AssertionFailure()
                       << "end of output before \"" << escape_bytes(wanted) << "\", got \""
                       << escape_bytes(seen_) << "\"";
            seen_.append(buffer, static_cast<std::size_t>(n));
        }
        return ::testing::AssertionSuccess();
    }

    // Waits for the daemon to exit by itself; its exit status, or -1.
    int wait_for_exit(Millis timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            // Keep the master drained so the daemon's last writes never block.
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) {
                char buffer[4096];
                const ssize_t n = ::read(master_, buffer, sizeof buffer);
                if (n > 0) seen_.append(buffer, static_cast<std::size_t>(n));
            }
        }
        return -1;
    }

    bool alive() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
    termios terminal_now() const {
        termios now{};
        ::tcgetattr(slave_, &now);
        return now;
    }
    const termios& terminal_before() const { return before_; }
    const std::string& seen() const { return seen_; }

private:
    Stdin kind_;
    std::string dir_;
    pid_t pid_ = -1;
    int master_ = -1;
    int slave_ = -1;
    int to_daemon_ = -1;
    int from_daemon_ = -1;
    termios before_{};
    std::string seen_;
};

bool same_modes(const termios& a, const termios& b) {
    return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
           a.c_lflag == b.c_lflag && a.c_cc[VINTR] == b.c_cc[VINTR] &&
           a.c_cc[VQUIT] == b.c_cc[VQUIT] && a.c_cc[VSUSP] == b.c_cc[VSUSP] &&
           a.c_cc[VMIN] == b.c_cc[VMIN] && a.c_cc[VTIME] == b.c_cc[VTIME];
}

TEST(S1Terminal, CtrlCStopsTheDaemonAndRestoresTheTerminal) {
    StdioDaemon d(StdioDaemon::Stdin::terminal);
    ASSERT_TRUE(d.start());
    // Raw while it runs: no echo by the terminal, only the module's own.
    EXPECT_EQ(d.terminal_now().c_lflag & (ECHO | ICANON), 0U);
    ASSERT_TRUE(d.send("AT\r"));
    ASSERT_TRUE(d.read_until("AT\r\n[OK]\r\n"));
    ASSERT_TRUE(d.send("\x03"));
    EXPECT_EQ(d.wait_for_exit(5000ms), 0) << escape_bytes(d.seen());
    EXPECT_TRUE(same_modes(d.terminal_now(), d.terminal_before()))
        << "the terminal's modes differ from before the start";
}

TEST(S1Terminal, CtrlBackslashAndCtrlDAreBytesForTheModule) {
    StdioDaemon d(StdioDaemon::Stdin::terminal);
    ASSERT_TRUE(d.start());
    // Ctrl-\ (quit) and Ctrl-D reach the module's line reader, which echoes them; the daemon
    // neither dumps core nor ends. Backspace takes them out of the line again.
    ASSERT_TRUE(d.send("\x1c\x04"));
    ASSERT_TRUE(d.read_until("\x1c\x04"));
    EXPECT_TRUE(d.alive());
    ASSERT_TRUE(d.send("\b\bAT\r"));
    ASSERT_TRUE(d.read_until("[OK]\r\n"));
    ASSERT_TRUE(d.send("\x03"));
    EXPECT_EQ(d.wait_for_exit(5000ms), 0);
}

TEST(S1Terminal, LogLinesEndInCrLfAndNeverCutIntoTheModulesLine) {
    StdioDaemon d(StdioDaemon::Stdin::terminal);
    ASSERT_TRUE(d.start());
    // "AT" typed, no Enter yet: the echo leaves the line open. The log line Ctrl-C causes
    // starts on a line of its own and ends in CR LF.
    ASSERT_TRUE(d.send("AT"));
    ASSERT_TRUE(d.read_until("AT"));
    ASSERT_TRUE(d.send("\x03"));
    EXPECT_EQ(d.wait_for_exit(5000ms), 0);
    const std::string& out = d.seen();
    const auto echo = out.rfind("AT");
    ASSERT_NE(echo, std::string::npos);
    EXPECT_EQ(out.substr(echo, 4), "AT\r\n") << escape_bytes(out);
    const auto log = out.find("shutting down", echo);
    ASSERT_NE(log, std::string::npos) << escape_bytes(out);
    EXPECT_EQ(out.substr(log, 15), "shutting down\r\n") << escape_bytes(out);
    // No bare LF anywhere once the terminal is raw (after the banner).
    for (auto at = out.find(kBanner); at != std::string::npos && at < out.size(); ++at) {
        at = out.find('\n', at);
        if (at == std::string::npos) break;
        EXPECT_EQ(out[at - 1], '\r') << "bare LF at " << at << ": " << escape_bytes(out);
    }
}

TEST(S1Terminal, OnAPipeEveryByteIsDataCtrlCIncluded) {
    StdioDaemon d(StdioDaemon::Stdin::pipe);
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.send("\x03"));
    ASSERT_TRUE(d.read_until("\x03"));  // the module's echo of the byte
    EXPECT_TRUE(d.alive());
    ASSERT_TRUE(d.send("\bAT\r"));
    ASSERT_TRUE(d.read_until("[OK]\r\n"));
    EXPECT_TRUE(d.alive());
}

}  // namespace
}  // namespace wizfi250d::conformance
