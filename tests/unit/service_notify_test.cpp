// SPDX-License-Identifier: Apache-2.0
// service_notify: the datagrams a service manager receives on a real AF_UNIX socket (a path and
// an abstract name), the errors instead of blocking or throwing, and the watchdog variables.

#include "wizfi250d/util/service_notify.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace wizfi250d::service_notify {
namespace {

using std::chrono::microseconds;

std::string unique_suffix() {
    static std::atomic<unsigned> counter{0};
    return std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-notify-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// The manager's end: a datagram socket bound to address ("/path" or "@abstract"), built here
// independently of the code under test.
class ManagerSocket {
public:
    explicit ManagerSocket(const std::string& address) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        sockaddr_un name{};
        name.sun_family = AF_UNIX;
        if (address.size() >= sizeof name.sun_path) throw std::runtime_error("address too long");
        std::memcpy(name.sun_path, address.data(), address.size());
        socklen_t length = offsetof(sockaddr_un, sun_path) + address.size() + 1;
        if (address.front() == '@') {
            name.sun_path[0] = '\0';
            length = offsetof(sockaddr_un, sun_path) + address.size();
        }
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&name), length) != 0)
            throw std::runtime_error("bind " + address + ": " + std::strerror(errno));
    }
    ~ManagerSocket() { close(); }
    ManagerSocket(const ManagerSocket&) = delete;
    ManagerSocket& operator=(const ManagerSocket&) = delete;

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // The next datagram, whole (a larger buffer than any notification), or nothing within 2 s.
    std::optional<std::string> receive() {
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, 2000) != 1) return std::nullopt;
        char buffer[4096];
        const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_TRUNC);
        if (got < 0 || static_cast<std::size_t>(got) > sizeof buffer) return std::nullopt;
        return std::string(buffer, static_cast<std::size_t>(got));
    }

    bool queue_empty() {
        char byte = 0;
        return ::recv(fd_, &byte, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
    }

private:
    int fd_ = -1;
};

// errno values come in the system category; a comparison with std::errc matches either category.
::testing::AssertionResult is(std::error_code code, std::errc expected) {
    if (code == expected) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << code.category().name() << ":" << code.value() << " (" << code.message()
           << "), expected " << std::make_error_code(expected).message();
}

