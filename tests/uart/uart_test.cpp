// SPDX-License-Identifier: Apache-2.0
// The module's UART on a real UART driver: the kernel's 8250 driving an emulated 16550 inside the
// VM of scripts/vm/run-in-vm.sh (see CMakeLists.txt here). The daemon runs with
// --serial /dev/ttyS1; the test plays the host MCU at the other end of the cable, a virtio port
// that qemu joins to the UART's line. Where a pty ignores most line settings, the 8250 takes
// them into its registers, and its termios read back is what the line really runs at:
// - every AT+USET setting reaches the device (spec §2.4): standard and non-standard rates,
//   parity, data bits, stop bits, RTS/CTS;
// - a rate the driver cannot make (its clock gives at most 115200), or makes only with a
//   divisor too far off, is refused with the module's error before [OK], and the line stays
//   as it was; one it makes within the tolerance is taken, with a warning;
// - data mode (spec §4) with RTS/CTS carries megabytes both ways at once, byte for byte, while
//   the driver throttles the line;
// - flow control: the 8250 drops RTS while the daemon holds its input back (the TCP peer takes
//   nothing) and raises it again; when the MCU stops reading, the daemon stops reading its
//   socket. qemu's cable carries no modem lines: nothing drives the UART's CTS, so the test
//   reads RTS itself and obeys it as the MCU's CTS;
// - a hangup of the TTY: the daemon opens it again, with its settings.
// Outside that VM (the environment variables below missing) every test skips.

#include <asm/termbits.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "tls_peer.hpp"

