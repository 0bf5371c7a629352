// SPDX-License-Identifier: Apache-2.0
// wizbench: the measurement client behind bench/run.sh.
//
// It starts each bridge under test (wizfi250d in both data_flush modes, socat, ser2net with its
// defaults and with 64 KiB buffers and chardelay off), plays both the host on the serial side and
// the peer on the TCP side, and measures, round after round, with the daemon and its peers back to
// back: throughput serial->TCP, TCP->serial and both at once; the round trip of 32-byte writes
// echoed by the TCP peer; AT\r -> [OK] next to a raw pty echo loop; command-mode receive with 8
// sockets at once; RSS idle and under load; CPU seconds per GiB moved; time from start to ready.
// It writes results.tsv, samples.tsv, meta.tsv and benchmarks.md into --out.
//
//   wizbench run --daemon PATH --out DIR [--smoke] [--rounds N] [--no-ser2net] ...
//   wizbench check DIR          parses DIR's results and fails when something is missing
//
// One thread, poll(2), large non-blocking reads and writes: the client stays well under one core,
// so on a 2-core machine the bridge has the other one. Nothing is pinned (the scheduler may move
// processes; pinning the client and the bridge to separate cores would hide the cost of sharing
// a core that a real board has).

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// ---- errors and small helpers ---------------------------------------------------------------

struct BenchError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char buf[4096];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

[[noreturn]] void fail(const std::string& what) {
    throw BenchError(what);
}

[[noreturn]] void fail_errno(const std::string& what) {
    fail(what + ": " + std::strerror(errno));
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(std::min<long long>(left + 1, 60000));
}

std::string escape(std::string_view s, std::size_t max = 200) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (c >= 0x20 && c < 0x7f)
            out += static_cast<char>(c);
        else
            out += format("\\x%02x", c);
    }
    if (s.size() > max) out += "...";
    return out;
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) fail("cannot write " + path);
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
        ++i;
    return s.substr(i);
}

std::string run_capture(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p) != nullptr)
            out += buf;
        ::pclose(p);
    }
    return out;
}

// ---- fds ----------------------------------------------------------------------------------------

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd = std::exchange(o.fd, -1);
        }
        return *this;
    }
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    int get() const { return fd; }
    explicit operator bool() const { return fd >= 0; }
};

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) fail_errno("fcntl O_NONBLOCK");
}

void make_raw(int fd) {
    termios t{};
    if (::tcgetattr(fd, &t) != 0) fail_errno("tcgetattr");
    ::cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &t) != 0) fail_errno("tcsetattr");
}

Fd open_tty(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) fail_errno("open " + path);
    make_raw(fd.get());
    return fd;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

Fd tcp_listen(std::uint16_t& port) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) fail_errno("socket");
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = loopback(0);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) fail_errno("bind");
    if (::listen(fd.get(), 16) != 0) fail_errno("listen");
    socklen_t len = sizeof a;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    set_nonblocking(fd.get());
    return fd;
}

std::uint16_t free_tcp_port() {
    std::uint16_t port = 0;
    Fd probe = tcp_listen(port);
    return port;  // closed on return; a small race that ser2net's bind would report
}

void tune_tcp(int fd) {
    // The client is the peer application; it switches Nagle off like the daemon does, so the
    // echo it sends in the latency test goes out at once for every bridge alike.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
}

Fd tcp_accept(int listener, Clock::time_point deadline, const std::string& what) {
    for (;;) {
        Fd c(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
        if (c) {
            tune_tcp(c.get());
            return c;
        }
        if (errno != EAGAIN && errno != EINTR) fail_errno("accept (" + what + ")");
        pollfd p{listener, POLLIN, 0};
        const int left = remaining_ms(deadline);
        if (left == 0) fail("timed out waiting for " + what + " to connect");
        ::poll(&p, 1, left);
    }
}

// One connect attempt; an invalid Fd when refused.
Fd tcp_try_connect(std::uint16_t port) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) fail_errno("socket");
    sockaddr_in a = loopback(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (errno == ECONNREFUSED || errno == EINTR) return Fd{};
        fail_errno(format("connect 127.0.0.1:%u", port));
    }
    tune_tcp(fd.get());
    return fd;
}

void write_all(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) fail_errno("write");
        pollfd p{fd, POLLOUT, 0};
        if (remaining_ms(deadline) == 0) fail("timed out writing");
        ::poll(&p, 1, remaining_ms(deadline));
    }
}

// Reads from fd into buf until buf contains needle; returns the offset just past it.
std::size_t read_until(int fd, std::string& buf, std::string_view needle,
                       Clock::time_point deadline, const std::string& what) {
    char tmp[65536];
    for (;;) {
        const auto at = buf.find(needle);
        if (at != std::string::npos) return at + needle.size();
        const ssize_t n = ::read(fd, tmp, sizeof tmp);
        if (n > 0) {
            buf.append(tmp, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) fail(what + ": end of file; got \"" + escape(buf) + "\"");
        if (errno != EAGAIN && errno != EINTR) fail_errno(what);
        pollfd p{fd, POLLIN, 0};
        if (remaining_ms(deadline) == 0)
            fail(what + ": timed out waiting for \"" + escape(needle) + "\"; got \"" +
                 escape(buf, 400) + "\"");
        ::poll(&p, 1, remaining_ms(deadline));
    }
}

// Discards whatever arrives on fd within the given quiet time.
std::size_t drain(int fd, std::chrono::milliseconds quiet) {
    char tmp[65536];
    std::size_t total = 0;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return total;
        const ssize_t n = ::read(fd, tmp, sizeof tmp);
        if (n <= 0) return total;
        total += static_cast<std::size_t>(n);
    }
}

// ---- /proc
// ---------------------------------------------------------------------------------------

double cpu_seconds(pid_t pid) {
    const std::string stat = read_text_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return NAN;
    std::istringstream in(stat.substr(close + 2));
    std::vector<std::string> fields;
    std::string f;
    while (in >> f)
        fields.push_back(f);
    // Field 3 (state) is fields[0]; utime is field 14, stime 15 (all threads of the process).
    if (fields.size() < 13) return NAN;
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

long status_kb(pid_t pid, const char* key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    const std::size_t klen = std::strlen(key);
    while (std::getline(in, line)) {
        if (line.compare(0, klen, key) == 0) return std::atol(line.c_str() + klen);
    }
    return -1;
}

// Proportional set size (shared pages divided among the processes that map them).
long pss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.compare(0, 4, "Pss:") == 0) return std::atol(line.c_str() + 4);
    return -1;
}

double self_cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// ---- child processes ----------------------------------------------------------------------------

struct Child {
    pid_t pid = -1;
    std::string name;
    // Under strace the bridge is strace's child: SIGTERM goes to it, and strace ends with it.
    bool traced = false;
    int grace_s = 3;

    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    Child(Child&& o) noexcept
        : pid(std::exchange(o.pid, -1)),
          name(std::move(o.name)),
          traced(o.traced),
          grace_s(o.grace_s) {}
    Child& operator=(Child&& o) noexcept {
        if (this != &o) {
            stop();
            pid = std::exchange(o.pid, -1);
            name = std::move(o.name);
            traced = o.traced;
            grace_s = o.grace_s;
        }
        return *this;
    }
    ~Child() { stop(); }

    // Still running? Fails with the exit status when it is not.
    void check_alive() {
        if (pid <= 0) fail(name + " is not running");
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            pid = -1;
            if (WIFEXITED(status))
                fail(format("%s exited with status %d", name.c_str(), WEXITSTATUS(status)));
            fail(format("%s died of signal %d", name.c_str(), WTERMSIG(status)));
        }
    }

    // SIGTERM, a grace period, then SIGKILL. Only this PID.
    void stop() {
        if (pid <= 0) return;
        pid_t target = pid;
        if (traced) {
            std::istringstream children(
                read_text_file(format("/proc/%d/task/%d/children", pid, pid)));
            children >> target;
        }
        ::kill(target, SIGTERM);
        const auto deadline = Clock::now() + std::chrono::seconds(grace_s);
        for (;;) {
            int status = 0;
            const pid_t r = ::waitpid(pid, &status, WNOHANG);
            if (r == pid || (r < 0 && errno == ECHILD)) break;
            if (Clock::now() > deadline) {
                std::fprintf(stderr, "wizbench: %s (pid %d) ignored SIGTERM; killing it\n",
                             name.c_str(), pid);
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                break;
            }
            ::usleep(2000);
        }
        pid = -1;
    }
};

// fork + exec with stdout/stderr to log. The child dies with us (PR_SET_PDEATHSIG).
Child spawn(const std::string& name, const std::vector<std::string>& args, const std::string& log,
            const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "NOTIFY_SOCKET=", 14) == 0) continue;
        env_strings.emplace_back(*e);
    }
    env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argcopy = args;
    std::vector<char*> argv;
    for (auto& a : argcopy)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int logfd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (devnull < 0 || logfd < 0) fail_errno("open log " + log);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        ::dup2(devnull, 0);
        ::dup2(logfd, 1);
        ::dup2(logfd, 2);
        ::execvpe(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(devnull);
    ::close(logfd);
    Child c;
    c.pid = pid;
    c.name = name;
    return c;
}

// The raw pty echo loop: a process that holds a pty master, makes link point at the slave and
// writes back whatever it reads. The floor for "host writes a line, the other side answers".
Child spawn_pty_echo(const std::string& link) {
    int master = -1;
    int slave = -1;
    if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) fail_errno("openpty");
    make_raw(slave);
    char name[256] = {};
    if (::ttyname_r(slave, name, sizeof name) != 0) fail("ttyname_r failed");
    ::unlink(link.c_str());
    if (::symlink(name, link.c_str()) != 0) fail_errno("symlink " + link);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(126);
        // The slave stays open here as in the daemon, so the host's close is never the last one.
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(master, buf, sizeof buf);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                ::_exit(0);
            }
            ssize_t off = 0;
            while (off < n) {
                const ssize_t w = ::write(master, buf + off, static_cast<std::size_t>(n - off));
                if (w <= 0) ::_exit(1);
                off += w;
            }
        }
    }
    ::close(master);
    ::close(slave);
    Child c;
    c.pid = pid;
    c.name = "pty echo loop";
    return c;
}

// ---- statistics ---------------------------------------------------------------------------------

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    // Nearest rank.
    const double rank = std::ceil(p / 100.0 * static_cast<double>(v.size()));
    const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(std::max(1.0, rank)) - 1);
    return v[i];
}

double median(std::vector<double> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }),
            v.end());
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// ---- payloads -----------------------------------------------------------------------------------

// The bulk payload: pseudo-random bytes (all 256 values, '+' included, as binary data has),
// repeated. Its period is 45 packets of 1461 bytes, and every transfer is a whole number of
// periods: in timer mode the daemon sends a packet when it holds 1461 bytes, so the last packet of
// a transfer leaves at once instead of after the 100 ms flush timer (that wait is what the latency
// test measures). Two '+' in a row never occur and the period ends in '\n', so a transfer never
// ends in held '+' bytes (which the daemon keeps for the 1 s escape check).
constexpr std::size_t kPacket = 1461;
constexpr std::size_t kPeriod = kPacket * 45;  // 65,745 bytes

