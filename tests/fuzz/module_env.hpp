// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real Module for the fuzz targets, built afresh for every input and destroyed after it:
//
//   - the serial side is a real pseudo-terminal (the --serial pty:LINK front end) in a temporary
//     directory; the fuzzer holds the slave side open and drains it, as a host that reads;
//   - the Wi-Fi backend is test::NoLinkBackend: a stand-in for the radio that never links, so no
//     command can open a socket or send a packet; or, for data mode, test::LoopbackLinkBackend,
//     which links with 127.0.0.1, and a peer of the env's own on 127.0.0.1 takes the packets
//     (enter_data_mode()); no traffic leaves the machine;
//   - the state directory (profile, run marker, certificates) is emptied after every input, so
//     that one input cannot change what the next one sees;
//   - the log goes to a null sink at trace level, so the trace formatting (secret masking, hex
//     dumps) runs on the fuzz input too.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
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

#include "../support/loopback_link_backend.hpp"
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
    // loopback_link: the radio stand-in links with 127.0.0.1 (for enter_data_mode()).
    explicit ModuleEnv(bool binary_ssid_wset = false, bool loopback_link = false)
        : state_dir_(process_dir() + "/state"),
          link_(io_, SerialSpec{SerialSpec::Kind::pty, process_dir() + "/tty"}),
          module_(io_, fuzz_settings(state_dir_, binary_ssid_wset), link_,
                  loopback_link
                      ? std::unique_ptr<WifiBackend>(std::make_unique<test::LoopbackLinkBackend>())
                      : std::make_unique<test::NoLinkBackend>()) {
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
        for (const int fd : {peer_, listener_})
            if (fd >= 0) ::close(fd);
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
            const std::size_t read = drain() + serve_peer();
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

    // AT+WJOIN, then AT+SCON in data mode (TCN, or UCN with udp) to a peer of the env's own on
    // 127.0.0.1; true once the module is in data mode. The peer then takes every packet and,
    // with echo, sends it back (network -> serial). Needs loopback_link.
    bool enter_data_mode(bool udp, bool echo) {
        echo_ = echo;
        udp_ = udp;
        const int type = (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
        const int fd = ::socket(AF_INET, type, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            (!udp && ::listen(fd, 1) != 0) ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            if (fd >= 0) ::close(fd);
            return false;
        }
        (udp ? peer_ : listener_) = fd;
        module_.on_serial_input("AT+WJOIN\r");
        settle();
        const std::string scon = std::string("AT+SCON=O,") + (udp ? "UCN" : "TCN") + ",127.0.0.1," +
                                 std::to_string(ntohs(address.sin_port)) + ",,1\r";
        module_.on_serial_input(scon);
        for (int round = 0; round < 200 && module_.state() != ModuleState::data; ++round) {
            settle();
            if (!udp && peer_ < 0) peer_ = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK);
            if (module_.state() != ModuleState::data) io_.run_one_for(std::chrono::milliseconds{5});
            io_.restart();
        }
        settle();
        output_.clear();
        return module_.state() == ModuleState::data;
    }

    // Bytes the peer has taken (the packets, concatenated).
    const std::string& peer_received() const { return peer_received_; }

    Module& module() { return module_; }
    SerialLink& link() { return link_; }
    boost::asio::io_context& io() { return io_; }
    std::string& output() { return output_; }

private:
    // The data-mode peer takes what arrived (every UDP datagram at most one packet) and echoes
    // it when asked; returns the byte count.
    std::size_t serve_peer() {
        if (peer_ < 0) return 0;
        std::size_t total = 0;
        std::array<char, 65536> buffer{};
        for (;;) {
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const ssize_t n = ::recvfrom(peer_, buffer.data(), buffer.size(), 0,
                                         reinterpret_cast<sockaddr*>(&from), &length);
            if (n <= 0) break;
            const auto size = static_cast<std::size_t>(n);
            if (udp_ && size > DataPump::packet_limit + 1) {
                std::fprintf(stderr, "wizfi250d fuzz: a datagram of %zu bytes\n", size);
                std::abort();
            }
            total += size;
            if (peer_received_.size() < (std::size_t{1} << 20))
                peer_received_.append(buffer.data(), size);
            // What does not fit is dropped: the peer never blocks.
            if (echo_)
                (void)::sendto(peer_, buffer.data(), size, MSG_NOSIGNAL,
                               reinterpret_cast<sockaddr*>(&from), udp_ ? length : 0);
        }
        return total;
    }

    boost::asio::io_context io_;
    std::string state_dir_;
    SerialLink link_;
    Module module_;
    int host_ = -1;
    std::string output_;
    int listener_ = -1;
    int peer_ = -1;
    bool udp_ = false;
    bool echo_ = false;
    std::string peer_received_;
};

}  // namespace wizfi250d::fuzz