namespace wizfi250d::conformance {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = 1024 * 1024;

struct UartUnderTest {
    std::string device;    // the daemon's UART, e.g. /dev/ttyS1
    std::string line_end;  // the far end of its cable
};

// The VM runner's UART, named by the ctest command (tests/uart/CMakeLists.txt).
bool uart_under_test(UartUnderTest& out) {
    const char* device = std::getenv("WIZFI250D_UART_DEVICE");
    const char* line_end = std::getenv("WIZFI250D_UART_LINE_END");
    if (device == nullptr || line_end == nullptr) return false;
    out = {device, line_end};
    return true;
}

// Reads away what an earlier test left in the UART's receive path (a transfer cut short), so
// that the next daemon does not take it for commands. Raw, so the line discipline echoes nothing.
void drain_device(const std::string& device) {
    const int fd = ::open(device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return;
    termios2 t{};
    if (::ioctl(fd, TCGETS2, &t) == 0) {
        t.c_iflag = 0;
        t.c_oflag = 0;
        t.c_lflag = 0;
        ::ioctl(fd, TCSETS2, &t);
    }
    const auto give_up = Clock::now() + Millis{10000};
    auto quiet_since = Clock::now();
    char buffer[4096];
    while (Clock::now() < give_up && Clock::now() - quiet_since < Millis{300}) {
        if (::read(fd, buffer, sizeof buffer) > 0)
            quiet_since = Clock::now();
        else
            std::this_thread::sleep_for(Millis{20});
    }
    ::close(fd);
}

class Uart8250 : public ::testing::Test {
protected:
    void SetUp() override {
        if (!uart_under_test(uart))
            GTEST_SKIP() << "no UART under test: run through scripts/vm/run-in-vm.sh "
                            "--guest-uarts 1 (ctest -L uart does)";
        drain_device(uart.device);
    }
    UartUnderTest uart;
};

DaemonOptions uart_options(const UartUnderTest& uart) {
    DaemonOptions options = loopback_options();
    options.serial_device = uart.device;
    options.line_end = uart.line_end;
    options.log_level = "info";
    return options;
}

// The device's line settings as the driver keeps them (a second descriptor: termios belongs to
// the device, not to the daemon's descriptor).
::testing::AssertionResult read_line_settings(const std::string& device, termios2& out) {
    const int fd = ::open(device.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return ::testing::AssertionFailure() << "open " << device << " failed";
    const int r = ::ioctl(fd, TCGETS2, &out);
    ::close(fd);
    if (r != 0) return ::testing::AssertionFailure() << "TCGETS2 on " << device << " failed";
    return ::testing::AssertionSuccess();
}

struct LineExpectation {
    const char* uset;  // the AT+USET arguments
    std::uint32_t baud;
    tcflag_t size;  // CS7 or CS8
    bool parity;
    bool odd;
    bool two_stop_bits;
    bool rts_cts;
};

std::string describe(const termios2& t) {
    std::ostringstream s;
    s << "speed " << t.c_ospeed << ", CS" << ((t.c_cflag & CSIZE) == CS7 ? 7 : 8)
      << ((t.c_cflag & PARENB) != 0 ? ((t.c_cflag & PARODD) != 0 ? " odd" : " even") : " none")
      << ((t.c_cflag & CSTOPB) != 0 ? " 2 stop" : " 1 stop")
      << ((t.c_cflag & CRTSCTS) != 0 ? " RTS/CTS" : " no flow control");
    return s.str();
}

::testing::AssertionResult line_is(const std::string& device, const LineExpectation& want) {
    termios2 t{};
    if (auto r = read_line_settings(device, t); !r) return r;
    const bool ok = t.c_ospeed == want.baud && (t.c_cflag & CSIZE) == want.size &&
                    ((t.c_cflag & PARENB) != 0) == want.parity &&
                    (!want.parity || ((t.c_cflag & PARODD) != 0) == want.odd) &&
                    ((t.c_cflag & CSTOPB) != 0) == want.two_stop_bits &&
                    ((t.c_cflag & CRTSCTS) != 0) == want.rts_cts;
    if (ok) return ::testing::AssertionSuccess();
    termios2 expected{};
    expected.c_ospeed = want.baud;
    expected.c_cflag = want.size | (want.parity ? PARENB : 0) | (want.odd ? PARODD : 0) |
                       (want.two_stop_bits ? CSTOPB : 0) | (want.rts_cts ? CRTSCTS : 0);
    return ::testing::AssertionFailure()
           << "after AT+USET=" << want.uset << " " << device << " runs at " << describe(t)
           << ", not " << describe(expected);
}

// AT+USET, its [OK], the reboot's banner (spec §2.4, §5.3).
::testing::AssertionResult uset(Daemon& d, const std::string& arguments) {
    if (auto r = d.transact("AT+USET=" + arguments, kOk); !r) return r;
    return d.expect_banner();
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// Every setting AT+USET takes reaches the driver. 14400 and 28800 have no Bxxx code (BOTHER);
// the 8250 makes them exactly (115200/8, 115200/4). 0.5 and 1.5 stop bits have no termios
// form: the nearest (1 and 2) with a warning in the log.
TEST_F(Uart8250, UsetReachesTheDriver) {
    const LineExpectation cases[] = {
        {"9600,N,8,1,N", 9600, CS8, false, false, false, false},
        {"14400,N,8,1,N", 14400, CS8, false, false, false, false},
        {"28800,E,8,1,HW", 28800, CS8, true, false, false, true},
        {"57600,E,7,1,N", 57600, CS7, true, false, false, false},
        {"38400,O,7,2,HW", 38400, CS7, true, true, true, true},
        {"300,O,8,2,N", 300, CS8, true, true, true, false},
        {"1200,N,8,1.5,N", 1200, CS8, false, false, true, false},
        {"4800,N,8,0.5,HW", 4800, CS8, false, false, false, true},
        {"115200,N,8,1,HW", 115200, CS8, false, false, false, true},
        {"115200,N,8,1,N", 115200, CS8, false, false, false, false},
    };
    Daemon d(uart_options(uart));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(line_is(uart.device, cases[std::size(cases) - 1]));
    for (const auto& c : cases) {
        ASSERT_TRUE(uset(d, c.uset));
        EXPECT_TRUE(line_is(uart.device, c));
        // The stored value (spec §2.4): H> AT+USET=?\r   M< AT+USET=?\r\n<value>\r\n[OK]\r\n
        EXPECT_TRUE(d.transact("AT+USET=?", std::string(c.uset) + "\r\n" + std::string(kOk)));
    }
    const std::string log = d.log_text();
    EXPECT_NE(log.find("1.5 stop bits are not possible; using 2"), std::string::npos) << log;
    EXPECT_NE(log.find("0.5 stop bits are not possible; using 1"), std::string::npos) << log;
}

// The 8250's clock (1.8432 MHz, 115200 at most) cannot make 230400: the driver keeps the old
// rate. The module answers [ERROR: INVALID INPUT] before any [OK] and does not reboot, so the
// host, which changes its own rate only after [OK], keeps a line it can talk on; the log says
// why. Saving without the reboot (6th field W) is refused the same way.
TEST_F(Uart8250, RateTheDriverCannotMakeIsRefused) {
    Daemon d(uart_options(uart));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(uset(d, "14400,N,8,1,N"));
    const LineExpectation at_14400{"14400,N,8,1,N", 14400, CS8, false, false, false, false};
    for (const char* refused :
         {"230400,N,8,1,N", "921600,E,8,1,HW", "1843200,N,8,1,N", "460800,N,8,1,N,W"}) {
        // H> AT+USET=230400,N,8,1,N\r   M< AT+USET=230400,N,8,1,N\r\n[ERROR: INVALID INPUT]\r\n
        ASSERT_TRUE(d.transact(std::string("AT+USET=") + refused, kInvalidInput));
        EXPECT_TRUE(d.expect_nothing());  // no reboot, no banner
        EXPECT_TRUE(line_is(uart.device, at_14400));
        EXPECT_TRUE(d.transact("AT+USET=?", "14400,N,8,1,N\r\n" + std::string(kOk)));
    }
    // Rate 0 is a hang-up in termios, never a rate.
    EXPECT_TRUE(d.transact("AT+USET=0,N,8,1,N", kInvalidInput));
    EXPECT_TRUE(line_is(uart.device, at_14400));
    const std::string log = d.log_text();
    EXPECT_NE(log.find("cannot make 230400 baud: it would run at 14400"), std::string::npos) << log;
    EXPECT_NE(log.find("cannot make 1843200 baud"), std::string::npos) << log;
    // The saved profile kept 14400 too: a power cycle comes back at it.
    ASSERT_TRUE(d.restart());
    EXPECT_TRUE(line_is(uart.device, at_14400));
}

// The 8250's divisor is a whole number: 115200 / n. The driver reports the rate asked for
// whatever its divisor makes, so the daemon works the real rate out from baud_base
// (TIOCGSERIAL; 115200 here): 7200 is 115200 / 16 exactly; 3000 becomes 115200 / 38 = 3032,
// 1.07 % fast, within the 2 % a serial link tolerates, so [OK] with a warning naming the real
// rate; 56000 would be 57600 (115200 / 2, 2.86 % fast) and 31250 would be 28800 (-7.84 %):
// beyond it, the module's error and the line unchanged.
TEST_F(Uart8250, RateTheDivisorOnlyApproximates) {
    Daemon d(uart_options(uart));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(uset(d, "7200,N,8,1,N"));
    EXPECT_TRUE(line_is(uart.device, {"7200,N,8,1,N", 7200, CS8, false, false, false, false}));
    EXPECT_EQ(d.log_text().find("7200 ("), std::string::npos) << d.log_text();

    // H> AT+USET=3000,N,8,1,N\r   M< AT+USET=3000,N,8,1,N\r\n[OK]\r\n, the reboot's banner
    ASSERT_TRUE(uset(d, "3000,N,8,1,N"));
    const LineExpectation at_3000{"3000,N,8,1,N", 3000, CS8, false, false, false, false};
    EXPECT_TRUE(line_is(uart.device, at_3000));
    EXPECT_TRUE(d.transact("AT+USET=?", "3000,N,8,1,N\r\n" + std::string(kOk)));
    std::string log = d.log_text();
    EXPECT_NE(log.find("AT+USET=3000,N,8,1,N: the UART runs at 3032 baud for 3000 (+1.07 %, "
                       "within the 2 % a serial link tolerates)"),
              std::string::npos)
        << log;
    // Each time the daemon opens the line at that rate (here after the reboot), it says so.
    EXPECT_NE(log.find(uart.device + ": baud rate: the UART's clock makes 3032 for 3000"),
              std::string::npos)
        << log;

    for (const char* refused : {"56000,N,8,1,N", "31250,E,8,1,HW", "56000,N,8,1,N,W"}) {
        // H> AT+USET=56000,N,8,1,N\r   M< AT+USET=56000,N,8,1,N\r\n[ERROR: INVALID INPUT]\r\n
        ASSERT_TRUE(d.transact(std::string("AT+USET=") + refused, kInvalidInput));
        EXPECT_TRUE(d.expect_nothing());  // no reboot, no banner
        EXPECT_TRUE(line_is(uart.device, at_3000));
        EXPECT_TRUE(d.transact("AT+USET=?", "3000,N,8,1,N\r\n" + std::string(kOk)));
    }
    log = d.log_text();
    EXPECT_NE(log.find("cannot make 56000 baud: it would run at 57600 (+2.86 %, beyond the 2 % "
                       "a serial link tolerates); the settings stay 3000,N,8,1,N"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("cannot make 31250 baud: it would run at 28800 (-7.84 %"), std::string::npos)
        << log;
}

// The bytes each way: WIZFI250D_UART_BULK_KIB (the ctest command sets it), else 8 MiB.
std::size_t bulk_bytes() {
    const char* kib = std::getenv("WIZFI250D_UART_BULK_KIB");
    const long n = kib != nullptr ? std::atol(kib) : 0;
    return n > 0 ? static_cast<std::size_t>(n) * 1024 : 8 * kMiB;
}

// The driver's counters for the UART ("1: uart:16550A port:000002F8 irq:3 tx:... rx:..."),
// with "oe:" (overruns: bytes the UART lost) only when there were any.
std::string driver_counters(const std::string& device) {
    const std::string index = device.substr(device.find_last_not_of("0123456789") + 1);
    std::ifstream in("/proc/tty/driver/serial");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(index + ":", 0) == 0) return line;
    return {};
}

// One of the driver's counters ("rx", "tx", "oe", "bo") from driver_counters(); 0 when absent.
std::size_t driver_count(const std::string& counters, const std::string& name) {
    const auto at = counters.find(" " + name + ":");
    if (at == std::string::npos) return 0;
    return static_cast<std::size_t>(
        std::strtoull(counters.c_str() + at + name.size() + 2, nullptr, 10));
}

// The UART seen from a descriptor of the test's own (the daemon does not take the TTY
// exclusively, TIOCEXCL): RTS as the driver drives it, the bytes waiting in the TTY's output
// buffer, and the driver's counters.
class UartProbe {
public:
    explicit UartProbe(std::string device)
        : device_(std::move(device)),
          fd_(::open(device_.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) {}
    ~UartProbe() {
        if (fd_ >= 0) ::close(fd_);
    }
    UartProbe(const UartProbe&) = delete;
    UartProbe& operator=(const UartProbe&) = delete;

    bool is_open() const { return fd_ >= 0; }
    std::optional<bool> rts() const {
        int lines = 0;
        if (::ioctl(fd_, TIOCMGET, &lines) != 0) return std::nullopt;
        return (lines & TIOCM_RTS) != 0;
    }
    std::size_t output_queue() const {
        int queued = 0;
        return ::ioctl(fd_, TIOCOUTQ, &queued) == 0 && queued > 0 ? static_cast<std::size_t>(queued)
                                                                  : 0;
    }
    std::string counters() const { return driver_counters(device_); }
    std::size_t count(const std::string& name) const { return driver_count(counters(), name); }

private:
    std::string device_;
    int fd_;
};

// Waits until RTS is `on` (true) or the deadline passes.
bool rts_becomes(const UartProbe& probe, bool on, Millis within) {
    const auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
        if (probe.rts() == on) return true;
        std::this_thread::sleep_for(Millis{10});
    }
    return probe.rts() == on;
}

// A config file with data_stall_limit_ms = 0: the daemon holds the host's input for as long as
// the network takes nothing (the test decides how long), never dropping it.
::testing::AssertionResult hold_input_config(TestTempDir& dir, DaemonOptions& options) {
    if (auto r = dir.make("uart-flow"); !r) return r;
    const auto config = dir.path() / "wizfi250d.conf";
    if (auto r = write_whole_file(config, "data_stall_limit_ms = 0\n"); !r) return r;
    options.extra_args.insert(options.extra_args.end(), {"--config", config.string()});
    return ::testing::AssertionSuccess();
}

// Data mode at 115200 with RTS/CTS to a TCP peer whose window and segments are small (4 KiB,
// 536 bytes), so that the kernel's socket buffers fill after some tens of KiB, not megabytes.
::testing::AssertionResult open_data_mode(Daemon& d, RawTcpListener& listener, RawTcpStream& peer) {
    if (auto r = d.start(); !r) return r;
    if (auto r = uset(d, "115200,N,8,1,HW"); !r) return r;
    if (auto r = join(d); !r) return r;
    if (auto r = listener.listen(4096, 536); !r) return r;
    if (auto r = d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(listener.port()) + ",,1",
                            std::string(kOk) + connect_event(0), kConnectTimeout);
        !r)
        return r;
    return listener.accept(peer);
}

// RTS/CTS from the daemon's side (spec §4 with AT+USET ...,HW). The TCP peer takes nothing, so
// data mode's backpressure stops the daemon reading the UART; the kernel's TTY layer throttles
// once its 4 KiB buffer is nearly full and the 8250 drops RTS. The test plays an MCU whose CTS
// input is that RTS line (qemu's cable carries no modem lines, so the test reads RTS with
// TIOCMGET and obeys it): it sends only while RTS is on, with at most 4 KiB under way beyond
// what the UART has received. When the peer reads again, the daemon reads the UART again, RTS
// comes back, and every byte sent arrives at the peer in order.
TEST_F(Uart8250, RtsFallsWhileThePeerTakesNothingAndReturns) {
    constexpr std::size_t kPiece = 256;
    constexpr std::size_t kUnderWay = 4096;
    constexpr std::size_t kMost = 4 * kMiB;
    constexpr std::size_t kAfterwards = 16 * 1024;
    const std::string data = bulk_data_mode_bytes(kMost + kAfterwards, 0x0a87003u);
    TestTempDir dir;
    DaemonOptions options = uart_options(uart);
    ASSERT_TRUE(hold_input_config(dir, options));
    Daemon d(options);
    RawTcpListener listener;
    RawTcpStream peer;
    ASSERT_TRUE(open_data_mode(d, listener, peer));
    UartProbe probe(uart.device);
    ASSERT_TRUE(probe.is_open()) << "open " << uart.device;
    ASSERT_EQ(probe.rts(), std::optional<bool>(true)) << "RTS is off before anything was sent";
    SerialLine mcu;
    ASSERT_TRUE(mcu.share(d.line_fd()));
    const std::size_t received_before = probe.count("rx");

    // The MCU's sender: a piece at a time while its CTS (the UART's RTS) is on.
    std::size_t sent = 0;
    const auto send_while_rts = [&](std::size_t until, Millis within) {
        const auto deadline = Clock::now() + within;
        while (sent < until && Clock::now() < deadline) {
            if (probe.rts() != true) return;
            if (sent - std::min(sent, probe.count("rx") - received_before) >= kUnderWay) {
                std::this_thread::sleep_for(Millis{2});
                continue;
            }
            const std::size_t n = std::min(kPiece, until - sent);
            if (!mcu.write_all(std::string_view(data).substr(sent, n))) return;
            sent += n;
        }
    };
    send_while_rts(kMost, Millis{120000});
    const std::size_t sent_until_rts_fell = sent;
    ASSERT_LT(sent_until_rts_fell, kMost) << "RTS never fell while the peer took nothing";
    ASSERT_EQ(probe.rts(), std::optional<bool>(false));
    // It stays off: the daemon reads nothing more while the peer reads nothing.
    std::this_thread::sleep_for(Millis{1000});
    EXPECT_EQ(probe.rts(), std::optional<bool>(false));
    const std::string counters_throttled = probe.counters();
    std::cout << "[ MEASURE  ] RTS fell after " << sent_until_rts_fell << " bytes\n";
    RecordProperty("bytes_sent_until_rts_fell", std::to_string(sent_until_rts_fell));

    // The peer reads: the daemon drains the TTY and RTS comes back.
    std::string at_peer;
    ASSERT_TRUE(peer.read_exactly(sent_until_rts_fell, at_peer, Millis{120000}));
    EXPECT_TRUE(rts_becomes(probe, true, Millis{10000})) << "RTS stayed off";
    send_while_rts(sent_until_rts_fell + kAfterwards, Millis{60000});
    ASSERT_EQ(sent, sent_until_rts_fell + kAfterwards) << "the sender was held back again";
    std::string rest;
    ASSERT_TRUE(peer.read_exactly(kAfterwards, rest, Millis{60000}));
    at_peer += rest;
    EXPECT_EQ(compare_bulk(std::string_view(data).substr(0, sent), at_peer), "");
    const std::string counters = probe.counters();
    EXPECT_EQ(driver_count(counters, "oe"), 0U) << "the UART overran: " << counters;
    EXPECT_EQ(driver_count(counters, "bo"), 0U) << "the TTY's buffer overflowed: " << counters;
    EXPECT_NE(counters_throttled, "");
    mcu.close();
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect(kOk, kEscapeTimeout));
    EXPECT_TRUE(d.transact("AT", kOk));
}

// The other way: the MCU stops reading. The UART's transmitter waits for the far end, the
// TTY's output buffer fills, the daemon's writes to the UART would block (EAGAIN), its bounded
// serial queue fills, and it stops reading the TCP socket: what the peer sends stays in the
// kernel's socket buffers (on loopback the daemon's receive buffer autotunes to megabytes, so
// the peer itself is held back only once those are full), nothing is dropped and the daemon's
// memory stays where it was. Then the MCU reads everything, byte for byte.
TEST_F(Uart8250, TheMcuStopsReadingAndTheDaemonStopsTakingFromTheNetwork) {
    // The peer sends until the UART has stalled (how much the far end's buffers take before
    // that varies, a few hundred KiB), a piece at a time, then stops.
    constexpr std::size_t kMost = 8 * kMiB;
    constexpr std::size_t kPiece = 16 * 1024;
    const std::string data = bulk_random_bytes(kMost, 0x0a87004u);
    Daemon d(uart_options(uart));
    RawTcpListener listener;
    RawTcpStream peer;
    ASSERT_TRUE(open_data_mode(d, listener, peer));
    UartProbe probe(uart.device);
    ASSERT_TRUE(probe.is_open()) << "open " << uart.device;
    SerialLine mcu;
    ASSERT_TRUE(mcu.share(d.line_fd()));
    const long rss_before = vm_rss_kib(d.pid());

    std::atomic<std::size_t> sent{0};
    std::atomic<bool> stop_sending{false};
    ::testing::AssertionResult peer_sent = ::testing::AssertionSuccess();
    std::thread sender([&] {
        std::atomic<std::size_t> in_piece{0};
        for (std::size_t at = 0; at < kMost && !stop_sending && peer_sent; at += kPiece) {
            peer_sent =
                peer.send_all(std::string_view(data).substr(at, kPiece), Millis{300000}, &in_piece);
            sent = at + in_piece.load();
        }
    });
    // The UART stops transmitting: its count stays still for 1 s.
    const auto give_up = Clock::now() + Millis{120000};
    std::size_t transmitted = probe.count("tx");
    auto still_since = Clock::now();
    while (Clock::now() < give_up && Clock::now() - still_since < Millis{1000}) {
        std::this_thread::sleep_for(Millis{100});
        if (const std::size_t now = probe.count("tx"); now != transmitted) {
            transmitted = now;
            still_since = Clock::now();
        }
    }
    const auto daemon_receive_queue = [&] {
        std::size_t tx = 0, rx = 0;
        return tcp_queues(peer.remote_port(), peer.local_port(), tx, rx) ? rx : SIZE_MAX;
    };
    const std::size_t unread = daemon_receive_queue();
    const std::size_t output_queue = probe.output_queue();
    std::this_thread::sleep_for(Millis{1000});
    const std::size_t unread_later = daemon_receive_queue();
    const std::size_t transmitted_later = probe.count("tx");
    const long rss_held = vm_rss_kib(d.pid());
    std::cout << "[ MEASURE  ] the MCU read nothing: the peer sent " << sent.load()
              << " bytes, the daemon's socket holds " << unread_later
              << " unread, the TTY's output queue " << output_queue << ", daemon VmRSS "
              << rss_before << " -> " << rss_held << " KiB\n";
    RecordProperty("bytes_unread_in_the_daemons_socket", std::to_string(unread_later));

    EXPECT_EQ(transmitted_later, transmitted) << "the UART kept sending";
    EXPECT_GT(output_queue, 0U) << "the TTY's output buffer is empty";
    EXPECT_NE(unread, SIZE_MAX) << "the daemon's connection is not in /proc/net/tcp";
    EXPECT_GT(unread, 0U) << "the daemon's socket holds nothing unread: it still reads";
    EXPECT_GE(unread_later, unread) << "the daemon still takes from the socket";
    if (rss_before > 0 && rss_held > 0) {
        EXPECT_LT(rss_held - rss_before, 4096L);
    }

    // Everything sent so far, then the piece the sender was in.
    stop_sending = true;
    const std::size_t sent_at_stop = sent.load();
    std::string at_mcu;
    auto read = mcu.read_exactly(sent_at_stop, at_mcu, Millis{300000});
    sender.join();
    ASSERT_TRUE(peer_sent);
    ASSERT_TRUE(read);
    std::string rest;
    read = mcu.read_exactly(sent.load() - sent_at_stop, rest, Millis{60000});
    ASSERT_TRUE(read);
    at_mcu += rest;
    EXPECT_EQ(compare_bulk(std::string_view(data).substr(0, sent.load()), at_mcu), "");
    mcu.close();
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect(kOk, kEscapeTimeout));
    EXPECT_TRUE(d.transact("AT", kOk));
}

// Spec §4: data mode with RTS/CTS on, the MCU and the TCP peer sending at once. Every byte
// arrives, in order; the 8250 throttles its receiver (RTS) when the daemon's side is behind,
// so the UART overruns nothing. Then +++ and AT still work.
TEST_F(Uart8250, DataModeBothWaysWithRtsCts) {
    const std::size_t n = bulk_bytes();
    const std::string up = bulk_data_mode_bytes(n, 0x0a87001u);
    const std::string down = bulk_random_bytes(n, 0x0a87002u);
    // No rate is asserted; the deadline only stops a stalled transfer (under 1.3 KiB/s).
    const Millis timeout{std::max<long>(200000, static_cast<long>(n * 3 / 4))};

    Daemon d(uart_options(uart));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(uset(d, "115200,N,8,1,HW"));
    ASSERT_TRUE(join(d));
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(listener.port()) + ",,1",
                           std::string(kOk) + connect_event(0), kConnectTimeout));
    RawTcpStream peer;
    ASSERT_TRUE(listener.accept(peer));
    SerialLine mcu;
    ASSERT_TRUE(mcu.share(d.line_fd()));

    const auto started = Clock::now();
    ::testing::AssertionResult wrote = ::testing::AssertionSuccess();
    ::testing::AssertionResult sent = ::testing::AssertionSuccess();
    ::testing::AssertionResult peer_read = ::testing::AssertionSuccess();
    std::string at_peer;
    std::thread mcu_writer([&] { wrote = mcu.write_all(up, timeout); });
    std::thread peer_sender([&] { sent = peer.send_all(down, timeout); });
    std::thread peer_reader([&] { peer_read = peer.read_exactly(up.size(), at_peer, timeout); });
    std::string at_mcu;
    const auto mcu_read = mcu.read_exactly(down.size(), at_mcu, timeout);
    mcu_writer.join();
    peer_sender.join();
    peer_reader.join();
    const auto seconds =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count() /
        1000.0;
    ::testing::Test::RecordProperty("bytes_each_way", std::to_string(n));
    std::cout << "[ MEASURE  ] " << n << " bytes each way in " << seconds << " s\n";

    ASSERT_TRUE(wrote);
    ASSERT_TRUE(sent);
    ASSERT_TRUE(peer_read);
    ASSERT_TRUE(mcu_read);
    EXPECT_EQ(compare_bulk(up, at_peer), "");
    EXPECT_EQ(compare_bulk(down, at_mcu), "");
    const std::string counters = driver_counters(uart.device);
    EXPECT_NE(counters.find("rx:"), std::string::npos) << counters;
    EXPECT_EQ(counters.find("oe:"), std::string::npos) << "the UART overran: " << counters;
    EXPECT_EQ(counters.find("bo:"), std::string::npos)
        << "the TTY's buffer overflowed: " << counters;
    mcu.close();

    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect(kOk, kEscapeTimeout));
    EXPECT_TRUE(d.transact("AT", kOk));
}