struct Pattern {
    std::vector<char> bytes;
    explicit Pattern(bool with_plus = true) : bytes(kPeriod) {
        std::uint64_t x = 0x9E3779B97F4A7C15ull;
        for (std::size_t i = 0; i < kPeriod; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char c = static_cast<char>(x >> 24);
            if (c == '+' && ((i > 0 && bytes[i - 1] == '+') || !with_plus)) c = '-';
            bytes[i] = c;
        }
        bytes[kPeriod - 1] = '\n';
    }
    // Does data equal the stream at offset?
    bool matches(std::uint64_t offset, const char* data, std::size_t n) const {
        while (n > 0) {
            const std::size_t at = offset % kPeriod;
            const std::size_t chunk = std::min(n, kPeriod - at);
            if (std::memcmp(bytes.data() + at, data, chunk) != 0) return false;
            data += chunk;
            n -= chunk;
            offset += chunk;
        }
        return true;
    }
    // Contiguous bytes of the stream from offset (up to the end of the period).
    std::string_view at(std::uint64_t offset, std::size_t max) const {
        const std::size_t a = offset % kPeriod;
        return {bytes.data() + a, std::min(max, kPeriod - a)};
    }
};

const Pattern& pattern() {
    static const Pattern p;
    return p;
}

// The same without '+' (bulk data as the cost measurements move it: the daemon's escape check
// never holds a byte back).
const Pattern& plain_pattern() {
    static const Pattern p(false);
    return p;
}

// ---- options and results ------------------------------------------------------------------------

struct Options {
    std::string daemon;
    std::string out;
    std::string socat = "socat";
    std::string ser2net = "ser2net";
    std::string git;
    bool smoke = false;
    bool with_socat = true;
    bool with_ser2net = true;
    int rounds = 5;
    std::size_t periods = 512;  // bulk transfer = periods * kPeriod bytes per direction
    std::size_t periods8 = 64;  // per socket in the 8-socket test
    int lat_samples = 2000;     // 32-byte round trips per target and round (at most)
    double lat_budget = 6.0;    // seconds per target and round (the timer mode needs it)
    int at_samples = 2000;
    int warmup = 20;
    std::chrono::milliseconds settle{300};
    std::chrono::seconds stall{20};
    // For profiling: only these targets / tests (empty: all). Tests: at, lat, s2t, t2s, both, cmd8.
    std::set<std::string> only_targets;
    std::set<std::string> only_tests;
    // Cost measurements (callgrind, strace): the two transfer sizes whose difference gives the
    // figure per MiB.
    bool with_costs = true;
    // Cost runs under callgrind only (no strace runs): the regression check's instructions.
    bool callgrind_only = false;
    std::uint64_t cost_small_mib = 4;
    std::uint64_t cost_large_mib = 20;
    // Cost measurements only for these (empty: every target). ser2net with its 64-byte
    // defaults takes many minutes under valgrind.
    std::set<std::string> cost_targets;
    bool wants(const std::string& test) const {
        return only_tests.empty() || only_tests.count(test) > 0;
    }
};

struct Record {
    int round;
    std::string target;
    std::string metric;
    double value;
};

struct Results {
    std::vector<Record> records;
    // target -> kind -> samples (µs), pooled over rounds
    std::map<std::string, std::map<std::string, std::vector<double>>> samples;
    std::vector<std::tuple<int, std::string, std::string, double>> sample_rows;
    std::vector<std::string> notes;

    void add(int round, const std::string& target, const std::string& metric, double value) {
        records.push_back({round, target, metric, value});
        std::fprintf(stderr, "  %-14s %-26s %12.3f\n", target.c_str(), metric.c_str(), value);
    }
    void add_samples(int round, const std::string& target, const std::string& kind,
                     const std::vector<double>& us) {
        auto& pool = samples[target][kind];
        pool.insert(pool.end(), us.begin(), us.end());
        for (double v : us)
            sample_rows.emplace_back(round, target, kind, v);
    }
    std::vector<double> values(const std::string& target, const std::string& metric) const {
        std::vector<double> out;
        for (const auto& r : records)
            if (r.target == target && r.metric == metric) out.push_back(r.value);
        return out;
    }
    double value(int round, const std::string& target, const std::string& metric) const {
        for (const auto& r : records)
            if (r.round == round && r.target == target && r.metric == metric) return r.value;
        return NAN;
    }
    bool has(const std::string& target) const {
        for (const auto& r : records)
            if (r.target == target) return true;
        return false;
    }
};

// ---- measurements -------------------------------------------------------------------------------

// Round trips of 32-byte writes: the host writes them on the serial side, the TCP peer echoes
// them, the time is taken when all 32 are back on the serial side.
std::vector<double> measure_echo_round_trips(int serial, int tcp, int samples, double budget,
                                             int warmup, const std::string& what) {
    std::vector<double> out;
    const auto start = Clock::now();
    char buf[65536];
    for (int i = 0; i < samples + warmup; ++i) {
        if (i >= warmup + 10 && seconds_since(start) > budget) break;
        char msg[32];
        for (int k = 0; k < 32; ++k)
            msg[k] = static_cast<char>('a' + (i + k) % 26);
        msg[31] = '\n';
        const auto deadline = Clock::now() + std::chrono::seconds(10);
        const auto t0 = Clock::now();
        write_all(serial, std::string_view(msg, 32), deadline);
        std::string back;
        while (back.size() < 32) {
            pollfd p[2] = {{tcp, POLLIN, 0}, {serial, POLLIN, 0}};
            if (::poll(p, 2, remaining_ms(deadline)) == 0)
                fail(what + ": no echo within 10 s (got " + std::to_string(back.size()) + ")");
            if (p[0].revents != 0) {
                const ssize_t n = ::read(tcp, buf, sizeof buf);
                if (n == 0) fail(what + ": TCP peer connection closed");
                if (n > 0)
                    write_all(tcp, std::string_view(buf, static_cast<std::size_t>(n)), deadline);
            }
            if (p[1].revents != 0) {
                const ssize_t n = ::read(serial, buf, sizeof buf);
                if (n > 0) back.append(buf, static_cast<std::size_t>(n));
            }
        }
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
        if (back != std::string_view(msg, 32))
            fail(what + ": echo differs: \"" + escape(back) + "\"");
        if (i >= warmup) out.push_back(us);
    }
    return out;
}

// `request` on fd, then read until `reply_end` is in what came back. Samples in µs.
std::vector<double> measure_request_reply(int fd, std::string_view request,
                                          std::string_view reply_end, int samples, int warmup,
                                          const std::string& what) {
    std::vector<double> out;
    std::string buf;
    for (int i = 0; i < samples + warmup; ++i) {
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        buf.clear();
        const auto t0 = Clock::now();
        write_all(fd, request, deadline);
        const std::size_t end = read_until(fd, buf, reply_end, deadline, what);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
        if (end != buf.size()) fail(what + ": unexpected bytes after the reply: " + escape(buf));
        if (i >= warmup) out.push_back(us);
    }
    return out;
}

struct TransferResult {
    double seconds = 0;
    std::uint64_t bytes = 0;  // moved, both directions together
    double cpu = 0;           // bridge CPU seconds
    double client_cpu = 0;    // this process
    long rss_peak_kb = 0;     // highest VmRSS seen while it ran
};

// Moves up_n bytes serial -> TCP and down_n bytes TCP -> serial, at once, as fast as the bridge
// takes them; checks every byte.
TransferResult transfer(pid_t bridge, int serial, int tcp, std::uint64_t up_n, std::uint64_t down_n,
                        std::chrono::seconds stall, const std::string& what,
                        const Pattern& pat = pattern()) {
    std::uint64_t up_sent = 0, up_recv = 0, down_sent = 0, down_recv = 0;
    std::vector<char> buf(1 << 18);
    TransferResult r;
    const double cpu0 = cpu_seconds(bridge);
    const double self0 = self_cpu_seconds();
    auto last_progress = Clock::now();
    auto next_rss = Clock::now();
    const auto t0 = Clock::now();
    while (up_recv < up_n || down_recv < down_n) {
        pollfd p[2] = {{serial, 0, 0}, {tcp, 0, 0}};
        if (up_sent < up_n) p[0].events |= POLLOUT;
        if (down_recv < down_n) p[0].events |= POLLIN;
        if (up_recv < up_n) p[1].events |= POLLIN;
        if (down_sent < down_n) p[1].events |= POLLOUT;
        const int ready = ::poll(p, 2, 200);
        if (ready < 0 && errno != EINTR) fail_errno("poll");
        bool progress = false;
        // serial side
        if (p[0].revents & POLLOUT) {
            const auto chunk = pat.at(up_sent, up_n - up_sent);
            const ssize_t n = ::write(serial, chunk.data(), chunk.size());
            if (n > 0)
                up_sent += static_cast<std::uint64_t>(n), progress = true;
            else if (n < 0 && errno != EAGAIN)
                fail_errno(what + ": write serial");
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::read(serial, buf.data(), buf.size());
            if (n > 0) {
                if (down_recv + static_cast<std::uint64_t>(n) > down_n ||
                    !pat.matches(down_recv, buf.data(), static_cast<std::size_t>(n)))
                    fail(format("%s: TCP->serial bytes differ near offset %llu", what.c_str(),
                                static_cast<unsigned long long>(down_recv)));
                down_recv += static_cast<std::uint64_t>(n);
                progress = true;
            } else if (n < 0 && errno != EAGAIN) {
                fail_errno(what + ": read serial");
            }
        }
        // TCP side
        if (p[1].revents & POLLOUT) {
            const auto chunk = pat.at(down_sent, down_n - down_sent);
            const ssize_t n = ::write(tcp, chunk.data(), chunk.size());
            if (n > 0)
                down_sent += static_cast<std::uint64_t>(n), progress = true;
            else if (n < 0 && errno != EAGAIN)
                fail_errno(what + ": write TCP");
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::read(tcp, buf.data(), buf.size());
            if (n > 0) {
                if (up_recv + static_cast<std::uint64_t>(n) > up_n ||
                    !pat.matches(up_recv, buf.data(), static_cast<std::size_t>(n)))
                    fail(format("%s: serial->TCP bytes differ near offset %llu", what.c_str(),
                                static_cast<unsigned long long>(up_recv)));
                up_recv += static_cast<std::uint64_t>(n);
                progress = true;
            } else if (n == 0) {
                fail(what + ": the bridge closed the TCP connection");
            } else if (errno != EAGAIN) {
                fail_errno(what + ": read TCP");
            }
        }
        const auto now = Clock::now();
        if (progress)
            last_progress = now;
        else if (now - last_progress > stall)
            fail(format("%s: stalled for %lld s (serial->TCP %llu/%llu, TCP->serial %llu/%llu)",
                        what.c_str(), static_cast<long long>(stall.count()),
                        static_cast<unsigned long long>(up_recv),
                        static_cast<unsigned long long>(up_n),
                        static_cast<unsigned long long>(down_recv),
                        static_cast<unsigned long long>(down_n)));
        if (now >= next_rss) {
            r.rss_peak_kb = std::max(r.rss_peak_kb, status_kb(bridge, "VmRSS:"));
            next_rss = now + std::chrono::milliseconds(20);
        }
    }
    r.seconds = seconds_since(t0);
    r.bytes = up_n + down_n;
    r.cpu = cpu_seconds(bridge) - cpu0;
    r.client_cpu = self_cpu_seconds() - self0;
    r.rss_peak_kb = std::max(r.rss_peak_kb, status_kb(bridge, "VmRSS:"));
    return r;
}

