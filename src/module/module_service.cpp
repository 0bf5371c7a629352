// SPDX-License-Identifier: Apache-2.0
// The service socket (spec §5.5), the boot-time join (§5.3) and the recovery options of
// AT+FSOCK 6, 7 and 8.

#include <spdlog/spdlog.h>

#include "wizfi250d/module/module.hpp"
#include "wizfi250d/module/service.hpp"
#include "wizfi250d/net/pinger.hpp"

namespace wizfi250d {

void Module::boot_join() {
    // The join lines and the Link-Up block print as for AT+WJOIN, but no [OK]; serial input
    // waits meanwhile, as on the module.
    set_state(ModuleState::busy, "boot join");
    join([this](bool up) {
        if (!up) spdlog::info("boot join failed; AT+WCHECK or AT+FSOCK=8 may retry by resetting");
        if (state_ == ModuleState::busy) set_state(ModuleState::command, "boot done");
        process_input();
    });
}

void Module::run_service_check() {
    last_service_try_ = std::chrono::steady_clock::now();
    const SocketService& record = images_.ram.service;
    if (!is_service(record) || !link_up() || sockets_.count() > 0) return;
    auto spec = socket_spec_for(record, images_.ram.domain_name);
    if (!spec) return;
    // An "S" UDP server is opened without its remote fields.
    if (record.open_type == "S" && spec->kind.transport == Transport::udp &&
        spec->kind.role == Role::server) {
        spec->remote_ip = Ipv4{};
        spec->remote_port = 0;
    }
    spdlog::info("opening the service socket {}", record.socket_type);
    // The result shows only as [CONNECT n] / [DISCONNECT n], with no [OK].
    open_socket(*spec);
}

void Module::recovery_reset(std::string_view why) {
    spdlog::warn("module reset: {}", why);
    reboot(true);
}

void Module::check_gateway(std::chrono::steady_clock::time_point now) {
    const auto& [period_s, count, limit, smart_antenna] = images_.ram.wifi_check;
    if (period_s == 0) {
        // Off: the clock follows, so the first round comes one period after AT+WCHECK turns
        // the watchdog on (the firmware starts its thread then).
        last_gateway_check_ = now;
        return;
    }
    if (gateway_check_running_ || now - last_gateway_check_ < std::chrono::seconds(period_s))
        return;
    last_gateway_check_ = now;
    const bool station = images_.ram.wifi_mode == WifiMode::station;
    if (station && !link_up() && is_service(images_.ram.service)) {
        // How the firmware retries a failed boot-time join.
        recovery_reset("AT+WCHECK: no station link in service mode");
        return;
    }
    if (!link_up() || wifi_link_->gateway.is_zero()) return;
    gateway_check_running_ = true;
    // Only timeouts count, as in the firmware: a ping that cannot even be sent (no ICMP
    // socket, no route) says nothing about the gateway.
    auto timeouts = std::make_shared<unsigned>(0);
    PingerOptions options;
    options.timeout = std::chrono::seconds(1);
    Pinger::create(io_, options)
        ->run(
            wifi_link_->gateway, count,
            [timeouts](const PingResult& result) {
                if (result.outcome == PingOutcome::timeout) ++*timeouts;
            },
            [this, timeouts, count = count, limit = limit, smart_antenna = smart_antenna] {
                gateway_check_running_ = false;
                // The next period starts after the round, as the firmware sleeps after pinging.
                last_gateway_check_ = std::chrono::steady_clock::now();
                spdlog::debug("AT+WCHECK: {} of {} gateway pings timed out", *timeouts, count);
                // A verdict for a watchdog turned off, a link gone or a reboot begun meanwhile
                // is stale.
                if (*timeouts < limit || images_.ram.wifi_check[0] == 0 || !link_up() ||
                    state_ == ModuleState::rebooting)
                    return;
                if (smart_antenna == 1) {
                    // The firmware switches antennas instead of resetting (with WANT auto) or
                    // does nothing; there is no antenna to switch here.
                    spdlog::warn(
                        "AT+WCHECK: {} of {} gateway pings timed out; smart antenna "
                        "is on, so no reset",
                        *timeouts, count);
                    return;
                }
                recovery_reset("AT+WCHECK: " + std::to_string(*timeouts) + " of " +
                               std::to_string(count) + " gateway pings timed out");
            });
}

void Module::check_recovery_options(std::chrono::steady_clock::time_point now) {
    const Profile& p = images_.ram;
    const auto seconds = [&p](unsigned option) {
        return std::chrono::seconds(p.socket_option(option));
    };
    const bool service = is_service(p.service);

    // 6: re-open the service when no socket at all is open.
    if (seconds(6).count() > 0 && service && now - last_service_try_ >= seconds(6) &&
        sockets_.count() == 0 && state_ == ModuleState::command)
        run_service_check();

    // 7: no socket data either way for this long (the clock starts at boot).
    if (seconds(7).count() > 0) {
        auto last = last_socket_data_;
        for (const auto& socket : sockets_.open_sockets())
            last = std::max(last, socket->last_activity());
        if (now - last >= seconds(7)) {
            recovery_reset("no socket data (AT+FSOCK=7)");
            return;
        }
    }

    check_gateway(now);
    if (state_ == ModuleState::rebooting) return;

    // 8: a service module with the link up but no socket for this long.
    if (sockets_.count() > 0 || !link_up()) no_socket_since_ = now;
    if (seconds(8).count() > 0 && service && link_up() && now - no_socket_since_ >= seconds(8))
        recovery_reset("no socket open (AT+FSOCK=8)");
}

}  // namespace wizfi250d