// A hangup of the TTY (TIOCVHANGUP, what a carrier loss does to a modem line): the daemon's
// descriptor is dead, so it opens the device again and applies its settings to it again; the
// host sees no banner (it is not a reboot) and AT works.
TEST_F(Uart8250, HangupAndReturn) {
    Daemon d(uart_options(uart));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(uset(d, "57600,E,7,1,HW"));
    const LineExpectation want{"57600,E,7,1,HW", 57600, CS7, true, false, false, true};
    ASSERT_TRUE(line_is(uart.device, want));
    const std::string open_line = uart.device + ": open at 57600,E,7,1,HW";
    const std::size_t opens = count_of(d.log_text(), open_line);

    const int fd = ::open(uart.device.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ioctl(fd, TIOCVHANGUP), 0);
    ::close(fd);

    const auto deadline = Clock::now() + kBootTimeout;
    while (count_of(d.log_text(), open_line) == opens && Clock::now() < deadline)
        std::this_thread::sleep_for(Millis{50});
    ASSERT_GT(count_of(d.log_text(), open_line), opens) << d.log_text();
    EXPECT_TRUE(d.expect_nothing());
    EXPECT_TRUE(line_is(uart.device, want));
    EXPECT_TRUE(d.transact("AT", kOk));
    EXPECT_TRUE(d.transact("AT+USET=?", "57600,E,7,1,HW\r\n" + std::string(kOk)));
}

}  // namespace
}  // namespace wizfi250d::conformance
