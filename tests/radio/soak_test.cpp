// SPDX-License-Identifier: Apache-2.0
// A soak on the real radio (not in the test command: DISABLED_, run by scripts/radio-soak.sh):
// eight TCP sockets over the radio to an echo server, random payloads through AT+SSEND, every
// echoed byte checked in its frames, data-mode rounds (up to 16 KiB out and back raw, then +++),
// random AT commands between, and the AP going away and coming back at random (spec §3.2: every
// socket closes, the link returns, the sockets are opened again). The daemon's VmRSS is sampled
// every 5 s ("rss <seconds> <kB>" lines on stdout). WIZFI250D_SOAK_MINUTES sets the length (default
// 2).

#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

using Clock = std::chrono::steady_clock;

class RadioSoak : public RadioTest {
protected:
    long rss_kb() const {
        const auto status = itest::read_file("/proc/" + std::to_string(daemon_->pid()) + "/status");
        const auto at = status.find("VmRSS:");
        return at == std::string::npos ? -1 : std::atol(status.c_str() + at + 6);
    }

    // Opens CIDs 0-7 as TCP clients of the echo server.
    void open_sockets() {
        for (int cid = 0; cid < 8; ++cid) {
            ASSERT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kGateway + ",5000,,0", "[OK]\r\n"));
            ASSERT_TRUE(daemon_->expect("\r\n[CONNECT " + std::to_string(cid) + "]\r\n", 10s));
        }
    }

    void close_sockets() {
        for (int cid = 0; cid < 8; ++cid) {
            const std::string id = std::to_string(cid);
            ASSERT_TRUE(daemon_->transact("AT+SMGMT=" + id,
                                          "\r\n[DISCONNECT " + id + "]\r\n[OK]\r\n", 10s));
        }
    }

    // A data-mode TCP client: `payload` out and its echo back raw (spec §4), then +++.
    void data_mode(const std::string& payload) {
        ASSERT_NO_FATAL_FAILURE(close_sockets());
        ASSERT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kGateway + ",5000,,1",
                                      "[OK]\r\n\r\n[CONNECT 0]\r\n", 10s));
        ASSERT_TRUE(daemon_->send(payload));
        ASSERT_TRUE(daemon_->expect(payload, 30s));
        ASSERT_TRUE(daemon_->send("+++"));
        ASSERT_TRUE(daemon_->expect("[OK]\r\n", 5s));
        ASSERT_TRUE(daemon_->transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n", 10s));
        ASSERT_NO_FATAL_FAILURE(open_sockets());
    }

    // Sends `payload` on `cid` and reads its echo back, in as many frames as the network made.
    void echo(int cid, const std::string& payload) {
        const std::string id = std::to_string(cid);
        ASSERT_TRUE(daemon_->transact("AT+SSEND=" + id + ",,," + std::to_string(payload.size()),
                                      "[" + id + ",,," + std::to_string(payload.size()) + "]\r\n"));
        ASSERT_TRUE(daemon_->send(payload));
        ASSERT_TRUE(daemon_->expect("[OK]\r\n", 10s));
        std::size_t done = 0;
        while (done < payload.size()) {
            const std::string head = "{" + id + "," + kGateway + ",5000,";
            ASSERT_TRUE(daemon_->expect(head, 10s)) << "byte " << done << " of " << payload.size();
            std::string length_text;
            ASSERT_TRUE(daemon_->read_until({"}"}, length_text, 5s));
            const std::size_t length = std::stoul(length_text);
            ASSERT_LE(done + length, payload.size());
            ASSERT_TRUE(daemon_->expect(payload.substr(done, length) + "\r\n", 10s));
            done += length;
        }
    }
};

TEST_F(RadioSoak, DISABLED_EightSocketsRandomTrafficAndTheApComingAndGoing) {
    const char* minutes_text = std::getenv("WIZFI250D_SOAK_MINUTES");
    const double minutes = minutes_text != nullptr ? std::atof(minutes_text) : 2.0;
    std::mt19937 rng(0x50a4);
    start_ap(kAp1, "RadioSoak", 6, ap_security("WPA2AES").hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_echo_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioSoak", ap_security("WPA2AES")));
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioSoak", ip));
    ASSERT_NO_FATAL_FAILURE(open_sockets());

    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(minutes * 60));
    auto next_sample = start;
    std::size_t bytes = 0, commands = 0, losses = 0, data_modes = 0;
    while (Clock::now() < end) {
        if (Clock::now() >= next_sample) {
            std::printf(
                "rss %lld %ld\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count()),
                rss_kb());
            std::fflush(stdout);
            next_sample = Clock::now() + 5s;
        }
        const unsigned dice = rng() % 100;
        if (dice < 2) {
            // The AP goes away: every socket closes, the link goes; it comes back by itself.
            ++losses;
            stop_ap(kAp1);
            std::string out;
            ASSERT_TRUE(daemon_->read_until({"\r\n[Link-Down Event]\r\n"}, out, 30s));
            for (int cid = 0; cid < 8; ++cid)
                EXPECT_NE(out.find("\r\n[DISCONNECT " + std::to_string(cid) + "]\r\n"),
                          std::string::npos)
                    << itest::escape_bytes(out);
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 3000));
            start_ap(kAp1, "RadioSoak", 6, ap_security("WPA2AES").hostapd);
            ASSERT_TRUE(daemon_->read_until({"  Gateway    : " + kGateway + "\r\n"}, out, 60s));
            ASSERT_NO_FATAL_FAILURE(open_sockets());
        } else if (dice < 4) {
            // Random bytes without '+': no "+++" of the payload's own.
            std::string payload(1 + rng() % 16384, '\0');
            for (auto& c : payload) {
                unsigned byte = rng() % 255;
                if (byte >= '+') ++byte;  // every byte but '+'
                c = static_cast<char>(byte);
            }
            ASSERT_NO_FATAL_FAILURE(data_mode(payload));
            bytes += payload.size();
            ++data_modes;
        } else if (dice < 10) {
            ++commands;
            ASSERT_TRUE(daemon_->transact(
                "AT+MINFO", "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n"));
        } else {
            std::string payload(1 + rng() % 1400, '\0');
            for (auto& c : payload)
                c = static_cast<char>(rng() % 256);
            ASSERT_NO_FATAL_FAILURE(echo(static_cast<int>(rng() % 8), payload));
            bytes += payload.size();
        }
    }
    std::printf(
        "soak: %.1f min, %zu bytes echoed and checked, %zu data-mode rounds, %zu "
        "commands, %zu AP losses, VmRSS %ld kB at the end\n",
        minutes, bytes, data_modes, commands, losses, rss_kb());
    EXPECT_TRUE(daemon_->running());
}

}  // namespace
}  // namespace wizfi250d::rtest
