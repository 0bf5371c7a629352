// SPDX-License-Identifier: Apache-2.0
// SerialLink over real pseudo-terminals: the pty:LINK front end, a "device" that comes and goes
// (a symbolic link to a pty slave made here), and stdio over pipes.

#include "wizfi250d/serial/serial_link.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/executor_work_guard.hpp>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "termios2_support.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

constexpr auto deadline = 20s;

// A directory of its own for each test, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-serial-XXXXXX");
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

// The host program's end of a serial line: non-blocking, in raw mode when it is a terminal.
class HostEnd {
public:
    explicit HostEnd(int fd) : fd_(fd) {
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
        termios tio{};
        if (::tcgetattr(fd_, &tio) == 0) {
            ::cfmakeraw(&tio);
            ::tcsetattr(fd_, TCSANOW, &tio);
        }
    }
    // Opens a pty:LINK the way a host program does.
    static std::optional<HostEnd> open_link(const std::string& link) {
        const int fd = ::open(link.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) return std::nullopt;
        return HostEnd(fd);
    }
    HostEnd(HostEnd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    HostEnd& operator=(HostEnd&& other) noexcept {
        if (this != &other) {
            close();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    HostEnd(const HostEnd&) = delete;
    HostEnd& operator=(const HostEnd&) = delete;
    ~HostEnd() { close(); }

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
            ASSERT_GT(n, 0) << std::strerror(errno);
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    // Everything that can be read now, without waiting.
    std::string receive() {
        std::string got;
        std::array<char, 65536> buffer{};
        ssize_t n = 0;
        while ((n = ::read(fd_, buffer.data(), buffer.size())) > 0)
            got.append(buffer.data(), static_cast<std::size_t>(n));
        return got;
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

// A pseudo-terminal made by the test, whose slave stands for a USB serial adapter.
struct FakeDevice {
    FakeDevice() {
        int master_fd = -1;
        int slave_fd = -1;
        std::array<char, 256> name{};
        if (::openpty(&master_fd, &slave_fd, name.data(), nullptr, nullptr) != 0)
            throw std::runtime_error("openpty failed");
        // Only the daemon holds the slave, as with a real device.
        ::close(slave_fd);
        master.emplace(master_fd);
        slave_name = name.data();
    }

    std::optional<HostEnd> master;
    std::string slave_name;
};

class SerialLinkTest : public ::testing::Test {
protected:
    // Runs the loop until done() is true; false when the deadline passed first.
    template <typename Predicate>
    bool run_until(Predicate done) {
        const auto give_up = std::chrono::steady_clock::now() + deadline;
        while (!done()) {
            if (std::chrono::steady_clock::now() > give_up) return false;
            io_.run_for(5ms);
        }
        return true;
    }
    void run_for(std::chrono::milliseconds duration) {
        const auto until = std::chrono::steady_clock::now() + duration;
        while (std::chrono::steady_clock::now() < until)
            io_.run_for(5ms);
    }
    bool receive_until(HostEnd& host, std::string& got, std::size_t size) {
        return run_until([&] {
            got += host.receive();
            return got.size() >= size;
        });
    }

    void start(const std::string& spec) {
        link_ = std::make_unique<SerialLink>(io_, *SerialSpec::parse(spec));
        link_->start(
            UartSettings{},
            [this](std::string_view bytes) {
                input_.append(bytes);
                deliveries_.push_back(bytes.size());
            },
            [this] { ++ends_; });
    }

    TempDir dir_;
    boost::asio::io_context io_;
    // Keeps run_for() waiting its whole slice when nothing is pending.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        io_.get_executor()};
    std::unique_ptr<SerialLink> link_;
    std::string input_;
    std::vector<std::size_t> deliveries_;  // the size of each call of the input handler
    int ends_ = 0;
};

class SerialLinkPtyTest : public SerialLinkTest {
protected:
    void SetUp() override {
        link_path_ = dir_.file("ttyWIZ");
        start("pty:" + link_path_);
        ASSERT_TRUE(link_->is_open());
        host_ = HostEnd::open_link(link_path_);
        ASSERT_TRUE(host_);
    }

    std::string link_path_;
    std::optional<HostEnd> host_;
};

std::string all_byte_values() {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    return bytes;
}

std::string numbered_lines(int count) {
    std::string text;
    for (int i = 0; i < count; ++i)
        text += "line " + std::to_string(i) + "\r\n";
    return text;
}

bool is_symlink(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

TEST(SerialSpec, ParsesTheThreeForms) {
    const auto stdio = SerialSpec::parse("stdio");
    ASSERT_TRUE(stdio);
    EXPECT_EQ(stdio->kind, SerialSpec::Kind::stdio);

    const auto pty = SerialSpec::parse("pty:/run/wizfi250d/ttyWIZ");
    ASSERT_TRUE(pty);
    EXPECT_EQ(pty->kind, SerialSpec::Kind::pty);
    EXPECT_EQ(pty->path, "/run/wizfi250d/ttyWIZ");

    const auto device = SerialSpec::parse("/dev/ttyAMA0");
    ASSERT_TRUE(device);
    EXPECT_EQ(device->kind, SerialSpec::Kind::device);
    EXPECT_EQ(device->path, "/dev/ttyAMA0");

    EXPECT_FALSE(SerialSpec::parse(""));
    EXPECT_FALSE(SerialSpec::parse("pty:"));
}

TEST(SerialSpec, DescribeGivesBackTheOptionText) {
    for (const char* text : {"stdio", "pty:/tmp/x/ttyWIZ", "/dev/ttyUSB0"})
        EXPECT_EQ(SerialSpec::parse(text)->describe(), text);
}

TEST_F(SerialLinkPtyTest, LinkPointsAtTheSlaveUntilTheLinkIsGone) {
    EXPECT_TRUE(is_symlink(link_path_));
    EXPECT_TRUE(::isatty(host_->fd()));
    link_.reset();
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link_path_)));
}

TEST_F(SerialLinkPtyTest, HostBytesReachTheInputHandlerUnchanged) {
    const std::string bytes = "AT\r\n" + all_byte_values();
    host_->send(bytes);
    ASSERT_TRUE(run_until([&] { return input_.size() >= bytes.size(); }));
    EXPECT_EQ(input_, bytes);
}

TEST_F(SerialLinkPtyTest, ASteadyStreamIsPassedOnAFewReadsAtATime) {
    // A host process that writes 1 MiB as fast as the pty takes it: the kernel refills the
    // pty's 4 KiB while the link reads, so reading until EAGAIN would hand over 64 KiB and more
    // at once. The link passes on what it has once 8 KiB are in: at most 16 KiB at a time.
    std::string bytes;
    while (bytes.size() < std::size_t{1024} * 1024)
        bytes += all_byte_values();
    const pid_t writer = ::fork();
    ASSERT_GE(writer, 0);
    if (writer == 0) {
        const int fd = ::open(link_path_.c_str(), O_WRONLY | O_NOCTTY);
        std::size_t sent = 0;
        while (fd >= 0 && sent < bytes.size()) {
            const ssize_t n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        ::_exit(sent == bytes.size() ? 0 : 1);
    }
    const bool all_in = run_until([&] { return input_.size() >= bytes.size(); });
    // A writer still blocked on a pty nobody reads would never end.
    if (!all_in) ::kill(writer, SIGKILL);
    int status = 0;
    ::waitpid(writer, &status, 0);
    ASSERT_TRUE(all_in);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(input_, bytes);
    ASSERT_FALSE(deliveries_.empty());
    EXPECT_LE(*std::max_element(deliveries_.begin(), deliveries_.end()), 16u * 1024u);
}

TEST_F(SerialLinkPtyTest, WritesArriveInOrder) {
    const std::string expected = numbered_lines(2000) + all_byte_values();
    for (int i = 0; i < 2000; ++i)
        link_->write("line " + std::to_string(i) + "\r\n");
    link_->write(all_byte_values());
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, expected.size()));
    EXPECT_EQ(got, expected);
    // The last write's completion may run after the host has read its bytes.
    EXPECT_TRUE(run_until([&] { return link_->queued() == 0; }));
}

TEST_F(SerialLinkPtyTest, HoldDelaysTheBytesAfterIt) {
    constexpr auto pause = 300ms;
    link_->write("[OK]\r\n");
    const auto held_at = std::chrono::steady_clock::now();
    link_->hold(pause);
    link_->write("[CONNECT 0]\r\n");
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, 19));
    // A timer never fires early, so this holds however slow the machine is.
    EXPECT_GE(std::chrono::steady_clock::now() - held_at, pause);
    EXPECT_EQ(got, "[OK]\r\n[CONNECT 0]\r\n");
}