// ---- the bridges --------------------------------------------------------------------------------

enum class Kind { daemon_timer, daemon_immediate, socat, ser2net_default, ser2net_64k };

struct Target {
    Kind kind;
    std::string id;     // in results.tsv
    std::string label;  // in the report
};

const std::vector<Target>& all_targets() {
    static const std::vector<Target> t = {
        {Kind::daemon_timer, "wiz-timer", "wizfi250d, data_flush = timer"},
        {Kind::daemon_immediate, "wiz-immediate", "wizfi250d, data_flush = immediate"},
        {Kind::socat, "socat", "socat"},
        {Kind::ser2net_default, "ser2net-default", "ser2net, defaults"},
        {Kind::ser2net_64k, "ser2net-64k", "ser2net, 64 KiB buffers, chardelay off"},
    };
    return t;
}

struct Session {
    Child child;
    Fd serial;      // the host's end of the serial line
    Fd tcp;         // the peer's end of the TCP connection
    Fd held_slave;  // ser2net: our copy of the pty slave, so ser2net's close is never the last
    Fd listener;
    double startup_ms = NAN;
};

struct Bench {
    Options opt;
    std::string work;  // scratch directory for configs, ptys, logs
    Results results;
    int session_counter = 0;
    // A program the bridge runs under (valgrind, strace) for the cost measurements; empty: none.
    std::vector<std::string> wrap;

    Child launch(const std::string& name, const std::vector<std::string>& args,
                 const std::string& log, const std::vector<std::string>& extra_env = {}) {
        std::vector<std::string> all = wrap;
        all.insert(all.end(), args.begin(), args.end());
        Child c = spawn(name, all, log, extra_env);
        c.traced = !wrap.empty() && wrap.front() == "strace";
        if (!wrap.empty()) c.grace_s = 60;
        return c;
    }
    // Under valgrind a start takes seconds.
    std::chrono::seconds start_limit() const {
        return std::chrono::seconds(wrap.empty() ? 10 : 120);
    }

    std::string new_dir(const std::string& tag) {
        const std::string dir = work + "/" + std::to_string(++session_counter) + "-" + tag;
        if (::mkdir(dir.c_str(), 0700) != 0) fail_errno("mkdir " + dir);
        return dir;
    }

