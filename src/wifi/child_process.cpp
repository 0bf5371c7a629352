// SPDX-License-Identifier: Apache-2.0
// Helper programs as children of the daemon, watched from the event loop (see child_process.hpp).

#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

namespace wizfi250d {

namespace {

constexpr std::size_t max_line = 1024;

bool pidfd_enabled = true;

int open_pidfd(pid_t pid) {
    if (!pidfd_enabled) {
        errno = ENOSYS;
        return -1;
    }
#ifdef SYS_pidfd_open
    return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

// In the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(const std::vector<char*>& argv, int output, int max_fd, pid_t parent) {
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(output, STDOUT_FILENO);
    ::dup2(output, STDERR_FILENO);
    // No descriptor of the daemon (serial port, sockets, listeners) may leak into the helper.
    bool closed = false;
#ifdef SYS_close_range
    closed = ::syscall(SYS_close_range, 3U, ~0U, 0U) == 0;
#endif
    if (!closed) {
        for (int fd = 3; fd < max_fd; ++fd)
            ::close(fd);
    }
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the daemon is already gone
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (const int sig : {SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2})
        ::sigaction(sig, &dfl, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

std::string base_name(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

struct ChildProcess::Private {
    pid_t pid;
    int output_fd;
    std::string name;
    Line on_line;
    Exited on_exit;
};

struct ChildProcess::Impl {
    explicit Impl(boost::asio::io_context& io) : output(io), pidfd(io), kill_timer(io) {}
    boost::asio::posix::stream_descriptor output;
    boost::asio::posix::stream_descriptor pidfd;
    std::optional<boost::asio::signal_set> sigchld;
    boost::asio::steady_timer kill_timer;
    std::array<char, 1024> buffer{};
    std::string partial;
    std::deque<std::string> recent;  // the last lines, for error messages
    bool output_done = false;        // EOF (or error) on the output pipe
    bool finished = false;           // on_exit ran (or would have)
    std::chrono::steady_clock::time_point kill_deadline;
    int wait_status = 0;
};

ChildProcess::ChildProcess(boost::asio::io_context& io, Private p)
    : impl_(std::make_unique<Impl>(io)),
      pid_(p.pid),
      name_(std::move(p.name)),
      on_line_(std::move(p.on_line)),
      on_exit_(std::move(p.on_exit)) {
    impl_->output.assign(p.output_fd);
}

std::shared_ptr<ChildProcess> ChildProcess::spawn(boost::asio::io_context& io,
                                                  std::vector<std::string> argv, Line on_line,
                                                  Exited on_exit) {
    if (argv.empty() || argv[0].empty()) return nullptr;
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (auto& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        spdlog::error("{}: pipe: {}", argv[0], std::strerror(errno));
        return nullptr;
    }
    struct rlimit limit {};
    int max_fd = 1024;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        max_fd = static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 65536));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        spdlog::error("{}: fork: {}", argv[0], std::strerror(errno));
        ::close(fds[0]);
        ::close(fds[1]);
        return nullptr;
    }
    if (pid == 0) exec_child(args, fds[1], max_fd, parent);
    ::close(fds[1]);

    auto child = std::make_shared<ChildProcess>(
        io, Private{pid, fds[0], base_name(argv[0]) + "[" + std::to_string(pid) + "]",
                    std::move(on_line), std::move(on_exit)});
    spdlog::debug("started {}", child->name());
    child->watch_exit();
    child->read_output();
    return child;
}

ChildProcess::~ChildProcess() {
    if (reaped_) return;
    // Only when the event loop is torn down while the process still runs (daemon shutdown):
    // a short bounded wait, then SIGKILL.
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
}

void ChildProcess::watch_exit() {
    const int fd = open_pidfd(pid_);
    if (fd >= 0) {
        impl_->pidfd.assign(fd);
        impl_->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                [self = shared_from_this()](const boost::system::error_code& ec) {
                                    if (ec) return;
                                    self->check_exited();
                                });
        return;
    }
    // No pidfd (kernel before 5.3): SIGCHLD, then waitpid for this PID only. An exit that came
    // before the signal_set existed is caught by the check right after.
    if (!impl_->sigchld) {
        impl_->sigchld.emplace(impl_->kill_timer.get_executor(), SIGCHLD);
        check_exited();
        if (reaped_) return;
    }
    impl_->sigchld->async_wait(
        [self = shared_from_this()](const boost::system::error_code& ec, int) {
            if (ec) return;
            self->check_exited();
        });
}

void ChildProcess::check_exited() {
    if (reaped_) return;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        on_reaped(status);
        return;
    }
    if (r < 0 && errno == ECHILD) {
        // Someone else reaped it (SIGCHLD set to SIG_IGN by an embedding program).
        on_reaped(0);
        return;
    }
    if (impl_->pidfd.is_open()) {
        impl_->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                [self = shared_from_this()](const boost::system::error_code& ec) {
                                    if (ec) return;
                                    self->check_exited();
                                });
    } else {
        watch_exit();
    }
}