TEST_F(SerialLinkPtyTest, BytesWaitBehindAHoldAndTheLinkCanGoMeanwhile) {
    link_->write("a");
    link_->hold(1h);
    link_->write("b");
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, 1));
    run_for(100ms);
    got += host_->receive();
    EXPECT_EQ(got, "a");
    EXPECT_EQ(link_->queued(), 1U);
    link_.reset();  // with the hold timer pending
    run_for(20ms);
}

TEST_F(SerialLinkPtyTest, CongestionUntilTheHostReads) {
    bool drained_at_once = false;
    link_->when_drained([&] { drained_at_once = true; });
    EXPECT_TRUE(drained_at_once);

    // More than a pty can buffer (the kernel caps a tty's buffers at 640 KiB; a pty takes
    // a few KiB in practice), so the queue stays above high water while nobody reads.
    std::string expected;
    for (int i = 0; expected.size() < std::size_t{1024} * 1024; ++i) {
        std::string piece = numbered_lines(100) + std::to_string(i);
        link_->write(piece);
        expected += piece;
    }
    EXPECT_TRUE(link_->congested());
    bool drained = false;
    std::size_t queued_when_drained = 0;
    link_->when_drained([&] {
        drained = true;
        queued_when_drained = link_->queued();
    });
    run_for(200ms);
    EXPECT_TRUE(link_->congested());
    EXPECT_FALSE(drained);

    std::string got;
    ASSERT_TRUE(run_until([&] {
        got += host_->receive();
        return drained;
    }));
    EXPECT_LT(queued_when_drained, SerialLink::low_water);
    ASSERT_TRUE(receive_until(*host_, got, expected.size()));
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(link_->congested());
}