    // wizfi250d: start, wait for READY=1 on NOTIFY_SOCKET, open its pty, read the banner.
    Session start_daemon(const std::string& dir, bool immediate) {
        Session s;
        const std::string state = dir + "/state";
        ::mkdir(state.c_str(), 0700);
        ::mkdir((dir + "/run").c_str(), 0700);
        const std::string config = dir + "/wizfi250d.conf";
        write_text_file(config, std::string("log_level = warn\nruntime_dir = ") + dir +
                                    "/run\ndata_flush = " + (immediate ? "immediate" : "timer") +
                                    "\n");
        const std::string notify_path = dir + "/notify.sock";
        Fd notify(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        if (notify_path.size() >= sizeof a.sun_path) fail("notify socket path too long");
        std::strcpy(a.sun_path, notify_path.c_str());
        if (::bind(notify.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            fail_errno("bind " + notify_path);
        const std::string link = dir + "/tty";
        const auto t0 = Clock::now();
        s.child = launch("wizfi250d",
                         {opt.daemon, "--config", config, "--serial", "pty:" + link, "--state-dir",
                          state, "--interface", "lo"},
                         dir + "/log", {"NOTIFY_SOCKET=" + notify_path});
        const auto deadline = t0 + start_limit();
        for (;;) {
            pollfd p{notify.get(), POLLIN, 0};
            if (::poll(&p, 1, 50) > 0) {
                char msg[4096];
                const ssize_t n = ::recv(notify.get(), msg, sizeof msg - 1, 0);
                if (n > 0) {
                    msg[n] = '\0';
                    if (std::strstr(msg, "READY=1") != nullptr) break;
                }
                continue;
            }
            s.child.check_alive();
            if (Clock::now() > deadline) fail("wizfi250d sent no READY=1 in time");
        }
        s.startup_ms = seconds_since(t0) * 1e3;
        s.serial = open_tty(link);
        std::string buf;
        read_until(s.serial.get(), buf, "(WIZnet Co.Ltd)\r\n",
                   Clock::now() + std::chrono::seconds(5), "wizfi250d boot banner");
        return s;
    }

    // AT+WJOIN on lo, then AT+SCON TCN in data mode to a listener of ours.
    void daemon_data_mode(Session& s) {
        const auto deadline = Clock::now() + start_limit() + std::chrono::seconds(5);
        std::string buf;
        write_all(s.serial.get(), "AT+WJOIN\r", deadline);
        read_until(s.serial.get(), buf, "[OK]\r\n", deadline, "AT+WJOIN");
        std::uint16_t port = 0;
        s.listener = tcp_listen(port);
        buf.clear();
        write_all(s.serial.get(), format("AT+SCON=O,TCN,127.0.0.1,%u,,1\r", port), deadline);
        read_until(s.serial.get(), buf, "[CONNECT 0]\r\n", deadline, "AT+SCON (data mode)");
        s.tcp = tcp_accept(s.listener.get(), deadline, "wizfi250d");
    }

    Session start_socat(const std::string& dir) {
        Session s;
        std::uint16_t port = 0;
        s.listener = tcp_listen(port);
        const std::string link = dir + "/tty";
        const auto t0 = Clock::now();
        s.child = launch(
            "socat", {opt.socat, "pty,raw,echo=0,link=" + link, format("tcp:127.0.0.1:%u", port)},
            dir + "/log");
        const auto deadline = t0 + start_limit();
        struct stat st {};
        while (::lstat(link.c_str(), &st) != 0) {
            if (Clock::now() > deadline) fail("socat made no pty link within 10 s");
            s.child.check_alive();
            ::usleep(100);
        }
        s.startup_ms = seconds_since(t0) * 1e3;
        s.tcp = tcp_accept(s.listener.get(), deadline, "socat");
        s.serial = open_tty(link);
        return s;
    }

    Session start_ser2net(const std::string& dir, bool big) {
        Session s;
        int master = -1;
        int slave = -1;
        if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) fail_errno("openpty");
        s.serial = Fd(master);
        s.held_slave = Fd(slave);
        ::fcntl(master, F_SETFD, FD_CLOEXEC);
        ::fcntl(slave, F_SETFD, FD_CLOEXEC);
        set_nonblocking(master);
        make_raw(slave);
        char name[256] = {};
        if (::ttyname_r(slave, name, sizeof name) != 0) fail("ttyname_r failed");
        const std::uint16_t port = free_tcp_port();
        std::string yaml = format(
            "connection: &bench\n"
            "    accepter: tcp,127.0.0.1,%u\n"
            "    connector: serialdev,%s,115200n81,local\n"
            "    options:\n"
            "      kickolduser: true\n",
            port, name);
        if (big)
            yaml +=
                "      dev-to-net-bufsize: 65536\n"
                "      net-to-dev-bufsize: 65536\n"
                "      chardelay: false\n";
        const std::string config = dir + "/ser2net.yaml";
        write_text_file(config, yaml);
        const auto t0 = Clock::now();
        s.child =
            launch("ser2net", {opt.ser2net, "-n", "-u", "-c", config, "-P", dir + "/ser2net.pid"},
                   dir + "/log");
        const auto deadline = t0 + start_limit();
        for (;;) {
            s.tcp = tcp_try_connect(port);
            if (s.tcp) break;
            if (Clock::now() > deadline) fail("ser2net did not accept on its port within 10 s");
            s.child.check_alive();
            ::usleep(200);
        }
        s.startup_ms = seconds_since(t0) * 1e3;
        return s;
    }

    // Both directions carry a byte before anything is measured (ser2net opens the device only
    // when the TCP connection comes; the daemon in timer mode sends after 100 ms).
    void probe(Session& s, const std::string& what) {
        const auto deadline = Clock::now() + start_limit();
        std::string buf;
        for (;;) {
            write_all(s.serial.get(), "probe\n", deadline);
            try {
                read_until(s.tcp.get(), buf, "probe\n",
                           Clock::now() + std::chrono::milliseconds(500),
                           what + " probe serial->TCP");
                break;
            } catch (const BenchError&) {
                if (Clock::now() > deadline) throw;
            }
        }
        buf.clear();
        write_all(s.tcp.get(), "probe\n", deadline);
        read_until(s.serial.get(), buf, "probe\n", deadline, what + " probe TCP->serial");
        drain(s.tcp.get(), std::chrono::milliseconds(150));
        drain(s.serial.get(), std::chrono::milliseconds(10));
    }

    // The AT round trip on a fresh daemon in command mode, and right after it the raw pty echo
    // loop, so both see the same machine.
    // Starts the bridge under test in dir, a daemon in data mode. With at_round >= 0 a daemon's
    // AT round trip is measured first, in command mode.
    Session start_bridge(const Target& t, const std::string& dir, int at_round = -1) {
        switch (t.kind) {
            case Kind::daemon_timer:
            case Kind::daemon_immediate: {
                Session s = start_daemon(dir, t.kind == Kind::daemon_immediate);
                if (at_round >= 0) at_versus_echo(at_round, s, dir);
                daemon_data_mode(s);
                return s;
            }
            case Kind::socat:
                return start_socat(dir);
            case Kind::ser2net_default:
            case Kind::ser2net_64k:
                return start_ser2net(dir, t.kind == Kind::ser2net_64k);
        }
        return {};
    }

    void at_versus_echo(int round, Session& s, const std::string& dir) {
        const int warm = std::max(3, opt.warmup);
        const auto at = measure_request_reply(s.serial.get(), "AT\r", "[OK]\r\n", opt.at_samples,
                                              warm, "AT round trip");
        results.add(round, "wiz-command", "at_p50_us", percentile(at, 50));
        results.add(round, "wiz-command", "at_p99_us", percentile(at, 99));
        results.add_samples(round, "wiz-command", "at", at);

        const std::string link = dir + "/echo-tty";
        Child echo = spawn_pty_echo(link);
        Fd fd = open_tty(link);
        const auto raw =
            measure_request_reply(fd.get(), "AT\r", "AT\r", opt.at_samples, warm, "pty echo loop");
        echo.stop();
        ::unlink(link.c_str());
        results.add(round, "pty-echo", "at_p50_us", percentile(raw, 50));
        results.add(round, "pty-echo", "at_p99_us", percentile(raw, 99));
        results.add_samples(round, "pty-echo", "at", raw);
    }

    void data_tests(int round, const Target& t, Session& s) {
        const pid_t pid = s.child.pid;
        results.add(round, t.id, "startup_ms", s.startup_ms);
        probe(s, t.id);
        ::usleep(static_cast<useconds_t>(opt.settle.count() * 1000));
        results.add(round, t.id, "rss_idle_kb", static_cast<double>(status_kb(pid, "VmRSS:")));
        results.add(round, t.id, "anon_idle_kb", static_cast<double>(status_kb(pid, "RssAnon:")));
        results.add(round, t.id, "pss_idle_kb", static_cast<double>(pss_kb(pid)));

        const int warm = t.kind == Kind::daemon_timer ? 2 : opt.warmup;
        if (opt.wants("lat")) {
            const auto lat = measure_echo_round_trips(s.serial.get(), s.tcp.get(), opt.lat_samples,
                                                      opt.lat_budget, warm, t.id + " latency");
            results.add(round, t.id, "lat32_p50_us", percentile(lat, 50));
            results.add(round, t.id, "lat32_p99_us", percentile(lat, 99));
            results.add(round, t.id, "lat32_n", static_cast<double>(lat.size()));
            results.add_samples(round, t.id, "lat32", lat);
        }

        const std::uint64_t n = static_cast<std::uint64_t>(opt.periods) * kPeriod;
        const struct {
            const char* name;
            std::uint64_t up, down;
        } dirs[] = {{"s2t", n, 0}, {"t2s", 0, n}, {"both", n, n}};
        double cpu_all = 0, bytes_all = 0, client_all = 0;
        long rss_load = 0;
        for (const auto& d : dirs) {
            if (!opt.wants(d.name)) continue;
            s.child.check_alive();
            const auto r = transfer(pid, s.serial.get(), s.tcp.get(), d.up, d.down, opt.stall,
                                    t.id + " " + d.name);
            const double gib = static_cast<double>(r.bytes) / (1024.0 * 1024 * 1024);
            results.add(round, t.id, std::string("tput_") + d.name + "_MBps",
                        static_cast<double>(r.bytes) / r.seconds / 1e6);
            results.add(round, t.id, std::string("cpu_") + d.name + "_s_per_GiB", r.cpu / gib);
            cpu_all += r.cpu;
            client_all += r.client_cpu;
            bytes_all += static_cast<double>(r.bytes);
            rss_load = std::max(rss_load, r.rss_peak_kb);
        }
        const double gib_all = bytes_all / (1024.0 * 1024 * 1024);
        if (bytes_all > 0) {
            results.add(round, t.id, "cpu_all_s_per_GiB", cpu_all / gib_all);
            results.add(round, t.id, "client_cpu_s_per_GiB", client_all / gib_all);
        }
        results.add(round, t.id, "rss_load_kb", static_cast<double>(rss_load));
        results.add(round, t.id, "hwm_kb", static_cast<double>(status_kb(pid, "VmHWM:")));
        results.add(round, t.id, "pss_load_kb", static_cast<double>(pss_kb(pid)));
        s.child.check_alive();
    }

    void run_target(int round, const Target& t) {
        std::fprintf(stderr, "round %d: %s\n", round, t.label.c_str());
        const std::string dir = new_dir(t.id);
        // The AT round trip is measured in command mode, before the timer daemon's data mode.
        const int at_round = t.kind == Kind::daemon_timer && opt.wants("at") ? round : -1;
        Session s = start_bridge(t, dir, at_round);
        data_tests(round, t, s);
        s.tcp.reset();
        s.child.stop();
    }

    // Command mode, 8 sockets: 8 AT+SCON TCN clients to 8 listeners of ours, all 8 peers send at
    // once, and the frames {cid,ip,port,len}payload\r\n are parsed and checked on the serial side.
    // record: false for a cost run (nothing but the bytes moved matters).
    void eight_sockets(int round, std::size_t periods8, bool record = true) {
        std::fprintf(stderr, "round %d: wizfi250d, command mode, 8 sockets\n", round);
        const std::string dir = new_dir("wiz-8sock");
        Session s = start_daemon(dir, false);
        const auto deadline = Clock::now() + start_limit() + std::chrono::seconds(10);
        std::string buf;
        write_all(s.serial.get(), "AT+WJOIN\r", deadline);
        read_until(s.serial.get(), buf, "[OK]\r\n", deadline, "AT+WJOIN");
        constexpr int kSockets = 8;
        std::vector<Fd> listeners(kSockets), peers(kSockets);
        std::vector<std::uint16_t> ports(kSockets);
        for (int i = 0; i < kSockets; ++i) {
            listeners[i] = tcp_listen(ports[i]);
            buf.clear();
            write_all(s.serial.get(), format("AT+SCON=O,TCN,127.0.0.1,%u,,0\r", ports[i]),
                      deadline);
            read_until(s.serial.get(), buf, format("[CONNECT %x]\r\n", i), deadline,
                       "AT+SCON (command mode)");
            peers[i] = tcp_accept(listeners[i].get(), deadline, "wizfi250d socket");
        }
        ::usleep(static_cast<useconds_t>(opt.settle.count() * 1000));
        const pid_t pid = s.child.pid;
        const long rss_idle = status_kb(pid, "VmRSS:");

        const std::uint64_t per = static_cast<std::uint64_t>(periods8) * kPeriod;
        const Pattern& pat = pattern();
        std::vector<std::uint64_t> sent(kSockets, 0), recv(kSockets, 0);
        // Distinct streams: socket i starts at offset i * 4099 of the pattern.
        auto base = [](int i) { return static_cast<std::uint64_t>(i) * 4099; };
        std::string pending;  // unparsed serial bytes
        std::uint64_t total_recv = 0, frames = 0, serial_bytes = 0;
        const std::uint64_t total = per * kSockets;
        std::vector<char> rbuf(1 << 18);
        const double cpu0 = cpu_seconds(pid);
        const double self0 = self_cpu_seconds();
        long rss_peak = 0;
        auto next_rss = Clock::now();
        auto last_progress = Clock::now();
        const auto t0 = Clock::now();
        while (total_recv < total) {
            std::array<pollfd, kSockets + 1> p{};
            p[0] = {s.serial.get(), POLLIN, 0};
            for (int i = 0; i < kSockets; ++i)
                p[i + 1] = {peers[i].get(), static_cast<short>(sent[i] < per ? POLLOUT : 0), 0};
            ::poll(p.data(), p.size(), 200);
            bool progress = false;
            for (int i = 0; i < kSockets; ++i) {
                if (!(p[i + 1].revents & POLLOUT)) continue;
                const auto chunk = pat.at(base(i) + sent[i], per - sent[i]);
                const ssize_t n = ::write(peers[i].get(), chunk.data(), chunk.size());
                if (n > 0) sent[i] += static_cast<std::uint64_t>(n), progress = true;
            }
            if (p[0].revents & POLLIN) {
                const ssize_t n = ::read(s.serial.get(), rbuf.data(), rbuf.size());
                if (n > 0) {
                    progress = true;
                    serial_bytes += static_cast<std::uint64_t>(n);
                    pending.append(rbuf.data(), static_cast<std::size_t>(n));
                    std::size_t pos = 0;
                    for (;;) {
                        // {cid,ip,port,len}payload\r\n
                        if (pending.size() - pos < 1) break;
                        if (pending[pos] != '{')
                            fail("8 sockets: expected a frame, got \"" +
                                 escape(std::string_view(pending).substr(pos, 80)) + "\"");
                        const auto close = pending.find('}', pos);
                        if (close == std::string::npos) break;
                        const std::string head = pending.substr(pos + 1, close - pos - 1);
                        unsigned cid = 0, len = 0, port = 0;
                        char ip[32] = {};
                        if (std::sscanf(head.c_str(), "%x,%31[^,],%u,%u", &cid, ip, &port, &len) !=
                                4 ||
                            cid >= kSockets || std::strcmp(ip, "127.0.0.1") != 0 ||
                            port != ports[cid])
                            fail("8 sockets: bad frame header {" + escape(head) + "}");
                        const std::size_t body = close + 1;
                        if (pending.size() < body + len + 2) break;
                        if (!pat.matches(base(static_cast<int>(cid)) + recv[cid],
                                         pending.data() + body, len))
                            fail(format("8 sockets: socket %u payload differs at %llu", cid,
                                        static_cast<unsigned long long>(recv[cid])));
                        if (pending.compare(body + len, 2, "\r\n") != 0)
                            fail("8 sockets: frame without its \\r\\n trailer");
                        recv[cid] += len;
                        total_recv += len;
                        ++frames;
                        pos = body + len + 2;
                    }
                    pending.erase(0, pos);
                }
            }
            const auto now = Clock::now();
            if (progress)
                last_progress = now;
            else if (now - last_progress > opt.stall)
                fail("8 sockets: stalled");
            if (now >= next_rss) {
                rss_peak = std::max(rss_peak, status_kb(pid, "VmRSS:"));
                next_rss = now + std::chrono::milliseconds(20);
            }
        }
        const double secs = seconds_since(t0);
        const double cpu = cpu_seconds(pid) - cpu0;
        const double client = self_cpu_seconds() - self0;
        const double gib = static_cast<double>(total) / (1024.0 * 1024 * 1024);
        const std::string id = "wiz-8sock";
        if (!record) {
            for (auto& p : peers)
                p.reset();
            s.child.stop();
            return;
        }
        results.add(round, id, "cmd8_MBps", static_cast<double>(total) / secs / 1e6);
        results.add(round, id, "cmd8_serial_MBps", static_cast<double>(serial_bytes) / secs / 1e6);
        results.add(
            round, id, "cmd8_frame_bytes",
            static_cast<double>(total) / static_cast<double>(std::max<std::uint64_t>(frames, 1)));
        results.add(round, id, "cmd8_cpu_s_per_GiB", cpu / gib);
        results.add(round, id, "client_cpu_s_per_GiB", client / gib);
        results.add(round, id, "rss_idle_kb", static_cast<double>(rss_idle));
        results.add(round, id, "rss_load_kb",
                    static_cast<double>(std::max(rss_peak, status_kb(pid, "VmRSS:"))));
        results.add(round, id, "hwm_kb", static_cast<double>(status_kb(pid, "VmHWM:")));
        s.child.check_alive();
        for (auto& p : peers)
            p.reset();
        s.child.stop();
    }

    // ---- costs that do not depend on the machine's load
    // ------------------------------------------

    struct Cost {
        double instructions = NAN;                   // callgrind's total
        std::map<std::string, double> system_calls;  // strace -c: calls by name
        double bytes = 0;
    };

    static Cost parse_cost(const std::string& file, bool callgrind) {
        Cost c;
        std::istringstream in(read_text_file(file));
        std::string line;
        while (std::getline(in, line)) {
            if (callgrind) {
                if (line.rfind("totals:", 0) == 0 || line.rfind("summary:", 0) == 0)
                    c.instructions = std::stod(line.substr(line.find(':') + 1));
                continue;
            }
            // % time  seconds  usecs/call  calls  [errors]  syscall
            std::istringstream f(line);
            std::vector<std::string> w;
            for (std::string t; f >> t;)
                w.push_back(t);
            if (w.size() < 5 || w.back() == "total" || w.back() == "syscall" ||
                !std::isdigit(static_cast<unsigned char>(w[3][0])))
                continue;
            c.system_calls[w.back()] += std::stod(w[3]);
        }
        if (callgrind && !std::isfinite(c.instructions)) fail("no totals in " + file);
        if (!callgrind && c.system_calls.empty()) fail("no system calls in " + file);
        return c;
    }

    // One bridge under valgrind or strace moving periods * kPeriod bytes (of the pattern without
    // '+') one way, or the 8-socket test (target nullptr; periods per socket).
    Cost cost_once(const Target* t, const std::string& direction, bool callgrind,
                   std::size_t periods) {
        const std::string dir = new_dir(std::string(callgrind ? "cg-" : "st-") +
                                        (t ? t->id : "wiz-8sock") + "-" + direction);
        const std::string file = dir + (callgrind ? "/callgrind.out" : "/strace.out");
        if (callgrind)
            wrap = {"valgrind", "--tool=callgrind", "--callgrind-out-file=" + file};
        else
            wrap = {"strace", "-f", "-c", "-o", file};
        const std::uint64_t n = static_cast<std::uint64_t>(periods) * kPeriod;
        double bytes = 0;
        try {
            if (t == nullptr) {
                eight_sockets(0, periods, false);
                bytes = 8.0 * static_cast<double>(n);
            } else {
                Session s = start_bridge(*t, dir);
                probe(s, t->id);
                const std::uint64_t up = direction == "t2s" ? 0 : n;
                const std::uint64_t down = direction == "s2t" ? 0 : n;
                transfer(s.child.pid, s.serial.get(), s.tcp.get(), up, down, opt.stall * 10,
                         t->id + " " + direction + " (cost)", plain_pattern());
                bytes = static_cast<double>(up + down);
                s.tcp.reset();
                s.child.stop();
            }
        } catch (...) {
            wrap.clear();
            throw;
        }
        wrap.clear();
        Cost c = parse_cost(file, callgrind);
        c.bytes = bytes;
        return c;
    }

    // Per MiB: the difference between a large and a small transfer over the difference in
    // bytes, so start-up and set-up cancel out.
    void measure_cost(const Target* t, const std::string& direction) {
        const std::string id = t ? t->id : "wiz-8sock";
        const double mib = 1024.0 * 1024;
        const auto periods = [&](std::uint64_t m) {
            const std::uint64_t bytes = m * 1024 * 1024 / (t ? 1 : 8);
            return static_cast<std::size_t>(std::max<std::uint64_t>(1, bytes / kPeriod));
        };
        std::fprintf(stderr, "cost: %s %s\n", id.c_str(), direction.c_str());
        for (const bool callgrind : {true, false}) {
            if (!callgrind && opt.callgrind_only) break;
            const Cost a = cost_once(t, direction, callgrind, periods(opt.cost_small_mib));
            const Cost b = cost_once(t, direction, callgrind, periods(opt.cost_large_mib));
            const double per = (b.bytes - a.bytes) / mib;
            if (callgrind) {
                results.add(1, id, "ir_" + direction + "_per_MiB",
                            (b.instructions - a.instructions) / per);
                continue;
            }
            double total = 0;
            for (const auto& [name, calls] : b.system_calls) {
                const auto it = a.system_calls.find(name);
                const double v =
                    std::max(0.0, (calls - (it == a.system_calls.end() ? 0 : it->second)) / per);
                total += v;
                if (v >= 0.5) results.add(1, id, "sys_" + direction + "_" + name + "_per_MiB", v);
            }
            results.add(1, id, "sys_" + direction + "_per_MiB", total);
        }
    }

    static bool have_program(const char* name) {
        return std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0;
    }

    void measure_costs() {
        if (!have_program("valgrind") || !have_program("strace")) {
            results.notes.push_back("valgrind or strace missing: no cost measurements");
            std::fprintf(stderr, "wizbench: valgrind or strace missing: no cost measurements\n");
            return;
        }
        for (const auto& t : targets())
            for (const char* d : {"s2t", "t2s", "both"})
                if (opt.cost_targets.empty() || opt.cost_targets.count(t.id))
                    if (opt.wants(d)) measure_cost(&t, d);
        if (opt.wants("cmd8") &&
            (opt.only_targets.empty() || opt.only_targets.count("wiz-8sock")) &&
            (opt.cost_targets.empty() || opt.cost_targets.count("wiz-8sock")))
            measure_cost(nullptr, "cmd8");
    }

    std::vector<Target> targets() const {
        std::vector<Target> out;
        for (const auto& t : all_targets()) {
            if (t.kind == Kind::socat && !opt.with_socat) continue;
            if ((t.kind == Kind::ser2net_default || t.kind == Kind::ser2net_64k) &&
                !opt.with_ser2net)
                continue;
            if (!opt.only_targets.empty() && !opt.only_targets.count(t.id)) continue;
            out.push_back(t);
        }
        return out;
    }

    void run() {
        for (int round = 1; round <= opt.rounds; ++round) {
            // Even rounds run the list backwards, so no bridge always comes first after a pause.
            auto list = targets();
            if (round % 2 == 0) std::reverse(list.begin(), list.end());
            for (const auto& t : list)
                run_target(round, t);
            if (opt.wants("cmd8") &&
                (opt.only_targets.empty() || opt.only_targets.count("wiz-8sock")))
                eight_sockets(round, opt.periods8);
        }
        if (opt.with_costs) measure_costs();
    }
};

// ---- the report ---------------------------------------------------------------------------------

struct Meta {
    std::vector<std::pair<std::string, std::string>> kv;
    void set(const std::string& k, const std::string& v) {
        for (auto& p : kv)
            if (p.first == k) {
                p.second = v;
                return;
            }
        kv.emplace_back(k, v);
    }
    std::string get(const std::string& k) const {
        for (const auto& p : kv)
            if (p.first == k) return p.second;
        return "";
    }
};

std::string first_line_matching(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.find(needle) != std::string::npos) return trim(line);
    return "";
}

Meta collect_meta(const Options& opt) {
    Meta m;
    const std::string cpuinfo = read_text_file("/proc/cpuinfo");
    std::string model = first_line_matching(cpuinfo, "model name");
    if (auto c = model.find(':'); c != std::string::npos) model = trim(model.substr(c + 1));
    m.set("cpu", model.empty() ? "unknown" : model);
    m.set("cores", std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)));
    utsname u{};
    ::uname(&u);
    m.set("kernel", std::string(u.sysname) + " " + u.release + " " + u.machine);
    std::string mem = first_line_matching(read_text_file("/proc/meminfo"), "MemTotal:");
    if (!mem.empty()) {
        const long kb = std::atol(mem.c_str() + 9);
        m.set("memory", format("%.1f GiB", static_cast<double>(kb) / 1024 / 1024));
    }
    std::string os = first_line_matching(read_text_file("/etc/os-release"), "PRETTY_NAME=");
    if (!os.empty()) {
        os = os.substr(12);
        os.erase(std::remove(os.begin(), os.end(), '"'), os.end());
        m.set("os", os);
    }
    m.set("wizfi250d", trim(run_capture("'" + opt.daemon + "' --version")));
    if (opt.with_socat) {
        std::string v = first_line_matching(run_capture(opt.socat + " -V"), "socat version");
        if (auto at = v.find(" on "); at != std::string::npos) v = v.substr(0, at);
        m.set("socat", v);
    }
    if (opt.with_ser2net) m.set("ser2net", trim(run_capture(opt.ser2net + " -v")));
    if (!opt.git.empty()) m.set("commit", opt.git);
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    m.set("date", date);
    m.set("load_before", trim(read_text_file("/proc/loadavg")));
    return m;
}

