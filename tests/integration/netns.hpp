// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for integration tests in network namespaces (research/test-environment.md §8, §9):
// unique names per run, 203.0.113.0/24 only, every process stopped by its PID, namespaces
// deleted at the end.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wizfi250d::itest {

// Why the namespace tests cannot run here (not root, no `ip netns`), or empty.
std::string netns_unavailable_reason();

// Runs a program to completion (killed after `timeout`), stdout and stderr together.
struct RunResult {
    int exit_code = -1;  // -1: killed or did not start
    std::string output;
};
RunResult run(const std::vector<std::string>& argv,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A background program, stopped by its PID (SIGTERM, then SIGKILL) at the latest by the
// destructor. Output goes to `log_file` (or /dev/null).
class Process {
public:
    Process() = default;
    ~Process() { stop(); }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    bool start(const std::vector<std::string>& argv, const std::string& log_file = "");
    void stop();
    pid_t pid() const { return pid_; }
    bool running();

private:
    pid_t pid_ = -1;
};

// Two namespaces joined by a veth pair, names unique to this process and call.
class NetnsPair {
public:
    NetnsPair();
    ~NetnsPair();
    NetnsPair(const NetnsPair&) = delete;
    NetnsPair& operator=(const NetnsPair&) = delete;

    // Creates both namespaces and the veth pair, loopbacks up, both ends left down. False (and
    // `error`) on failure.
    bool create(std::string& error);

    const std::string& ns_a() const { return ns_a_; }
    const std::string& ns_b() const { return ns_b_; }
    const std::string& if_a() const { return if_a_; }
    const std::string& if_b() const { return if_b_; }

    // `ip -n <ns> args...`
    RunResult ip(const std::string& ns, std::vector<std::string> args) const;
    // PIDs of the processes inside a namespace.
    std::vector<pid_t> pids(const std::string& ns) const;

private:
    std::string ns_a_, ns_b_, if_a_, if_b_;
    bool created_ = false;
};

// True when 203.0.113.0/24 is nowhere in the root namespace (addresses or routes): the tests may
// use it inside their namespaces.
bool test_net_free_in_root(std::string& detail);

// A child process that enters a namespace (setns, before any thread exists in it) and runs
// `body` there, talking to the test over two pipes, one line per message.
class NsChild {
public:
    class Channel {
    public:
        void send(const std::string& line);
        // The next line, or nullopt after `timeout` or at EOF.
        std::optional<std::string> receive(std::chrono::milliseconds timeout);
        // Non-blocking: a complete line if one is there.
        std::optional<std::string> poll();
        int read_fd = -1;
        int write_fd = -1;

    private:
        std::string buffer_;
    };

    // `unshare_mounts`: also a private mount namespace (for tmpfs mounts inside the child).
    bool start(const std::string& ns, std::function<int(Channel&)> body,
               bool unshare_mounts = false);
    ~NsChild();

    void send(const std::string& line) { channel_.send(line); }
    std::optional<std::string> receive(std::chrono::milliseconds timeout) {
        return channel_.receive(timeout);
    }
    // Waits for the exit (killed after `timeout`); the exit code, or -1.
    int wait(std::chrono::milliseconds timeout);
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    Channel channel_;
};

// A fresh directory under /tmp (mode 0700), removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace wizfi250d::itest
