// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real Module for the fuzz targets, built afresh for every input and destroyed after it:
//
//   - the serial side is a real pseudo-terminal (the --serial pty:LINK front end) in a temporary
//     directory; the fuzzer holds the slave side open and drains it, as a host that reads;
//   - the Wi-Fi backend is test::NoLinkBackend: a stand-in for the radio that never links, so no
//     command can open a socket or send a packet (no network traffic from fuzzing);
//   - the state directory (profile, run marker, certificates) is emptied after every input, so
//     that one input cannot change what the next one sees;
//   - the log goes to a null sink at trace level, so the trace formatting (secret masking, hex
//     dumps) runs on the fuzz input too.

#include <fcntl.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../support/no_link_backend.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/module/settings.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/serial/serial_port.hpp"

namespace wizfi250d::fuzz {

// The temporary directory of this fuzzer process: on tmpfs (/dev/shm) when there is one, so
// that the profile's fsync costs nothing. Removed at exit.
inline const std::string& process_dir() {
    // Never destroyed: the atexit cleanup below runs after static destructors would have.
    static const std::string* const dir = [] {
        std::string base = "/tmp";
        if (::access("/dev/shm", W_OK) == 0) base = "/dev/shm";
        if (const char* tmp = std::getenv("WIZFI250D_FUZZ_TMPDIR"); tmp != nullptr && *tmp)
            base = tmp;
        std::string pattern = base + "/wizfi250d-fuzz-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("wizfi250d fuzz: mkdtemp");
            std::abort();
        }
        return new std::string(pattern);
    }();
    static const bool cleanup_registered = [] {
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(*dir, ec);
        });
        return true;
    }();
    (void)cleanup_registered;
    return *dir;
}

inline void quiet_trace_logging() {
    static const bool done = [] {
        auto logger = std::make_shared<spdlog::logger>(
            "wizfi250d-fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
        return true;
    }();
    (void)done;
}

inline DaemonSettings fuzz_settings(const std::string& state_dir, bool binary_ssid_wset) {
    DaemonSettings settings;
    settings.serial = SerialSpec{SerialSpec::Kind::pty, process_dir() + "/tty"};
    settings.state_dir = state_dir;
    settings.runtime_dir = process_dir() + "/run";
    settings.wset_binary_ssid = binary_ssid_wset;
    settings.reboot_delay = std::chrono::milliseconds{0};
    // The Air command server would listen on a socket: off (it also needs a link, which the
    // stand-in never gives).
    settings.air_command.enabled = false;
    return settings;
}

// One Module on a pty, started (banner printed, command mode).
class ModuleEnv {
public:
    explicit ModuleEnv(bool binary_ssid_wset = false)
        : state_dir_(process_dir() + "/state"),
          link_(io_, SerialSpec{SerialSpec::Kind::pty, process_dir() + "/tty"}),
          module_(io_, fuzz_settings(state_dir_, binary_ssid_wset), link_,
                  std::make_unique<test::NoLinkBackend>()) {
        quiet_trace_logging();
        module_.load_saved_profile();
        link_.start(
            module_.profile().uart,
            [this](std::string_view bytes) { module_.on_serial_input(bytes); }, [] {});
        host_ = ::open((process_dir() + "/tty").c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (host_ < 0) {
            std::perror("wizfi250d fuzz: open the pty slave");
            std::abort();
        }
        module_.start();
        settle();
    }

    ~ModuleEnv() {
        if (host_ >= 0) ::close(host_);
        // Nothing of this input may reach the next one.
        std::error_code ec;
        std::filesystem::remove_all(state_dir_, ec);
    }

    ModuleEnv(const ModuleEnv&) = delete;
    ModuleEnv& operator=(const ModuleEnv&) = delete;

    // Runs ready handlers (and timers that have expired) and drains the host side, for at most
    // max_rounds rounds; stops earlier when nothing happened twice in a row.
    void settle(int max_rounds = 64) {
        int idle = 0;
        for (int round = 0; round < max_rounds && idle < 2; ++round) {
            const std::size_t ran = io_.poll();
            io_.restart();
            const std::size_t read = drain();
            idle = (ran == 0 && read == 0) ? idle + 1 : 0;
        }
    }

    // Reads what the host side has; returns the byte count.
    std::size_t drain() {
        std::size_t total = 0;
        std::array<char, 8192> buffer{};
        for (;;) {
            const ssize_t n = ::read(host_, buffer.data(), buffer.size());
            if (n <= 0) break;
            output_.append(buffer.data(), static_cast<std::size_t>(n));
            total += static_cast<std::size_t>(n);
        }
        // Keep only the tail: the targets look at recent output, not at everything.
        if (output_.size() > (std::size_t{1} << 20)) output_.erase(0, output_.size() / 2);
        return total;
    }

    Module& module() { return module_; }
    SerialLink& link() { return link_; }
    boost::asio::io_context& io() { return io_; }
    std::string& output() { return output_; }

private:
    boost::asio::io_context io_;
    std::string state_dir_;
    SerialLink link_;
    Module module_;
    int host_ = -1;
    std::string output_;
};

}  // namespace wizfi250d::fuzz
