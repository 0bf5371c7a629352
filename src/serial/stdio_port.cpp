// SPDX-License-Identifier: Apache-2.0
// The terminal (or pipes) the daemon was started from: the --serial stdio front end. Reads stdin,
// writes stdout.

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <csignal>

#include "raw_mode.hpp"
#include "serial_ports.hpp"
#include "unique_fd.hpp"
#include "wizfi250d/serial/stdio_terminal.hpp"

namespace wizfi250d {

namespace {

// What restore_terminal() puts back. Each part is written once before stdio mode changes
// anything and only read afterwards, so a signal handler can use it.
struct SavedTerminal {
    termios stdin_modes{};
    int stdin_flags = 0;
    int stdout_flags = 0;
};
SavedTerminal saved;
volatile std::sig_atomic_t stdin_modes_saved = 0;
volatile std::sig_atomic_t flags_saved = 0;
// Whether the last byte the module wrote to the terminal ended a line (see stdio_terminal.hpp).
bool output_at_line_start = true;

void save_terminal() {
    // A second open before a close must not take the raw modes for the original ones.
    if (flags_saved == 0) {
        saved.stdin_flags = ::fcntl(STDIN_FILENO, F_GETFL);
        saved.stdout_flags = ::fcntl(STDOUT_FILENO, F_GETFL);
        flags_saved = saved.stdin_flags >= 0 && saved.stdout_flags >= 0;
    }
    if (stdin_modes_saved == 0 && ::isatty(STDIN_FILENO))
        stdin_modes_saved = ::tcgetattr(STDIN_FILENO, &saved.stdin_modes) == 0;
}

class StdioPort final : public SerialPort {
public:
    StdioPort(boost::asio::io_context& io, UniqueFd input, UniqueFd output)
        : input_(io, input.release()), output_(io, output.release()) {
        // The reader's read(2) must never block (restore_terminal() puts the flags back).
        boost::system::error_code ignored;
        input_.native_non_blocking(true, ignored);
    }
    ~StdioPort() override { close(); }
    StdioPort(const StdioPort&) = delete;
    StdioPort& operator=(const StdioPort&) = delete;

    boost::asio::posix::descriptor& input() override { return input_; }
    boost::asio::posix::stream_descriptor& output() override { return output_; }
    void starting_write(std::string_view bytes) override {
        // Noted when the write starts: asio writes at once when the terminal takes the bytes,
        // so a log line made before the handler runs already follows them.
        if (!bytes.empty()) output_at_line_start = bytes.back() == '\n';
    }
    // The terminal may be shared with other programs: every write goes through the loop.
    std::size_t write_now(std::string_view /*bytes*/) override { return 0; }
    std::size_t write_now(const std::string_view* /*parts*/, std::size_t /*count*/) override {
        return 0;
    }
    void apply(const UartSettings& settings) override {
        spdlog::debug("stdio: line settings {} do not apply to a terminal", settings.to_string());
    }
    void close() override {
        boost::system::error_code ignored;
        input_.close(ignored);
        output_.close(ignored);
        restore_terminal();
    }
    std::string name() const override { return "stdio"; }

private:
    boost::asio::posix::stream_descriptor input_;
    boost::asio::posix::stream_descriptor output_;
};

// A person at a terminal stops the daemon with Ctrl-C: raw mode, but the interrupt character
// still raises SIGINT. Quit and suspend stay off, so Ctrl-\\ and Ctrl-Z cannot leave the
// terminal raw behind a core dump or a stopped daemon; they reach the module as bytes.
boost::system::error_code make_raw_keeping_interrupt(int fd) {
    if (const auto error = make_raw(fd)) return error;
    termios tio{};
    if (::tcgetattr(fd, &tio) != 0) return {errno, boost::system::system_category()};
    tio.c_lflag |= ISIG;
    tio.c_cc[VINTR] = 0x03;  // Ctrl-C, whatever the terminal had
    tio.c_cc[VQUIT] = _POSIX_VDISABLE;
    tio.c_cc[VSUSP] = _POSIX_VDISABLE;
    if (::tcsetattr(fd, TCSANOW, &tio) != 0) return {errno, boost::system::system_category()};
    return {};
}

UniqueFd duplicate(int fd, boost::system::error_code& ec) {
    // A copy, so that closing the port never closes the daemon's own stdin or stdout.
    UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy) ec.assign(errno, boost::system::system_category());
    return copy;
}

}  // namespace

void restore_terminal() noexcept {
    if (stdin_modes_saved != 0) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved.stdin_modes);
        stdin_modes_saved = 0;
    }
    if (flags_saved != 0) {
        ::fcntl(STDIN_FILENO, F_SETFL, saved.stdin_flags);
        ::fcntl(STDOUT_FILENO, F_SETFL, saved.stdout_flags);
        flags_saved = 0;
    }
}

bool terminal_output_mid_line() noexcept {
    return stdin_modes_saved != 0 && !output_at_line_start;
}

void note_terminal_line_ended() noexcept {
    output_at_line_start = true;
}

std::unique_ptr<SerialPort> open_stdio_port(boost::asio::io_context& io,
                                            boost::system::error_code& ec) {
    UniqueFd input = duplicate(STDIN_FILENO, ec);
    if (ec) return nullptr;
    UniqueFd output = duplicate(STDOUT_FILENO, ec);
    if (ec) return nullptr;

    save_terminal();
    if (stdin_modes_saved != 0) {
        if (const auto raw_error = make_raw_keeping_interrupt(STDIN_FILENO))
            spdlog::warn("stdio: cannot put the terminal in raw mode: {}", raw_error.message());
    }
    return std::make_unique<StdioPort>(io, std::move(input), std::move(output));
}

}  // namespace wizfi250d
