// SPDX-License-Identifier: Apache-2.0
// Namespace helpers for the integration tests (see netns.hpp).

#include "netns.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace wizfi250d::itest {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(std::vector<std::string>& args) {
    std::vector<char*> out;
    for (auto& a : args)
        out.push_back(a.data());
    out.push_back(nullptr);
    return out;
}

// Waits up to `timeout` for `pid` to exit; its exit code, -1 when it did not exit in time or was
// killed by a signal, -2 when it is not our child.
int wait_for(pid_t pid, std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0) return -2;
        if (Clock::now() >= end) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void stop_pid(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    if (wait_for(pid, std::chrono::seconds(3)) == -1) {
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
    }
}

}  // namespace

std::string netns_unavailable_reason() {
    if (::geteuid() != 0) return "needs root (network namespaces)";
    const auto r = run({"ip", "netns", "list"}, std::chrono::seconds(5));
    if (r.exit_code != 0) return "`ip netns` is not available: " + r.output;
    return {};
}

RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    RunResult result;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return result;
    std::vector<std::string> args = argv;
    auto cargs = c_argv(args);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return result;
    }
    if (pid == 0) {
        const int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        ::execvp(cargs[0], cargs.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    const auto end = Clock::now() + timeout;
    bool timed_out = false;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char buffer[4096];
        const auto n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        result.output.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    if (timed_out) {
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        result.exit_code = -1;
        return result;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

bool Process::start(const std::vector<std::string>& argv, const std::string& log_file) {
    std::vector<std::string> args = argv;
    auto cargs = c_argv(args);
    const std::string log = log_file.empty() ? "/dev/null" : log_file;
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(null_fd, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execvp(cargs[0], cargs.data());
        ::_exit(127);
    }
    pid_ = pid;
    return true;
}

void Process::stop() {
    stop_pid(pid_);
    pid_ = -1;
}

bool Process::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

NetnsPair::NetnsPair() {
    static std::atomic<int> counter{0};
    const std::string id = std::to_string(::getpid()) + "n" + std::to_string(++counter);
    ns_a_ = "wzit-" + id + "-a";
    ns_b_ = "wzit-" + id + "-b";
    if_a_ = "wza" + id;  // at most 3 + 7 + 1 + 2 characters (< 16)
    if_b_ = "wzb" + id;
}

bool NetnsPair::create(std::string& error) {
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "netns", "add", ns_a_},
        {"ip", "netns", "add", ns_b_},
        {"ip", "link", "add", if_a_, "type", "veth", "peer", "name", if_b_},
        {"ip", "link", "set", if_a_, "netns", ns_a_},
        {"ip", "link", "set", if_b_, "netns", ns_b_},
        {"ip", "-n", ns_a_, "link", "set", "lo", "up"},
        {"ip", "-n", ns_b_, "link", "set", "lo", "up"},
    };
    created_ = true;
    for (const auto& step : steps) {
        const auto r = run(step);
        if (r.exit_code != 0) {
            error = step[1] + " " + step[2] + ": " + r.output;
            if (step[2] == "add" && step[1] == "link") run({"ip", "link", "del", if_a_});
            return false;
        }
    }
    return true;
}

RunResult NetnsPair::ip(const std::string& ns, std::vector<std::string> args) const {
    std::vector<std::string> argv{"ip", "-n", ns};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

std::vector<pid_t> NetnsPair::pids(const std::string& ns) const {
    std::vector<pid_t> out;
    std::istringstream in(run({"ip", "netns", "pids", ns}).output);
    long pid = 0;
    while (in >> pid)
        out.push_back(static_cast<pid_t>(pid));
    return out;
}

NetnsPair::~NetnsPair() {
    if (!created_) return;
    // Whatever still runs inside the namespaces was started by this test: stop it by PID.
    for (const auto& ns : {ns_a_, ns_b_}) {
        for (const pid_t pid : pids(ns))
            ::kill(pid, SIGTERM);
    }
    for (int i = 0; i < 30; ++i) {
        if (pids(ns_a_).empty() && pids(ns_b_).empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (const auto& ns : {ns_a_, ns_b_}) {
        for (const pid_t pid : pids(ns))
            ::kill(pid, SIGKILL);
    }
    run({"ip", "netns", "del", ns_a_});
    run({"ip", "netns", "del", ns_b_});
}

bool test_net_free_in_root(std::string& detail) {
    const auto addr = run({"ip", "-4", "addr", "show"});
    const auto route = run({"ip", "-4", "route", "show", "table", "all"});
    detail = addr.output + route.output;
    return addr.exit_code == 0 && route.exit_code == 0 &&
           detail.find("203.0.113.") == std::string::npos;
}

// ---- NsChild ----

void NsChild::Channel::send(const std::string& line) {
    const std::string data = line + "\n";
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::write(write_fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::optional<std::string> NsChild::Channel::poll() {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
    }
    pollfd p{read_fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return std::nullopt;
    char chunk[1024];
    const auto n = ::read(read_fd, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    const auto nl2 = buffer_.find('\n');
    if (nl2 == std::string::npos) return std::nullopt;
    std::string line = buffer_.substr(0, nl2);
    buffer_.erase(0, nl2 + 1);
    return line;
}

std::optional<std::string> NsChild::Channel::receive(std::chrono::milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    for (;;) {
        const auto nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
        if (left <= 0) return std::nullopt;
        pollfd p{read_fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
        char chunk[1024];
        const auto n = ::read(read_fd, chunk, sizeof chunk);
        if (n <= 0) return std::nullopt;
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

bool NsChild::start(const std::string& ns, std::function<int(Channel&)> body, bool unshare_mounts) {
    int to_child[2];
    int to_parent[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) return false;
    if (::pipe2(to_parent, O_CLOEXEC) != 0) {
        ::close(to_child[0]);
        ::close(to_child[1]);
        return false;
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::close(to_child[1]);
        ::close(to_parent[0]);
        const std::string path = "/run/netns/" + ns;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
        // Check that this process really is inside the test's namespace before anything is
        // sent from it.
        struct stat want {};
        struct stat have {};
        if (::fstat(fd, &want) != 0 || ::stat("/proc/self/ns/net", &have) != 0 ||
            want.st_ino != have.st_ino || want.st_dev != have.st_dev)
            ::_exit(3);
        ::close(fd);
        if (unshare_mounts) {
            if (::unshare(CLONE_NEWNS) != 0 ||
                ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
                ::_exit(5);
        }
        Channel channel;
        channel.read_fd = to_child[0];
        channel.write_fd = to_parent[1];
        int code = 4;
        try {
            code = body(channel);
        } catch (...) {
            code = 4;
        }
        std::fflush(nullptr);
        ::_exit(code);
    }
    ::close(to_child[0]);
    ::close(to_parent[1]);
    pid_ = pid;
    channel_.read_fd = to_parent[0];
    channel_.write_fd = to_child[1];
    return true;
}

int NsChild::wait(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return -1;
    int code = wait_for(pid_, timeout);
    if (code == -1) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    return code;
}

NsChild::~NsChild() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (channel_.read_fd >= 0) ::close(channel_.read_fd);
    if (channel_.write_fd >= 0) ::close(channel_.write_fd);
}

// ---- files ----

TempDir::TempDir() {
    char name[] = "/tmp/wizfi250d-itest-XXXXXX";
    if (::mkdtemp(name) != nullptr) path_ = name;
}

TempDir::~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace wizfi250d::itest