struct Report {
    const Options& opt;
    const Results& res;
    const Meta& meta;
    std::vector<std::string> target_ids;  // data-mode targets present
    std::string md;

    bool have(const std::string& id) const { return res.has(id); }

    double med(const std::string& id, const std::string& metric) const {
        return median(res.values(id, metric));
    }
    std::pair<double, double> range(const std::string& id, const std::string& metric) const {
        auto v = res.values(id, metric);
        if (v.empty()) return {NAN, NAN};
        return {*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
    }
    // Median over rounds of (a / b), a and b from the same round.
    double ratio(const std::string& a, const std::string& ma, const std::string& b,
                 const std::string& mb) const {
        std::vector<double> r;
        for (int round = 1; round <= opt.rounds; ++round) {
            const double x = res.value(round, a, ma);
            const double y = res.value(round, b, mb);
            if (std::isfinite(x) && std::isfinite(y) && y != 0) r.push_back(x / y);
        }
        return median(r);
    }
    // Median over rounds of a / min(b over the given ids) in the same round.
    double ratio_to_best(const std::string& a, const std::string& metric,
                         const std::vector<std::string>& peers) const {
        std::vector<double> r;
        for (int round = 1; round <= opt.rounds; ++round) {
            const double x = res.value(round, a, metric);
            double best = NAN;
            for (const auto& p : peers) {
                const double y = res.value(round, p, metric);
                if (std::isfinite(y) && (!std::isfinite(best) || y < best)) best = y;
            }
            if (std::isfinite(x) && std::isfinite(best) && best != 0) r.push_back(x / best);
        }
        return median(r);
    }

    static std::string num(double v, int decimals = 1) {
        if (!std::isfinite(v)) return "–";
        return format("%.*f", decimals, v);
    }
    static std::string us(double v) {
        if (!std::isfinite(v)) return "–";
        if (v >= 10000) return format("%.1f ms", v / 1000);
        if (v >= 1000) return format("%.2f ms", v / 1000);
        return format("%.0f µs", v);
    }
    static std::string mb(double kb) {
        if (!std::isfinite(kb)) return "–";
        return format("%.1f MB", kb * 1024 / 1e6);
    }
    static std::string x(double r) {
        if (!std::isfinite(r)) return "–";
        return format("%.2f×", r);
    }

    std::string label(const std::string& id) const {
        for (const auto& t : all_targets())
            if (t.id == id) return t.label;
        if (id == "wiz-8sock") return "wizfi250d, command mode, 8 sockets";
        return id;
    }

    void line(const std::string& s = "") { md += s + "\n"; }

    void build() {
        for (const auto& t : all_targets())
            if (have(t.id)) target_ids.push_back(t.id);
        const std::string n_bytes =
            format("%.1f MB", static_cast<double>(opt.periods * kPeriod) / 1e6);

        line("# Benchmarks: wizfi250d against socat and ser2net");
        line();
        line("Written by `bench/run.sh`" +
             std::string(opt.smoke ? " --smoke (tiny transfers; numbers mean nothing)" : "") +
             " on " + meta.get("date") +
             ". Do not edit by hand: run the script again "
             "(the analysis at the end comes from `bench/analysis.md`).");
        line();
        line(
            "Every bridge joins a pseudo-terminal to a TCP connection on 127.0.0.1. The "
            "measurement client (`bench/wizbench.cpp`, one thread, `poll`, 64 KiB writes, "
            "256 KiB reads, every byte checked) plays the host on the serial side and the peer on "
            "the TCP side. " +
            std::to_string(opt.rounds) +
            " rounds; in each round every bridge runs the whole set of tests back to back "
            "(even rounds in reverse order), and each ratio is the median over rounds of the "
            "ratio taken within one round. Numbers are medians over rounds, with the range "
            "[min–max] where it matters. Nothing is pinned to a CPU.");
        line();
        line("## Machine");
        line();
        line("| | |");
        line("|---|---|");
        for (const char* k : {"cpu", "cores", "memory", "kernel", "os", "wizfi250d", "socat",
                              "ser2net", "commit", "date", "load_before", "load_after"}) {
            const std::string v = meta.get(k);
            if (v.empty()) continue;
            std::string name = k;
            if (name == "load_before") name = "load average before (1/5/15 min)";
            if (name == "load_after") name = "load average after";
            if (name == "commit") name = "wizfi250d commit";
            line("| " + name + " | " + v + " |");
        }
        line();
        line("## What runs");
        line();
        line("| name | command | the TCP side |");
        line("|---|---|---|");
        line(
            "| wizfi250d, data_flush = timer | `wizfi250d --config C --serial pty:L --state-dir S "
            "--interface lo`, C = `data_flush = timer` (the module's behaviour: a packet leaves at "
            "1461 bytes or 100 ms after the data stopped), then `AT+WJOIN`, "
            "`AT+SCON=O,TCN,127.0.0.1,<port>,,1` | the daemon connects to the client |");
        line(
            "| wizfi250d, data_flush = immediate | the same with `data_flush = immediate` (a "
            "packet leaves as soon as a serial read is consumed: low latency) | the same |");
        line(
            "| socat | `socat pty,raw,echo=0,link=L tcp:127.0.0.1:<port>` (defaults: 8 KiB "
            "buffer) | socat connects to the client |");
        line(
            "| ser2net, defaults | `ser2net -n -u -c F`, F: `accepter: tcp,127.0.0.1,<port>`, "
            "`connector: serialdev,<pty>,115200n81,local` (defaults: 64-byte buffers, chardelay "
            "on) | the client connects to ser2net |");
        line(
            "| ser2net, 64 KiB buffers, chardelay off | the same plus `dev-to-net-bufsize: 65536`, "
            "`net-to-dev-bufsize: 65536`, `chardelay: false` | the same |");
        line();
        line(
            "socat and wizfi250d hold the pty master and the client opens the slave; ser2net "
            "opens a device, so the client makes the pty, keeps the master and gives ser2net the "
            "slave. The client sets `TCP_NODELAY` on its own sockets (wizfi250d sets it on its "
            "sockets; socat and ser2net keep their defaults).");
        line();

        // ---- headline: goals
        line("## Goals");
        line();
        goals();
        line();

        // ---- throughput
        line("## Data-mode throughput");
        line();
        line("MB/s (10^6 bytes per second) of payload, " + n_bytes +
             " each way per test, pseudo-random bytes (all 256 values, so the daemon's `+++` "
             "check sees `+`). \"both\" counts the bytes of both directions together. The "
             "transfer is a whole number of 1461-byte packets, so in timer mode the last packet "
             "does not wait for the 100 ms timer.");
        line();
        line("| bridge | serial→TCP | TCP→serial | both at once |");
        line("|---|---|---|---|");
        for (const auto& id : target_ids) {
            std::string row = "| " + label(id) + " |";
            for (const char* d : {"s2t", "t2s", "both"}) {
                const std::string m = std::string("tput_") + d + "_MBps";
                const auto r = range(id, m);
                row +=
                    " **" + num(med(id, m)) + "** [" + num(r.first) + "–" + num(r.second) + "] |";
            }
            line(row);
        }
        line();
        if (!opt.smoke) line("![throughput](benchmarks/throughput.png)");
        line();

        // ---- latency
        line("## Round trip of 32-byte writes");
        line();
        line(
            "The host writes 32 bytes on the serial line, the TCP peer echoes them, the clock "
            "stops when the 32nd byte is back on the serial side (serial→TCP→serial through the "
            "bridge twice). Up to " +
            std::to_string(opt.lat_samples) + " round trips per bridge and round, at most " +
            num(opt.lat_budget, 0) +
            " s (the timer mode fits about 60 in that), after a warm-up. Median over rounds of "
            "each round's p50 and p99.");
        line();
        line("| bridge | p50 | p99 | samples per round |");
        line("|---|---|---|---|");
        for (const auto& id : target_ids)
            line("| " + label(id) + " | " + us(med(id, "lat32_p50_us")) + " | " +
                 us(med(id, "lat32_p99_us")) + " | " + num(med(id, "lat32_n"), 0) + " |");
        line();
        if (!opt.smoke) line("![latency](benchmarks/latency.png)");
        line();

        // ---- AT
        line("## `AT\\r` → `[OK]` round trip");
        line();
        line(
            "wizfi250d in command mode (echo on, as the module starts): the host writes `AT\\r` "
            "and the clock stops when `[OK]\\r\\n` has arrived (the echo `AT\\r\\n` comes first). "
            "Next to it, right after it in the same round, a raw pty echo loop: a process that "
            "holds a pty master and writes back what it reads, the floor for any program behind "
            "a pty; the host writes the same `AT\\r` and waits for the 3 bytes back.");
        line();
        line("| | p50 | p99 |");
        line("|---|---|---|");
        line("| wizfi250d `AT\\r` → `[OK]` | " + us(med("wiz-command", "at_p50_us")) + " | " +
             us(med("wiz-command", "at_p99_us")) + " |");
        line("| raw pty echo loop | " + us(med("pty-echo", "at_p50_us")) + " | " +
             us(med("pty-echo", "at_p99_us")) + " |");
        line("| ratio (per round, median) | " +
             x(ratio("wiz-command", "at_p50_us", "pty-echo", "at_p50_us")) + " | " +
             x(ratio("wiz-command", "at_p99_us", "pty-echo", "at_p99_us")) + " |");
        line();

        // ---- 8 sockets
        line("## Command-mode receive, 8 sockets at once (wizfi250d only)");
        line();
        line(
            format("Eight `AT+SCON=O,TCN,127.0.0.1,<port>,,0` sockets to eight local peers; all "
                   "eight send %.1f MB at once; the client parses every "
                   "`{cid,ip,port,len}payload\\r\\n` frame on the serial side and checks each "
                   "socket's bytes. socat and ser2net have no equivalent (one connection per "
                   "port, no framing).",
                   static_cast<double>(opt.periods8 * kPeriod) / 1e6));
        line();
        line(
            "| payload MB/s | serial MB/s (with headers) | payload bytes per frame | CPU s per "
            "GiB | RSS idle | RSS under load |");
        line("|---|---|---|---|---|---|");
        line("| **" + num(med("wiz-8sock", "cmd8_MBps")) + "** | " +
             num(med("wiz-8sock", "cmd8_serial_MBps")) + " | " +
             num(med("wiz-8sock", "cmd8_frame_bytes"), 0) + " | " +
             num(med("wiz-8sock", "cmd8_cpu_s_per_GiB"), 2) + " | " +
             mb(med("wiz-8sock", "rss_idle_kb")) + " | " + mb(med("wiz-8sock", "rss_load_kb")) +
             " |");
        line();

        // ---- memory, CPU, startup
        line("## Memory, CPU, start-up");
        line();
        line(
            "RSS idle: `VmRSS` after the connection is up and quiet; of which anonymous: "
            "`RssAnon` (heap, stacks: the memory that is the bridge's own; the rest is pages of "
            "the binary and shared libraries). PSS: `Pss` of `/proc/<pid>/smaps_rollup` (shared "
            "library pages divided among the processes that map them), idle and right after the "
            "transfers. Under load: the highest "
            "`VmRSS` sampled every 20 ms during the transfers. Peak: `VmHWM` at the end. CPU: "
            "`utime + stime` of the bridge from `/proc/<pid>/stat` over the three transfers, per "
            "GiB moved (the client's own CPU for comparison). Start: from `fork` to READY=1 on "
            "`NOTIFY_SOCKET` (wizfi250d), to the pty link existing (socat), to the TCP port "
            "accepting (ser2net).");
        line();
        line(
            "| bridge | RSS idle | of which anonymous | PSS idle | RSS under load | PSS after "
            "load | peak (VmHWM) | CPU s per GiB | client CPU s per GiB | start |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (const auto& id : target_ids)
            line("| " + label(id) + " | " + mb(med(id, "rss_idle_kb")) + " | " +
                 mb(med(id, "anon_idle_kb")) + " | " + mb(med(id, "pss_idle_kb")) + " | " +
                 mb(med(id, "rss_load_kb")) + " | " + mb(med(id, "pss_load_kb")) + " | " +
                 mb(med(id, "hwm_kb")) + " | " + num(med(id, "cpu_all_s_per_GiB"), 2) + " | " +
                 num(med(id, "client_cpu_s_per_GiB"), 2) + " | " + num(med(id, "startup_ms"), 1) +
                 " ms |");
        line();
        line("CPU per direction (s per GiB):");
        line();
        line("| bridge | serial→TCP | TCP→serial | both |");
        line("|---|---|---|---|");
        for (const auto& id : target_ids)
            line("| " + label(id) + " | " + num(med(id, "cpu_s2t_s_per_GiB"), 2) + " | " +
                 num(med(id, "cpu_t2s_s_per_GiB"), 2) + " | " +
                 num(med(id, "cpu_both_s_per_GiB"), 2) + " |");
        line();

        // ---- costs
        costs();

        // ---- ratios
        line("## Ratios, wizfi250d / peer");
        line();
        line(
            "Each cell is the median over rounds of the ratio within a round. Throughput: "
            "higher is better for wizfi250d; latency, memory, CPU, start: lower is better.");
        line();
        for (const char* mode : {"wiz-timer", "wiz-immediate"}) {
            if (!have(mode)) continue;
            line("**" + label(mode) + "**");
            line();
            line(
                "| peer | serial→TCP | TCP→serial | both | 32 B p50 | 32 B p99 | RSS idle | peak "
                "RSS | CPU/GiB | start |");
            line("|---|---|---|---|---|---|---|---|---|---|");
            for (const auto& peer : target_ids) {
                if (peer.rfind("wiz-", 0) == 0) continue;
                line("| " + label(peer) + " | " +
                     x(ratio(mode, "tput_s2t_MBps", peer, "tput_s2t_MBps")) + " | " +
                     x(ratio(mode, "tput_t2s_MBps", peer, "tput_t2s_MBps")) + " | " +
                     x(ratio(mode, "tput_both_MBps", peer, "tput_both_MBps")) + " | " +
                     x(ratio(mode, "lat32_p50_us", peer, "lat32_p50_us")) + " | " +
                     x(ratio(mode, "lat32_p99_us", peer, "lat32_p99_us")) + " | " +
                     x(ratio(mode, "rss_idle_kb", peer, "rss_idle_kb")) + " | " +
                     x(ratio(mode, "hwm_kb", peer, "hwm_kb")) + " | " +
                     x(ratio(mode, "cpu_all_s_per_GiB", peer, "cpu_all_s_per_GiB")) + " | " +
                     x(ratio(mode, "startup_ms", peer, "startup_ms")) + " |");
            }
            line();
        }

        line("## Run it");
        line();
        line("```sh");
        line(
            "bench/run.sh            # builds build-release/, runs everything, rewrites this file "
            "and docs/benchmarks/*.png");
        line(
            "bench/run.sh --smoke    # seconds, tiny transfers, into a temporary directory; for "
            "CI");
        line(
            "bench/run.sh --smoke --binary build/wizfi250d   # the same without building "
            "build-release/");
        line(
            "bench/run.sh --report-only   # this file and the plots again from the last run's "
            "results");
        line("```");
        line();
        line(
            "Needs `socat`, `ser2net` and `python3-matplotlib` (Debian packages) for the full "
            "run; raw data of this run: `results.tsv` (per round), `samples.tsv` (every latency "
            "sample) in the output directory the script prints.");
        line();
    }

    static std::string direction_name(const std::string& d) {
        return d == "s2t" ? "serial→TCP" : d == "t2s" ? "TCP→serial" : "both";
    }

    static std::string count(double v) {
        if (!std::isfinite(v)) return "–";
        if (v >= 1e6) return format("%.2f M", v / 1e6);
        if (v >= 1e4) return format("%.0f k", v / 1e3);
        return format("%.0f", v);
    }

    std::vector<std::string> syscall_names(const std::string& direction) const {
        std::set<std::string> names;
        const std::string prefix = "sys_" + direction + "_";
        for (const auto& r : res.records)
            if (r.metric.rfind(prefix, 0) == 0 && r.metric != prefix + "per_MiB")
                names.insert(r.metric.substr(prefix.size(),
                                             r.metric.size() - prefix.size() - 8));  // _per_MiB
        return {names.begin(), names.end()};
    }

    void costs() {
        bool any = false;
        for (const auto& id : target_ids)
            any = any || std::isfinite(med(id, "ir_s2t_per_MiB"));
        if (!any) return;
        line("## Cost per MiB: instructions and system calls");
        line();
        line(format(
            "Counts, not timings, so they do not depend on how loaded the machine is. Each bridge "
            "runs under `valgrind --tool=callgrind` (user-space instructions of the bridge "
            "process), then under `strace -f -c` (system calls), and moves %llu MiB and %llu MiB "
            "one way, or that much each way at once for \"both\" (64 KiB writes, the payload "
            "without `+`, as bulk data without the escape character); the figure is the "
            "difference over the difference in MiB moved, so start-up and set-up cancel out. One "
            "run each (a count varies only with how the kernel cuts reads and writes).",
            static_cast<unsigned long long>(opt.cost_small_mib),
            static_cast<unsigned long long>(opt.cost_large_mib)));
        line();
        line(
            "| bridge | instructions serial→TCP | TCP→serial | both | system calls serial→TCP "
            "| TCP→serial | both |");
        line("|---|---|---|---|---|---|---|");
        for (const auto& id : target_ids) {
            std::string row = "| " + label(id) + " |";
            for (const char* what : {"ir", "sys"})
                for (const char* d : {"s2t", "t2s", "both"})
                    row += " " + count(med(id, std::string(what) + "_" + d + "_per_MiB")) + " |";
            line(row);
        }
        if (have("wiz-8sock") && std::isfinite(med("wiz-8sock", "ir_cmd8_per_MiB")))
            line("| " + label("wiz-8sock") + " | | " + count(med("wiz-8sock", "ir_cmd8_per_MiB")) +
                 " (frames) | | | " + count(med("wiz-8sock", "sys_cmd8_per_MiB")) + " | |");
        line();
        for (const char* d : {"s2t", "t2s", "both"}) {
            const auto names = syscall_names(d);
            if (names.empty()) continue;
            line(std::string("System calls per MiB by name, ") + direction_name(d) + ":");
            line();
            std::string head = "| bridge |", rule = "|---|";
            for (const auto& n : names)
                head += " " + n + " |", rule += "---|";
            line(head);
            line(rule);
            for (const auto& id : target_ids) {
                std::string row = "| " + label(id) + " |";
                for (const auto& n : names) {
                    const double v = med(id, std::string("sys_") + d + "_" + n + "_per_MiB");
                    row += " " + (std::isfinite(v) ? count(v) : std::string("0")) + " |";
                }
                line(row);
            }
            line();
        }
    }

    struct Goal {
        std::string text;
        std::string measured;
        bool met;
        bool known;
    };

    void goals() {
        std::vector<Goal> g;
        const bool socat = have("socat");
        const std::vector<std::string> s2n = [&] {
            std::vector<std::string> v;
            for (const char* id : {"ser2net-default", "ser2net-64k"})
                if (have(id)) v.push_back(id);
            return v;
        }();
        // 1. throughput >= socat in each direction
        for (const char* mode : {"wiz-timer", "wiz-immediate"}) {
            if (!have(mode) || !socat) continue;
            std::string m;
            bool ok = true;
            for (const char* d : {"s2t", "t2s", "both"}) {
                const std::string metric = std::string("tput_") + d + "_MBps";
                const double r = ratio(mode, metric, "socat", metric);
                ok = ok && r >= 1.0;
                m += std::string(m.empty() ? "" : ", ") + direction_name(d) + " " + x(r);
            }
            g.push_back(
                {"Throughput at least socat's each way and both at once (" + label(mode) + ")", m,
                 ok, true});
        }
        // 2. p99 <= ser2net's best
        if (!s2n.empty()) {
            // The timer mode waits 100 ms by design (the module's behaviour): the goal is for
            // the low-latency mode.
            for (const char* mode : {"wiz-immediate"}) {
                if (!have(mode)) continue;
                const double r = ratio_to_best(mode, "lat32_p99_us", s2n);
                g.push_back(
                    {"32-byte round trip p99 at most ser2net's best setting (" + label(mode) + ")",
                     us(med(mode, "lat32_p99_us")) + " vs " +
                         [&] {
                             std::string best;
                             double bv = NAN;
                             for (const auto& id : s2n) {
                                 const double v = med(id, "lat32_p99_us");
                                 if (!std::isfinite(bv) || v < bv) bv = v, best = id;
                             }
                             return us(bv) + " (" + label(best) + ")";
                         }() +
                         "; ratio " + x(r),
                     r <= 1.0, std::isfinite(r)});
            }
        }
        // Counts: instructions and system calls per MiB at most socat's, each direction.
        if (socat && std::isfinite(med("socat", "ir_s2t_per_MiB"))) {
            for (const char* mode : {"wiz-timer", "wiz-immediate"}) {
                if (!have(mode)) continue;
                for (const char* what : {"ir", "sys"}) {
                    std::string m;
                    bool ok = true, known = true;
                    for (const char* d : {"s2t", "t2s", "both"}) {
                        const std::string metric = std::string(what) + "_" + d + "_per_MiB";
                        const double r = med(mode, metric) / med("socat", metric);
                        // Runs from before "both" was counted have no figure for it.
                        if (std::string(d) == "both" && !std::isfinite(r)) continue;
                        ok = ok && r <= 1.0;
                        known = known && std::isfinite(r);
                        m += std::string(m.empty() ? "" : ", ") + direction_name(d) + " " +
                             count(med(mode, metric)) + " vs " + count(med("socat", metric)) +
                             " (" + x(r) + ")";
                    }
                    g.push_back(
                        {std::string(std::string(what) == "ir" ? "User-space instructions per MiB"
                                                               : "System calls per MiB") +
                             " at most socat's (" + label(mode) + ")",
                         m, ok, known});
                }
            }
            const double cmd8 = med("wiz-8sock", "ir_cmd8_per_MiB");
            const double ref = med("socat", "ir_t2s_per_MiB");
            g.push_back(
                {"Command-mode receive, 8 sockets: instructions per MiB at most 2× socat's "
                 "data-mode TCP→serial",
                 count(cmd8) + " vs " + count(ref) + " (" + x(cmd8 / ref) + ")", cmd8 / ref <= 2.0,
                 std::isfinite(cmd8 / ref)});
        }
        // 3. AT within 2x the pty echo loop
        {
            const double r50 = ratio("wiz-command", "at_p50_us", "pty-echo", "at_p50_us");
            const double r99 = ratio("wiz-command", "at_p99_us", "pty-echo", "at_p99_us");
            g.push_back({"`AT` round trip within 2× a raw pty echo loop (p50)",
                         us(med("wiz-command", "at_p50_us")) + " vs " +
                             us(med("pty-echo", "at_p50_us")) + ": " + x(r50) + " (p99: " + x(r99) +
                             ")",
                         r50 <= 2.0, std::isfinite(r50)});
        }
        // 4. RSS <= socat
        if (socat) {
            for (const char* mode : {"wiz-timer", "wiz-immediate"}) {
                if (!have(mode)) continue;
                const double ri = ratio(mode, "rss_idle_kb", "socat", "rss_idle_kb");
                const double rp = ratio(mode, "hwm_kb", "socat", "hwm_kb");
                const double pi = ratio(mode, "pss_idle_kb", "socat", "pss_idle_kb");
                const double pl = ratio(mode, "pss_load_kb", "socat", "pss_load_kb");
                g.push_back({"PSS at most socat's, idle and after load (" + label(mode) + ")",
                             mb(med(mode, "pss_idle_kb")) + " / " + mb(med(mode, "pss_load_kb")) +
                                 " vs " + mb(med("socat", "pss_idle_kb")) + " / " +
                                 mb(med("socat", "pss_load_kb")) + ": " + x(pi) + " / " + x(pl),
                             pi <= 1.0 && pl <= 1.0, std::isfinite(pi) && std::isfinite(pl)});
                g.push_back({"RSS at most socat's, idle and peak (" + label(mode) + ")",
                             mb(med(mode, "rss_idle_kb")) + " / " + mb(med(mode, "hwm_kb")) +
                                 " vs " + mb(med("socat", "rss_idle_kb")) + " / " +
                                 mb(med("socat", "hwm_kb")) + ": " + x(ri) + " / " + x(rp),
                             ri <= 1.0 && rp <= 1.0, std::isfinite(ri) && std::isfinite(rp)});
            }
        }
        line(
            "Ratios are wizfi250d / peer, the median over rounds of the ratio within a round. The "
            "latency goal is for `data_flush = immediate`: in timer mode the daemon waits 100 ms "
            "before it sends a short write, as the module does.");
        line();
        line("| goal | measured (ratios: median over rounds) | |");
        line("|---|---|---|");
        for (const auto& goal : g)
            line("| " + goal.text + " | " + goal.measured + " | " +
                 (!goal.known ? "–"
                  : goal.met  ? "**met**"
                              : "**missed**") +
                 " |");
    }
};

// ---- files --------------------------------------------------------------------------------------

void write_results(const std::string& out, const Results& res, const Meta& meta) {
    std::ostringstream r;
    r << "round\ttarget\tmetric\tvalue\n";
    for (const auto& rec : res.records)
        r << rec.round << '\t' << rec.target << '\t' << rec.metric << '\t'
          << format("%.6g", rec.value) << '\n';
    write_text_file(out + "/results.tsv", r.str());
    std::ostringstream s;
    s << "round\ttarget\tkind\tus\n";
    for (const auto& [round, target, kind, v] : res.sample_rows)
        s << round << '\t' << target << '\t' << kind << '\t' << format("%.2f", v) << '\n';
    write_text_file(out + "/samples.tsv", s.str());
    std::ostringstream m;
    for (const auto& [k, v] : meta.kv)
        m << k << '\t' << v << '\n';
    write_text_file(out + "/meta.tsv", m.str());
}

// The parse check of --smoke: every file there, every row well formed, every expected metric
// present and finite.
int check(const std::string& dir) {
    int problems = 0;
    auto complain = [&](const std::string& what) {
        std::fprintf(stderr, "check: %s\n", what.c_str());
        ++problems;
    };
    std::set<std::pair<std::string, std::string>> seen;
    std::set<std::string> targets;
    {
        std::ifstream in(dir + "/results.tsv");
        std::string line;
        if (!std::getline(in, line) || line != "round\ttarget\tmetric\tvalue")
            complain("results.tsv: missing or bad header");
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            std::istringstream f(line);
            std::string round, target, metric, value;
            if (!std::getline(f, round, '\t') || !std::getline(f, target, '\t') ||
                !std::getline(f, metric, '\t') || !std::getline(f, value, '\t')) {
                complain("results.tsv line " + std::to_string(n) + ": not 4 fields");
                continue;
            }
            char* end = nullptr;
            const double v = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0' || !std::isfinite(v) || v < 0)
                complain("results.tsv line " + std::to_string(n) + ": bad value " + value);
            seen.insert({target, metric});
            targets.insert(target);
        }
    }
    std::vector<std::pair<std::string, std::string>> want = {
        {"wiz-command", "at_p50_us"}, {"wiz-command", "at_p99_us"}, {"pty-echo", "at_p50_us"},
        {"wiz-8sock", "cmd8_MBps"},   {"wiz-8sock", "hwm_kb"},
    };
    for (const char* t :
         {"wiz-timer", "wiz-immediate", "socat", "ser2net-default", "ser2net-64k"}) {
        if (std::string(t).rfind("wiz-", 0) != 0 && !targets.count(t)) continue;  // skipped peer
        for (const char* m :
             {"startup_ms", "rss_idle_kb", "lat32_p50_us", "lat32_p99_us", "tput_s2t_MBps",
              "tput_t2s_MBps", "tput_both_MBps", "cpu_all_s_per_GiB", "rss_load_kb", "hwm_kb"})
            want.emplace_back(t, m);
    }
    for (const auto& w : want)
        if (!seen.count(w)) complain("results.tsv: no " + w.first + " " + w.second);
    {
        std::ifstream in(dir + "/samples.tsv");
        std::string line;
        std::size_t rows = 0;
        std::getline(in, line);
        while (std::getline(in, line)) {
            double v = 0;
            char target[64], kind[32];
            int round = 0;
            if (std::sscanf(line.c_str(), "%d\t%63[^\t]\t%31[^\t]\t%lf", &round, target, kind,
                            &v) != 4 ||
                !(v > 0))
                complain("samples.tsv: bad row " + line);
            ++rows;
        }
        if (rows == 0) complain("samples.tsv: no samples");
    }
    const std::string md = read_text_file(dir + "/benchmarks.md");
    for (const char* must : {"## Goals", "## Data-mode throughput",
                             "## Round trip of 32-byte writes", "## Ratios", "| cpu |"})
        if (md.find(must) == std::string::npos)
            complain(std::string("benchmarks.md: no \"") + must + "\"");
    if (md.find("nan") != std::string::npos) complain("benchmarks.md: contains nan");
    std::fprintf(stderr, "check: %s: %s\n", dir.c_str(), problems ? "FAILED" : "ok");
    return problems ? 1 : 0;
}

void write_report(const Options& opt, const Results& results, const Meta& meta,
                  const std::string& append) {
    Report report{opt, results, meta, {}, {}};
    report.build();
    std::string md = report.md;
    if (!append.empty()) md += read_text_file(append);
    write_text_file(opt.out + "/benchmarks.md", md);
    std::fprintf(stderr, "wizbench: wrote %s/benchmarks.md\n", opt.out.c_str());
}

// benchmarks.md again from the results of an earlier run (after editing bench/analysis.md).
int report_only(const std::string& dir, const std::string& append) {
    Meta meta;
    {
        std::ifstream in(dir + "/meta.tsv");
        std::string line;
        while (std::getline(in, line)) {
            const auto tab = line.find('\t');
            if (tab != std::string::npos) meta.set(line.substr(0, tab), line.substr(tab + 1));
        }
    }
    if (meta.get("opt_rounds").empty()) {
        std::fprintf(stderr, "wizbench: %s/meta.tsv has no run options\n", dir.c_str());
        return 1;
    }
    Options opt;
    opt.out = dir;
    opt.rounds = std::stoi(meta.get("opt_rounds"));
    opt.periods = std::stoul(meta.get("opt_periods"));
    opt.periods8 = std::stoul(meta.get("opt_periods8"));
    opt.lat_samples = std::stoi(meta.get("opt_lat_samples"));
    opt.lat_budget = std::stod(meta.get("opt_lat_budget"));
    opt.smoke = meta.get("opt_smoke") == "1";
    if (const std::string mib = meta.get("opt_cost_mib"); !mib.empty()) {
        opt.cost_small_mib = std::stoull(mib);
        opt.cost_large_mib = std::stoull(mib.substr(mib.find(',') + 1));
    }
    Results results;
    std::ifstream in(dir + "/results.tsv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string round, target, metric, value;
        if (std::getline(f, round, '\t') && std::getline(f, target, '\t') &&
            std::getline(f, metric, '\t') && std::getline(f, value, '\t'))
            results.records.push_back({std::stoi(round), target, metric, std::stod(value)});
    }
    write_report(opt, results, meta, append);
    return 0;
}

int usage() {
    std::fprintf(
        stderr,
        "usage: wizbench run --daemon PATH --out DIR [--smoke] [--rounds N]\n"
        "                    [--periods N] [--periods8 N] [--lat-samples N]\n"
        "                    [--lat-budget S] [--at-samples N] [--no-socat] "
        "[--no-ser2net]\n"
        "                    [--socat PATH] [--ser2net PATH] [--git TEXT] [--append FILE]\n"
        "                    [--targets wiz-timer,wiz-immediate,socat,ser2net-default,\n"
        "                               ser2net-64k,wiz-8sock] [--tests at,lat,s2t,t2s,both,cmd8]\n"
        "                    [--no-costs] [--cost-mib SMALL,LARGE] [--cost-targets ...]\n"
        "       wizbench cost --daemon PATH --out DIR [--targets ...] [--tests s2t,t2s,cmd8]\n"
        "                    [--cost-mib SMALL,LARGE] [--callgrind-only]\n"
        "                    (callgrind and strace figures per MiB)\n"
        "       wizbench report DIR [--append FILE]   (benchmarks.md again from DIR)\n"
        "       wizbench check DIR\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string cmd = argv[1];
    if (cmd == "check") {
        if (argc != 3) return usage();
        return check(argv[2]);
    }
    if (cmd == "report") {
        if (argc == 3) return report_only(argv[2], "");
        if (argc == 5 && std::string(argv[3]) == "--append") return report_only(argv[2], argv[4]);
        return usage();
    }
    if (cmd != "run" && cmd != "cost") return usage();
    const bool costs_only = cmd == "cost";
    Options opt;
    std::string append;
    std::vector<std::string> args(argv + 2, argv + argc);
    bool smoke = std::find(args.begin(), args.end(), "--smoke") != args.end();
    if (smoke) {
        opt.smoke = true;
        opt.rounds = 1;
        opt.periods = 4;
        opt.periods8 = 1;
        opt.lat_samples = 30;
        opt.lat_budget = 1.0;
        opt.at_samples = 30;
        opt.warmup = 3;
        opt.settle = std::chrono::milliseconds(100);
        opt.with_costs =
            false;  // minutes under valgrind; scripts/check-datapath-cost.sh has its own
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                usage();
                std::exit(2);
            }
            return args[++i];
        };
        if (a == "--smoke")
            continue;
        else if (a == "--daemon")
            opt.daemon = next();
        else if (a == "--out")
            opt.out = next();
        else if (a == "--rounds")
            opt.rounds = std::stoi(next());
        else if (a == "--periods")
            opt.periods = std::stoul(next());
        else if (a == "--periods8")
            opt.periods8 = std::stoul(next());
        else if (a == "--lat-samples")
            opt.lat_samples = std::stoi(next());
        else if (a == "--lat-budget")
            opt.lat_budget = std::stod(next());
        else if (a == "--at-samples")
            opt.at_samples = std::stoi(next());
        else if (a == "--no-socat")
            opt.with_socat = false;
        else if (a == "--no-ser2net")
            opt.with_ser2net = false;
        else if (a == "--callgrind-only")
            opt.callgrind_only = true;
        else if (a == "--no-costs")
            opt.with_costs = false;
        else if (a == "--cost-mib") {
            const std::string v = next();
            opt.cost_small_mib = std::stoull(v);
            opt.cost_large_mib = std::stoull(v.substr(v.find(',') + 1));
        } else if (a == "--socat")
            opt.socat = next();
        else if (a == "--ser2net")
            opt.ser2net = next();
        else if (a == "--git")
            opt.git = next();
        else if (a == "--append")
            append = next();
        else if (a == "--targets" || a == "--tests" || a == "--cost-targets") {
            std::istringstream list(next());
            std::string item;
            while (std::getline(list, item, ','))
                (a == "--targets" ? opt.only_targets
                 : a == "--tests" ? opt.only_tests
                                  : opt.cost_targets)
                    .insert(item);
        } else
            return usage();
    }
    if (opt.daemon.empty() || opt.out.empty() || opt.rounds < 1) return usage();
    ::signal(SIGPIPE, SIG_IGN);