// Command-mode frames: payload cuts lent from a socket's buffer between headers cut from one
// text that the caller reuses at once. More than a pty takes while nobody reads, so most of it
// waits in the queue: the lent bytes by reference, the text as a copy.
TEST_F(SerialLinkPtyTest, LentPartsWaitByReferenceAndTheOthersAsACopy) {
    std::string lent_buffer;
    for (int i = 0; lent_buffer.size() < std::size_t{256} * 1024; ++i)
        lent_buffer += numbered_lines(10) + std::to_string(i);
    std::string texts = "<head>|<last>";
    const std::string_view head = std::string_view(texts).substr(0, 6);
    const std::string_view last = std::string_view(texts).substr(7);
    std::vector<std::string_view> parts;
    std::string expected = "before\r\n";
    std::string_view payload = lent_buffer;
    while (!payload.empty()) {
        const std::string_view cut = payload.substr(0, 1460);
        payload.remove_prefix(cut.size());
        parts.push_back(payload.empty() ? last : head);
        parts.push_back(cut);
        expected += std::string(parts[parts.size() - 2]) + std::string(cut);
    }
    expected += "after\r\n";

    link_->write("before\r\n");
    int released = 0;
    ASSERT_TRUE(
        link_->write_parts_borrowing(parts.data(), parts.size(), texts, [&] { ++released; }));
    link_->write("after\r\n");
    texts.assign(texts.size(), 'X');  // the caller's text is free again at once
    EXPECT_GE(link_->queued(), lent_buffer.size() / 2);
    run_for(100ms);
    EXPECT_EQ(released, 0);

    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, expected.size()));
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(run_until([&] { return released > 0 && link_->queued() == 0; }));
    EXPECT_EQ(released, 1);
}