// Sets (or, with nullptr, unsets) one environment variable for a test and restores it after.
class EnvironmentScope {
public:
    EnvironmentScope(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvironmentScope() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    EnvironmentScope(const EnvironmentScope&) = delete;
    EnvironmentScope& operator=(const EnvironmentScope&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(ServiceNotify, PathSocketGetsEachStateAsOneExactDatagram) {
    TempDir dir;
    const std::string path = dir.file("notify");
    ManagerSocket manager(path);

    ASSERT_FALSE(notify_socket(path, "READY=1"));
    ASSERT_FALSE(notify_socket(path, "STATUS=serial port up\nWATCHDOG=1"));
    EXPECT_EQ(manager.receive(), "READY=1");
    EXPECT_EQ(manager.receive(), "STATUS=serial port up\nWATCHDOG=1");
    EXPECT_TRUE(manager.queue_empty());
}

TEST(ServiceNotify, AbstractSocketGetsTheExactDatagram) {
    const std::string address = "@wizfi250d-notify-test-" + unique_suffix();
    ManagerSocket manager(address);

    ASSERT_FALSE(notify_socket(address, "RELOADING=1"));
    ASSERT_FALSE(notify_socket(address, "READY=1"));
    EXPECT_EQ(manager.receive(), "RELOADING=1");
    EXPECT_EQ(manager.receive(), "READY=1");
    EXPECT_TRUE(manager.queue_empty());
}

TEST(ServiceNotify, NotifyUsesNotifySocketFromTheEnvironment) {
    TempDir dir;
    const std::string path = dir.file("notify");
    ManagerSocket manager(path);
    EnvironmentScope socket("NOTIFY_SOCKET", path.c_str());

    ASSERT_FALSE(notify("STOPPING=1"));
    EXPECT_EQ(manager.receive(), "STOPPING=1");
}

TEST(ServiceNotify, WithoutNotifySocketThereIsNobodyToTellAndThatIsNoError) {
    EnvironmentScope socket("NOTIFY_SOCKET", nullptr);
    EXPECT_FALSE(notify("READY=1"));
}

TEST(ServiceNotify, MalformedRequestsAreInvalidArgument) {
    TempDir dir;
    const std::string path = dir.file("notify");
    ManagerSocket manager(path);
    const auto invalid = std::errc::invalid_argument;

    EXPECT_TRUE(is(notify_socket(path, ""), invalid));
    EXPECT_TRUE(is(notify_socket("", "READY=1"), invalid));
    EXPECT_TRUE(is(notify_socket("notify", "READY=1"), invalid)) << "relative path";
    EXPECT_TRUE(is(notify_socket("@", "READY=1"), invalid)) << "empty abstract name";
    EXPECT_TRUE(is(notify_socket(path + std::string(1, '\0') + "x", "READY=1"), invalid));
    EXPECT_TRUE(manager.queue_empty());
}

TEST(ServiceNotify, AddressesLongerThanASocketNameAreRefused) {
    const auto too_long = std::errc::filename_too_long;
    const std::size_t room = sizeof(sockaddr_un{}.sun_path);
    // A path needs its terminating NUL in sun_path; an abstract name does not.
    EXPECT_TRUE(is(notify_socket("/" + std::string(room - 1, 'p'), "READY=1"), too_long));
    EXPECT_TRUE(is(notify_socket("@" + std::string(room, 'a'), "READY=1"), too_long));
}

TEST(ServiceNotify, NoListenerIsAnErrorCode) {
    TempDir dir;
    EXPECT_TRUE(
        is(notify_socket(dir.file("absent"), "READY=1"), std::errc::no_such_file_or_directory));

    // The manager's socket file is still there, but nobody reads it any more.
    const std::string path = dir.file("stale");
    ManagerSocket manager(path);
    manager.close();
    EXPECT_TRUE(is(notify_socket(path, "READY=1"), std::errc::connection_refused));
}

TEST(ServiceNotify, AManagerThatDoesNotReadGetsEagainInsteadOfABlockedCaller) {
    TempDir dir;
    const std::string path = dir.file("notify");
    ManagerSocket manager(path);

    // The kernel queues a bounded number of datagrams per socket (net.unix.max_dgram_qlen);
    // past that a blocking send would wait for the manager.
    std::error_code error;
    int sent = 0;
    while (!error && sent < 100000) {
        error = notify_socket(path, "WATCHDOG=1");
        if (!error) ++sent;
    }
    EXPECT_TRUE(is(error, std::errc::resource_unavailable_try_again))
        << "after " << sent << " datagrams";
    EXPECT_GT(sent, 0);
    EXPECT_EQ(manager.receive(), "WATCHDOG=1");
}

TEST(ServiceWatchdog, UnsetMeansNoWatchdog) {
    microseconds interval{123};
    EXPECT_FALSE(parse_watchdog(nullptr, nullptr, 42, interval));
    EXPECT_EQ(interval, microseconds::zero());
    interval = microseconds{123};
    EXPECT_FALSE(parse_watchdog(nullptr, "42", 42, interval));
    EXPECT_EQ(interval, microseconds::zero());
}

TEST(ServiceWatchdog, UsecIsTheIntervalForThisProcess) {
    microseconds interval{};
    EXPECT_FALSE(parse_watchdog("30000000", nullptr, 42, interval));
    EXPECT_EQ(interval, microseconds(30000000));
    EXPECT_FALSE(parse_watchdog("400000", "42", 42, interval));
    EXPECT_EQ(interval, microseconds(400000));
    EXPECT_FALSE(parse_watchdog("9223372036854775807", nullptr, 42, interval));
    EXPECT_EQ(interval, microseconds::max());
}

TEST(ServiceWatchdog, AnotherProcessesWatchdogIsNotOurs) {
    microseconds interval{123};
    EXPECT_FALSE(parse_watchdog("400000", "41", 42, interval));
    EXPECT_EQ(interval, microseconds::zero());
}

TEST(ServiceWatchdog, MalformedValuesAreInvalidArgumentAndNoWatchdog) {
    const auto invalid = std::errc::invalid_argument;
    for (const char* usec : {"", "0", "-1", "+5", " 5", "5 ", "5s", "0x10", "18446744073709551615",
                             "9223372036854775808"}) {
        microseconds interval{123};
        EXPECT_TRUE(is(parse_watchdog(usec, nullptr, 42, interval), invalid)) << '"' << usec << '"';
        EXPECT_EQ(interval, microseconds::zero()) << usec;
    }
    for (const char* pid : {"", "0", "-42", "42x", "99999999999"}) {
        microseconds interval{123};
        EXPECT_TRUE(is(parse_watchdog("400000", pid, 42, interval), invalid)) << '"' << pid << '"';
        EXPECT_EQ(interval, microseconds::zero()) << pid;
    }
}

TEST(ServiceWatchdog, ReadsThisProcessesEnvironment) {
    const std::string self = std::to_string(::getpid());
    EnvironmentScope usec("WATCHDOG_USEC", "400000");
    EnvironmentScope pid("WATCHDOG_PID", self.c_str());
    microseconds interval{};
    EXPECT_FALSE(watchdog_interval(interval));
    EXPECT_EQ(interval, microseconds(400000));
}

}  // namespace
}  // namespace wizfi250d::service_notify
