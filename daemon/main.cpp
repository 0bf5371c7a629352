// SPDX-License-Identifier: Apache-2.0
// wizfi250d: options, config file, logging, signals and service manager notifications
// (sd_notify). Everything else lives in the core library.

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/module/daemon_config.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/serial/stdio_terminal.hpp"
#include "wizfi250d/util/service_notify.hpp"
#include "wizfi250d/wifi/soft_ap_backend.hpp"
#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

namespace {

// Standard error connected to the journal: systemd sets JOURNAL_STREAM to "<device>:<inode>" of
// that stream. Comparing with stderr itself keeps a child that inherited the variable but
// writes elsewhere (a shell started from a service, a redirection) from getting prefixes.
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (stream == nullptr) return false;
    struct stat info {};
    if (::fstat(STDERR_FILENO, &info) != 0) return false;
    return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) == stream;
}

// One line per message on stderr with its syslog priority as "<N>" in front: journald takes the
// priority from it (SyslogLevelPrefix= is on by default) and adds time, unit and PID itself, so
// the journal gets what libsystemd's sd_journal_send would give without linking libsystemd.
class JournalStderrSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        std::fprintf(stderr, "<%d>%.*s", priority(msg.level), static_cast<int>(line.size()),
                     line.data());
    }
    void flush_() override { std::fflush(stderr); }

private:
    static int priority(spdlog::level::level_enum level) {
        switch (level) {
            case spdlog::level::critical:
                return 2;  // LOG_CRIT
            case spdlog::level::err:
                return 3;  // LOG_ERR
            case spdlog::level::warn:
                return 4;  // LOG_WARNING
            case spdlog::level::info:
                return 6;  // LOG_INFO
            default:
                return 7;  // LOG_DEBUG: debug and trace
        }
    }
};

// stderr on a terminal that `--serial stdio` may have made raw (no CR added to LF) and that
// the module writes to as well: each log line ends in CRLF and starts on a line of its own.
class TerminalStderrSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        if (wizfi250d::terminal_output_mid_line()) std::fputs("\r\n", stderr);
        colour_->log(msg);
        colour_->flush();
        wizfi250d::note_terminal_line_ended();
    }
    void flush_() override { colour_->flush(); }
    void set_pattern_(const std::string& pattern) override {
        set_formatter_(std::make_unique<spdlog::pattern_formatter>(
            pattern, spdlog::pattern_time_type::local, "\r\n"));
    }
    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override {
        colour_->set_formatter(std::move(formatter));
    }

private:
    std::shared_ptr<spdlog::sinks::stderr_color_sink_st> colour_ =
        std::make_shared<spdlog::sinks::stderr_color_sink_st>();
};

// Under systemd the journal gets the log (with priorities); otherwise stderr does.
void set_up_logging(const std::string& level) {
    std::shared_ptr<spdlog::logger> logger;
    if (stderr_is_journal()) {
        logger =
            std::make_shared<spdlog::logger>("wizfi250d", std::make_shared<JournalStderrSink>());
        logger->set_pattern("%v");
    } else if (::isatty(STDERR_FILENO) != 0) {
        auto sink = std::make_shared<TerminalStderrSink>();
        sink->set_formatter(
            std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::local, "\r\n"));
        logger = std::make_shared<spdlog::logger>("wizfi250d", std::move(sink));
    } else {
        logger = std::make_shared<spdlog::logger>(
            "wizfi250d", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    }
    logger->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(logger);
}

// A notification the manager does not get is logged, not fatal: without READY=1 or WATCHDOG=1
// the manager itself acts (start time-out, watchdog restart), with this line to explain why.
void tell_service_manager(std::string_view state) {
    if (const auto error = wizfi250d::service_notify::notify(state))
        spdlog::warn("cannot notify the service manager ({}): {}", state, error.message());
}

}  // namespace