// What the pty takes at once is not queued: release() does not run for it.
TEST_F(SerialLinkPtyTest, LentPartsTakenAtOnceAreNotKept) {
    const std::string lent = "payload";
    const std::string texts = "{0}";
    const std::array<std::string_view, 3> parts{std::string_view(texts), std::string_view(lent),
                                                std::string_view(texts).substr(1)};
    bool released = false;
    EXPECT_FALSE(
        link_->write_parts_borrowing(parts.data(), parts.size(), texts, [&] { released = true; }));
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, 12));
    EXPECT_EQ(got, "{0}payload0}");
    EXPECT_FALSE(released);
}

TEST_F(SerialLinkPtyTest, PausedInputIsHeldUntilResumed) {
    link_->pause_input();
    host_->send("AT+WSCAN\r");
    run_for(200ms);
    EXPECT_EQ(input_, "");
    link_->resume_input();
    ASSERT_TRUE(run_until([&] { return input_.size() >= 9; }));
    EXPECT_EQ(input_, "AT+WSCAN\r");
}

TEST_F(SerialLinkPtyTest, SurvivesTheHostClosingAndOpeningAgain) {
    host_->send("one");
    ASSERT_TRUE(run_until([&] { return input_ == "one"; }));
    host_.reset();
    run_for(100ms);
    EXPECT_TRUE(link_->is_open());

    // A program that does not set raw mode itself still finds the line raw.
    const int fd = ::open(link_path_.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    ASSERT_GE(fd, 0);
    termios tio{};
    ASSERT_EQ(::tcgetattr(fd, &tio), 0);
    EXPECT_EQ(tio.c_lflag & (ICANON | ECHO), 0U);
    EXPECT_EQ(tio.c_oflag & OPOST, 0U);
    host_.emplace(fd);

    host_->send("two");
    ASSERT_TRUE(run_until([&] { return input_ == "onetwo"; }));
    link_->write("[OK]\r\n");
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, 6));
    EXPECT_EQ(got, "[OK]\r\n");
    EXPECT_EQ(ends_, 0);
}

TEST_F(SerialLinkPtyTest, ReopenKeepsThePtyAndTheQueue) {
    link_->write("before ");
    UartSettings slower;
    slower.baud = 9600;
    link_->reopen(slower);
    link_->write("after");
    std::string got;
    ASSERT_TRUE(receive_until(*host_, got, 12));
    EXPECT_EQ(got, "before after");
    host_->send("AT\r");
    ASSERT_TRUE(run_until([&] { return input_ == "AT\r"; }));
}

TEST_F(SerialLinkTest, PtyLinkDoesNotReplaceARegularFile) {
    const std::string path = dir_.file("ttyWIZ");
    { std::ofstream(path) << "precious"; }
    boost::system::error_code ec;
    EXPECT_EQ(open_serial_port(io_, *SerialSpec::parse("pty:" + path), ec), nullptr);
    EXPECT_TRUE(ec);
    EXPECT_FALSE(is_symlink(path));
}

TEST_F(SerialLinkTest, PtyLinkReplacesAStaleSymbolicLink) {
    const std::string path = dir_.file("ttyWIZ");
    ASSERT_EQ(::symlink("/dev/pts/does-not-exist", path.c_str()), 0);
    boost::system::error_code ec;
    auto port = open_serial_port(io_, *SerialSpec::parse("pty:" + path), ec);
    ASSERT_NE(port, nullptr) << ec.message();
    auto host = HostEnd::open_link(path);
    ASSERT_TRUE(host);
}

