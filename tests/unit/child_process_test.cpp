// SPDX-License-Identifier: Apache-2.0
// ChildProcess: helper programs watched from the event loop (output lines, exit status, stop by
// PID with SIGKILL after a grace time), with a pidfd and with the SIGCHLD fallback.

#include "../../src/wifi/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

class ChildProcessTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override { ChildProcess::use_pidfd_for_tests(GetParam()); }
    void TearDown() override { ChildProcess::use_pidfd_for_tests(true); }

    std::shared_ptr<ChildProcess> spawn(std::vector<std::string> argv) {
        return ChildProcess::spawn(
            io_, std::move(argv), [this](std::string_view line) { lines_.emplace_back(line); },
            [this](int status) { status_ = status; });
    }

    void run_until_exit(std::chrono::milliseconds limit = 10s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!status_ && std::chrono::steady_clock::now() < end)
            io_.run_one_for(50ms);
    }

    boost::asio::io_context io_;
    std::vector<std::string> lines_;
    std::optional<int> status_;
};

TEST_P(ChildProcessTest, OutputLinesAndExitStatus) {
    const auto child =
        spawn({find_program("sh"), "-c", "echo one; echo two >&2; printf three; exit 3"});
    ASSERT_TRUE(child);
    run_until_exit();
    ASSERT_TRUE(status_);
    EXPECT_EQ(ChildProcess::describe(*status_), "exit 3");
    EXPECT_EQ(lines_, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_FALSE(child->running());
    EXPECT_EQ(child->recent_output(), "one | two | three");
}

TEST_P(ChildProcessTest, TerminateStopsByPid) {
    const auto child = spawn({find_program("sleep"), "30"});
    ASSERT_TRUE(child);
    EXPECT_TRUE(child->running());
    child->terminate();
    run_until_exit();
    ASSERT_TRUE(status_);
    EXPECT_EQ(ChildProcess::describe(*status_), "signal 15");
}

TEST_P(ChildProcessTest, SigkillAfterTheGraceTime) {
    const auto child =
        spawn({find_program("sh"), "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"});
    ASSERT_TRUE(child);
    // Wait until the trap is set.
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (lines_.empty() && std::chrono::steady_clock::now() < end)
        io_.run_one_for(50ms);
    child->terminate(300ms);
    run_until_exit();
    ASSERT_TRUE(status_);
    EXPECT_EQ(ChildProcess::describe(*status_), "signal 9");
}

TEST_P(ChildProcessTest, ExecFailureIs127) {
    const auto child = spawn({"/nonexistent/program"});
    ASSERT_TRUE(child);
    run_until_exit();
    ASSERT_TRUE(status_);
    EXPECT_EQ(ChildProcess::describe(*status_), "exit 127");
}

TEST_P(ChildProcessTest, NoDescriptorOfTheDaemonLeaks) {
    // Only stdin, stdout, stderr (and the fd `ls` opens for the directory itself).
    const auto child = spawn({find_program("sh"), "-c", "ls /proc/self/fd | wc -l"});
    ASSERT_TRUE(child);
    run_until_exit();
    ASSERT_EQ(lines_.size(), 1U);
    EXPECT_LE(std::stoi(lines_[0]), 4);
}

TEST_P(ChildProcessTest, DetachedChildStillReaped) {
    auto child = spawn({find_program("sleep"), "30"});
    ASSERT_TRUE(child);
    const pid_t pid = child->pid();
    child->detach();
    child->terminate();
    child.reset();  // the pending handlers keep it alive until the process is reaped
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
        io_.run_one_for(50ms);
    EXPECT_NE(::kill(pid, 0), 0) << "not reaped";
    EXPECT_FALSE(status_);  // no callback after detach()
}

INSTANTIATE_TEST_SUITE_P(ExitWatch, ChildProcessTest, ::testing::Values(true, false),
                         [](const auto& param_info) {
                             return param_info.param ? "pidfd" : "sigchld";
                         });

TEST(FindProgram, SearchesPathAndSbin) {
    EXPECT_EQ(find_program("/bin/sh"), "/bin/sh");
    EXPECT_FALSE(find_program("sh").empty());
    EXPECT_TRUE(find_program("no-such-program-wizfi").empty());
    EXPECT_TRUE(find_program("").empty());
    EXPECT_TRUE(find_program("/etc/passwd").empty());  // not executable
}

}  // namespace
}  // namespace wizfi250d
