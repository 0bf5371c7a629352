// SPDX-License-Identifier: Apache-2.0
#pragma once

// A fixture for the command-handler unit tests: a real Module on a pseudo-terminal. A test
// calls a handler directly (as the dispatcher does: handler, then the final code it returns) and
// gets the bytes the host reads on the other side of the pty.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "../../src/commands/handlers.hpp"
#include "../support/no_link_backend.hpp"
#include "wizfi250d/at/command_table.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/module/settings.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/serial/serial_port.hpp"

namespace wizfi250d::testing {

inline std::string make_temp_dir() {
    std::string pattern = ::testing::TempDir() + "wizfi250d-commands-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return {};
    return pattern;
}

inline DaemonSettings fixture_settings(const std::string& dir, bool binary_ssid_wset) {
    DaemonSettings settings;
    // Never the machine's /var/lib/wizfi250d: AT+MPROF=S and friends write the profile there.
    settings.state_dir = dir + "/state";
    settings.runtime_dir = dir + "/run";
    settings.wset_binary_ssid = binary_ssid_wset;
    // Long enough that the [OK] of a rebooting command is read before the banner comes.
    settings.reboot_delay = std::chrono::milliseconds{50};
    return settings;
}

using test::NoLinkBackend;

class CommandTest : public ::testing::Test {
protected:
    explicit CommandTest(bool binary_ssid_wset = false)
        : dir_(make_temp_dir()),
          link_(io_, SerialSpec{SerialSpec::Kind::pty, dir_ + "/tty"}),
          module_(io_, fixture_settings(dir_, binary_ssid_wset), link_,
                  std::make_unique<NoLinkBackend>()) {
        spdlog::set_level(spdlog::level::warn);  // the pty's "open at" lines are noise here
        link_.start(
            module_.profile().uart, [](std::string_view) {}, [] {});
        host_ = ::open((dir_ + "/tty").c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    }

    ~CommandTest() override {
        if (host_ >= 0) ::close(host_);
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    void SetUp() override { ASSERT_GE(host_, 0) << "cannot open the pty at " << dir_; }

    // Runs a handler the way the dispatcher does and returns what the host receives.
    std::string run(CommandHandler handler, std::string_view args) {
        const ResultCode code = handler(module_, args);
        if (code != ResultCode::none && code != ResultCode::pending) module_.output().result(code);
        return received();
    }

    // Runs the event loop for a while (a reboot) and returns what the host receives.
    std::string settle(std::chrono::milliseconds duration) {
        io_.run_for(duration);
        io_.restart();
        return received();
    }

    // Everything written so far, as the host reads it.
    std::string received() {
        std::string bytes;
        for (int idle_rounds = 0; idle_rounds < 3;) {
            io_.poll();
            io_.restart();
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(host_, buffer.data(), buffer.size());
            if (n > 0) {
                bytes.append(buffer.data(), static_cast<std::size_t>(n));
                idle_rounds = 0;
            } else if (link_.queued() == 0) {
                ++idle_rounds;
            }
        }
        return bytes;
    }

    Module& module() { return module_; }
    Profile& ram() { return module_.images().ram; }
    Profile& saved() { return module_.images().saved; }

private:
    boost::asio::io_context io_;
    std::string dir_;
    SerialLink link_;
    Module module_;
    int host_ = -1;
};

// The final result codes (spec §1.6).
inline constexpr std::string_view ok = "[OK]\r\n";
inline constexpr std::string_view error = "[ERROR]\r\n";
inline constexpr std::string_view invalid_input = "[ERROR: INVALID INPUT]\r\n";
inline constexpr std::string_view invalid_scid = "[ERROR: INVALID SCID]\r\n";
inline constexpr std::string_view wifi_status = "[ERROR: WiFi Status]\r\n";
inline constexpr std::string_view mode_status = "[ERROR: Mode Status]\r\n";

// "value\r\n[OK]\r\n"
inline std::string answer(std::string_view value) {
    return std::string(value) + "\r\n" + std::string(ok);
}

}  // namespace wizfi250d::testing