TEST_F(SerialLinkTest, DeviceIsOpenedWhenItAppearsAndAgainAfterItGoes) {
    const std::string path = dir_.file("ttyUSB-wiz");
    start(path);
    EXPECT_FALSE(link_->is_open());
    run_for(50ms);
    link_->write("[OK]\r\n");  // queued while the device is missing

    for (int plugged = 0; plugged < 2; ++plugged) {
        FakeDevice device;
        ASSERT_EQ(::symlink(device.slave_name.c_str(), path.c_str()), 0);
        ASSERT_TRUE(run_until([&] { return link_->is_open(); }));

        std::string got;
        ASSERT_TRUE(receive_until(*device.master, got, 6));
        EXPECT_EQ(got, "[OK]\r\n");
        input_.clear();
        device.master->send("AT\r");
        ASSERT_TRUE(run_until([&] { return input_ == "AT\r"; }));

        // Unplugged: the link notices, and what is written meanwhile waits for the next device.
        device.master->close();
        ASSERT_EQ(::unlink(path.c_str()), 0);
        ASSERT_TRUE(run_until([&] { return !link_->is_open(); }));
        link_->write("[OK]\r\n");
    }
    EXPECT_EQ(ends_, 0);
}

TEST_F(SerialLinkTest, DeviceReopenTakesNewSettingsAndKeepsTheQueue) {
    WIZFI250D_SKIP_WITHOUT_TERMIOS2();
    FakeDevice device;
    const std::string path = dir_.file("ttyS-wiz");
    ASSERT_EQ(::symlink(device.slave_name.c_str(), path.c_str()), 0);
    start(path);
    ASSERT_TRUE(link_->is_open());
    link_->write("one ");
    UartSettings other;
    other.baud = 230400;
    other.stop_bits = StopBits::two;
    link_->reopen(other);
    link_->write("two");
    EXPECT_TRUE(link_->is_open());
    std::string got;
    ASSERT_TRUE(receive_until(*device.master, got, 7));
    EXPECT_EQ(got, "one two");

    // The device (the slave) now runs at the new settings.
    const int slave = ::open(device.slave_name.c_str(), O_RDWR | O_NOCTTY);
    ASSERT_GE(slave, 0);
    termios tio{};
    ASSERT_EQ(::tcgetattr(slave, &tio), 0);
    EXPECT_EQ(::cfgetospeed(&tio), static_cast<speed_t>(B230400));
    EXPECT_NE(tio.c_cflag & CSTOPB, 0U);
    ::close(slave);
}

// Replaces stdin and stdout with pipes for one test.
class StdioRedirect {
public:
    StdioRedirect() {
        if (::pipe(input_) != 0 || ::pipe(output_) != 0) throw std::runtime_error("pipe failed");
        std::fflush(stdout);
        saved_stdin_ = ::dup(STDIN_FILENO);
        saved_stdout_ = ::dup(STDOUT_FILENO);
        ::dup2(input_[0], STDIN_FILENO);
        ::dup2(output_[1], STDOUT_FILENO);
        ::close(input_[0]);
        ::close(output_[1]);
        ::fcntl(output_[0], F_SETFL, O_NONBLOCK);
    }
    ~StdioRedirect() {
        std::fflush(stdout);
        ::dup2(saved_stdin_, STDIN_FILENO);
        ::dup2(saved_stdout_, STDOUT_FILENO);
        ::close(saved_stdin_);
        ::close(saved_stdout_);
        close_input();
        ::close(output_[0]);
    }
    StdioRedirect(const StdioRedirect&) = delete;
    StdioRedirect& operator=(const StdioRedirect&) = delete;

    void send(std::string_view bytes) {
        ASSERT_EQ(::write(input_[1], bytes.data(), bytes.size()),
                  static_cast<ssize_t>(bytes.size()));
    }
    void close_input() {
        if (input_[1] >= 0) ::close(input_[1]);
        input_[1] = -1;
    }
    std::string output() {
        std::string got;
        std::array<char, 4096> buffer{};
        ssize_t n = 0;
        while ((n = ::read(output_[0], buffer.data(), buffer.size())) > 0)
            got.append(buffer.data(), static_cast<std::size_t>(n));
        return got;
    }

private:
    int input_[2] = {-1, -1};
    int output_[2] = {-1, -1};
    int saved_stdin_ = -1;
    int saved_stdout_ = -1;
};