int main(int argc, char** argv) {
    using namespace wizfi250d;
    std::string error;
    const auto command_line =
        parse_command_line(std::vector<std::string>(argv + 1, argv + argc), error);
    if (!command_line) {
        std::fprintf(stderr, "wizfi250d: %s\n%s", error.c_str(), usage_text().c_str());
        return 2;
    }
    if (command_line->show_help) {
        std::fputs(usage_text().c_str(), stdout);
        return 0;
    }
    if (command_line->show_version) {
        std::fputs("wizfi250d " WIZFI250D_VERSION "\n", stdout);
        return 0;
    }
    std::string log_level;
    auto settings = resolve_settings(*command_line, log_level, error);
    if (!settings) {
        std::fprintf(stderr, "wizfi250d: %s\n", error.c_str());
        return 2;
    }
    set_up_logging(log_level);
    // A closed stdout (stdio mode) must end the front end, not the process.
    std::signal(SIGPIPE, SIG_IGN);
    spdlog::info("wizfi250d {} on {} (Wi-Fi backend: {})", WIZFI250D_VERSION,
                 settings->serial.describe(), settings->wifi_backend);

    // One thread runs the loop: descriptors need no locks (only Asio's resolver thread posts
    // completions, which keeps the scheduler's lock).
    boost::asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO);
    SerialLink link(io, settings->serial);
    std::unique_ptr<WifiBackend> wifi;
    if (settings->wifi_backend == "wpa_supplicant") {
        AccessPointOptions ap;
        ap.runtime_dir = settings->runtime_dir;
        ap.hostapd_driver = settings->hostapd_driver;
        wifi = make_soft_ap_backend(io,
                                    make_wpa_supplicant_backend(io, wpa_backend_options(*settings)),
                                    settings->interface, ap);
    } else {
        wifi = make_host_backend(settings->interface);
    }
    Module module(io, *settings, link, std::move(wifi));

    boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
    stop_signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
        if (ec) return;
        spdlog::info("signal {}: shutting down", signal_number);
        tell_service_manager("STOPPING=1");
        module.shutdown();
        io.stop();
    });

    // SIGHUP: the config file again; what can change without dropping sockets changes.
    boost::asio::signal_set reload_signal(io, SIGHUP);
    std::function<void()> wait_for_reload = [&] {
        reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            tell_service_manager("RELOADING=1");
            std::string reload_error;
            std::string new_level;
            const auto reloaded = resolve_settings(*command_line, new_level, reload_error);
            if (reloaded) {
                spdlog::set_level(spdlog::level::from_str(new_level));
                module.reload(*reloaded);
                spdlog::info("configuration reloaded");
            } else {
                spdlog::error("configuration not reloaded: {}", reload_error);
            }
            tell_service_manager("READY=1");
            wait_for_reload();
        });
    };
    wait_for_reload();

    // systemd's watchdog: a ping from the event loop, so a stuck loop is restarted.
    boost::asio::steady_timer watchdog(io);
    std::chrono::microseconds watchdog_interval{0};
    if (const auto watchdog_error = service_notify::watchdog_interval(watchdog_interval))
        spdlog::warn("watchdog not pinged: WATCHDOG_USEC or WATCHDOG_PID invalid: {}",
                     watchdog_error.message());
    std::function<void()> ping_watchdog = [&] {
        tell_service_manager("WATCHDOG=1");
        watchdog.expires_after(watchdog_interval / 2);
        watchdog.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) ping_watchdog();
        });
    };
    if (watchdog_interval.count() > 0) ping_watchdog();

    // The saved UART settings apply from the first byte.
    module.load_saved_profile();
    link.start(
        module.profile().uart, [&](std::string_view bytes) { module.on_serial_input(bytes); },
        [&] {
            spdlog::info("serial input ended: shutting down");
            module.shutdown();
            io.stop();
        });
    module.start();
    tell_service_manager("READY=1");
    io.run();
    return 0;
}