    if (costs_only) {
        // For scripts: "target metric value" lines on stdout, nothing written to --out but the
        // scratch directory.
        Bench bench;
        bench.opt = opt;
        bench.work = opt.out + "/work";
        ::mkdir(opt.out.c_str(), 0755);
        ::mkdir(bench.work.c_str(), 0700);
        try {
            bench.measure_costs();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "wizbench: FAILED: %s (logs under %s)\n", e.what(),
                         bench.work.c_str());
            return 1;
        }
        for (const auto& r : bench.results.records)
            std::printf("%s %s %.0f\n", r.target.c_str(), r.metric.c_str(), r.value);
        return 0;
    }

    Bench bench;
    bench.opt = opt;
    bench.work = opt.out + "/work";
    ::mkdir(opt.out.c_str(), 0755);
    if (::mkdir(bench.work.c_str(), 0700) != 0 && errno != EEXIST) {
        std::perror("mkdir work");
        return 1;
    }
    Meta meta = collect_meta(opt);
    meta.set("opt_rounds", std::to_string(opt.rounds));
    meta.set("opt_periods", std::to_string(opt.periods));
    meta.set("opt_periods8", std::to_string(opt.periods8));
    meta.set("opt_lat_samples", std::to_string(opt.lat_samples));
    meta.set("opt_lat_budget", format("%g", opt.lat_budget));
    meta.set("opt_smoke", opt.smoke ? "1" : "0");
    meta.set("opt_cost_mib",
             format("%llu,%llu", static_cast<unsigned long long>(opt.cost_small_mib),
                    static_cast<unsigned long long>(opt.cost_large_mib)));
    int status = 0;
    try {
        bench.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "wizbench: FAILED: %s\n", e.what());
        std::fprintf(stderr, "wizbench: logs are under %s\n", bench.work.c_str());
        status = 1;
    }
    meta.set("load_after", trim(read_text_file("/proc/loadavg")));
    write_results(opt.out, bench.results, meta);
    if (status != 0) return status;
    write_report(opt, bench.results, meta, append);
    return 0;
}