TEST_F(SerialLinkTest, StdioEndsOnceAfterTheLastAnswerIsWritten) {
    StdioRedirect stdio;
    link_ = std::make_unique<SerialLink>(io_, *SerialSpec::parse("stdio"));
    link_->start(
        UartSettings{},
        [this](std::string_view bytes) {
            input_.append(bytes);
            if (input_ == "AT\r") link_->write("[OK]\r\n");
        },
        [this] { ++ends_; });
    stdio.send("AT\r");
    stdio.close_input();
    ASSERT_TRUE(run_until([&] { return ends_ > 0; }));
    run_for(50ms);
    EXPECT_EQ(ends_, 1);
    EXPECT_EQ(input_, "AT\r");
    // spdlog's default logger writes to stdout too, so look for the answer among its lines.
    EXPECT_NE(stdio.output().find("[OK]\r\n"), std::string::npos);
    EXPECT_FALSE(link_->is_open());
}

// The terminal is written only through asynchronous writes: lent parts, more than one write
// offers, leave in order from there too, and release() runs once.
TEST_F(SerialLinkTest, StdioWritesLentPartsInOrder) {
    StdioRedirect stdio;
    link_ = std::make_unique<SerialLink>(io_, *SerialSpec::parse("stdio"));
    link_->start(
        UartSettings{}, [](std::string_view) {}, [] {});
    const std::string lent = numbered_lines(400);
    const std::string texts = "<frame>";
    std::vector<std::string_view> parts;
    std::string expected;
    for (std::size_t at = 0; at < lent.size(); at += 40) {
        parts.push_back(texts);
        parts.push_back(std::string_view(lent).substr(at, 40));
        expected += texts + lent.substr(at, 40);
    }
    ASSERT_GT(parts.size(), 64U);
    int released = 0;
    ASSERT_TRUE(
        link_->write_parts_borrowing(parts.data(), parts.size(), texts, [&] { ++released; }));
    std::string got;
    ASSERT_TRUE(run_until([&] {
        got += stdio.output();
        return released > 0;
    }));
    got += stdio.output();
    EXPECT_NE(got.find(expected), std::string::npos);
    EXPECT_EQ(released, 1);
    link_.reset();
}

// AT+USET asks the device whether it makes a rate only once what was written has left it (a
// rate change garbles bytes still on their way), and answers from the loop. A pty slave stands
// for the device here: it takes any rate, and its output queue shows what waits.
TEST_F(SerialLinkTest, TryRateWaitsForTheWrittenBytesToLeave) {
    FakeDevice device;
    const std::string path = dir_.file("ttyS-wiz");
    ASSERT_EQ(::symlink(device.slave_name.c_str(), path.c_str()), 0);
    start(path);
    ASSERT_TRUE(link_->is_open());
    // More than a pty holds, so some of it waits in the link's queue while nobody reads.
    std::string written;
    while (written.size() < std::size_t{1024} * 1024)
        written += numbered_lines(100);
    link_->write(written);

    std::optional<std::uint32_t> taken;
    link_->try_rate(14400, [&](std::uint32_t rate) { taken = rate; });
    EXPECT_FALSE(taken);  // never from inside the call
    run_for(100ms);
    EXPECT_FALSE(taken);  // the host has not read: the bytes are still queued

    std::string got;
    ASSERT_TRUE(receive_until(*device.master, got, written.size()));
    ASSERT_TRUE(run_until([&] { return taken.has_value(); }));
    EXPECT_EQ(*taken, 14400u);
    EXPECT_EQ(got, written);
}

}  // namespace
}  // namespace wizfi250d