void ChildProcess::on_reaped(int wait_status) {
    reaped_ = true;
    impl_->wait_status = wait_status;
    impl_->kill_timer.cancel();
    boost::system::error_code ignored;
    impl_->pidfd.close(ignored);
    if (impl_->sigchld) impl_->sigchld->cancel(ignored);
    if (impl_->output_done) {
        finish();
        return;
    }
    // What the process wrote last may still be in the pipe: read it (in order) before telling
    // the owner, but not for long: a helper that it forked may hold the pipe open.
    impl_->kill_timer.expires_after(std::chrono::milliseconds(200));
    impl_->kill_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->finish();
    });
}

void ChildProcess::finish() {
    if (impl_->finished) return;
    impl_->finished = true;
    impl_->kill_timer.cancel();
    boost::system::error_code ignored;
    impl_->output.close(ignored);
    spdlog::debug("{} ended ({})", name_, describe(impl_->wait_status));
    on_line_ = nullptr;
    if (on_exit_) {
        const auto callback = std::move(on_exit_);
        on_exit_ = nullptr;
        callback(impl_->wait_status);
    }
}

void ChildProcess::read_output() {
    impl_->output.async_read_some(
        boost::asio::buffer(impl_->buffer),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            auto& impl = *self->impl_;
            for (std::size_t i = 0; i < n; ++i) {
                const char c = impl.buffer[i];
                if (c == '\n' || impl.partial.size() >= max_line) {
                    if (!impl.partial.empty() && impl.partial.back() == '\r')
                        impl.partial.pop_back();
                    self->emit(impl.partial);
                    impl.partial.clear();
                    if (c == '\n') continue;
                }
                impl.partial.push_back(c);
            }
            if (ec) {
                if (!impl.partial.empty()) self->emit(impl.partial);
                impl.partial.clear();
                impl.output_done = true;
                if (self->reaped_) self->finish();
                return;
            }
            self->read_output();
        });
}

void ChildProcess::emit(const std::string& line) {
    impl_->recent.push_back(line);
    if (impl_->recent.size() > 5) impl_->recent.pop_front();
    if (on_line_) on_line_(line);
}

std::string ChildProcess::recent_output() const {
    std::string out;
    for (const auto& line : impl_->recent) {
        if (!out.empty()) out += " | ";
        out += line;
    }
    return out;
}

void ChildProcess::terminate(std::chrono::milliseconds grace) {
    if (reaped_) return;
    spdlog::debug("stopping {}", name_);
    impl_->kill_deadline = std::chrono::steady_clock::now() + grace;
    ::kill(pid_, SIGTERM);
    resend_term();
}

// SIGTERM again every 500 ms until the grace time is over, then SIGKILL. (dhcpcd 9.4 was seen to
// drop a SIGTERM that came while it rebound a lease whose address had just been removed.)
void ChildProcess::resend_term() {
    const auto now = std::chrono::steady_clock::now();
    const bool last = now + std::chrono::milliseconds(500) >= impl_->kill_deadline;
    impl_->kill_timer.expires_at(last ? impl_->kill_deadline
                                      : now + std::chrono::milliseconds(500));
    impl_->kill_timer.async_wait(
        [self = shared_from_this(), last](const boost::system::error_code& ec) {
            if (ec || self->reaped_) return;
            if (!last) {
                ::kill(self->pid_, SIGTERM);
                self->resend_term();
                return;
            }
            spdlog::warn("{} did not stop on SIGTERM: SIGKILL", self->name_);
            // The whole process group: the helper's own helpers too (the leader is not reaped
            // yet, so the group is still ours).
            ::kill(-self->pid_, SIGKILL);
            ::kill(self->pid_, SIGKILL);
        });
}

void ChildProcess::detach() {
    on_exit(nullptr);
}

void ChildProcess::on_exit(Exited callback) {
    on_exit_ = std::move(callback);
}

void ChildProcess::use_pidfd_for_tests(bool enabled) {
    pidfd_enabled = enabled;
}

std::string ChildProcess::describe(int wait_status) {
    if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) return "signal " + std::to_string(WTERMSIG(wait_status));
    return "status " + std::to_string(wait_status);
}

std::string find_program(const std::string& name) {
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos) return is_executable_file(name) ? name : "";
    std::string path;
    if (const char* env = std::getenv("PATH")) path = env;
    path += ":/usr/sbin:/sbin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        const std::string dir = path.substr(start, end - start);
        if (!dir.empty()) {
            const std::string candidate = dir + "/" + name;
            if (is_executable_file(candidate)) return candidate;
        }
        start = end + 1;
    }
    return {};
}

}  // namespace wizfi250d
