// SPDX-License-Identifier: Apache-2.0
// F group commands (spec §2.5): ping and DNS, socket options, GPIO and web-server settings.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "command_support.hpp"
#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/net/name_lookup.hpp"
#include "wizfi250d/net/pinger.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/profile/profile_text.hpp"

namespace wizfi250d::commands {

namespace {

constexpr std::uint32_t no_limit = std::numeric_limits<std::uint32_t>::max();

// AT+FSOCK options 1-9 (spec §2.5): the accepted values are 0 (where it means "off") or
// [min, max].
struct SocketOptionRange {
    bool zero_allowed;
    std::uint32_t min;
    std::uint32_t max;
    bool accepts(std::uint32_t value) const {
        return (zero_allowed && value == 0) || (value >= min && value <= max);
    }
};
constexpr std::array<SocketOptionRange, 9> socket_option_ranges{{
    {true, 2000, 20000},    // 1 TCP send timeout, ms (0 = wait forever)
    {true, 2000, 20000},    // 2 packet-buffer allocation timeout, ms
    {true, 0, no_limit},    // 3 critical-error counter limit: any
    {false, 10, no_limit},  // 4 data-mode flush timer, ms (Q10: used from the next boot)
    {true, 5, 3600},        // 5 TCP idle timeout, s
    {true, 10, 1000},       // 6 service retry, s
    {true, 5, 1000},        // 7 data-idle reset, s
    {true, 5, 1000},        // 8 no-socket reset, s
    {true, 0, no_limit},    // 9 TCP server multi-connection: any
}};
// AT+FSOCK=? shows options 1-8 only.
constexpr std::size_t shown_socket_options = 8;

// AT+FWEBS types: start on every link-up, manual; "F" is the FUNCTION-button action.
constexpr std::array<std::string_view, 2> web_server_types{"A", "M"};
constexpr std::string_view function_button = "F";
// What the module prints before the FUNCTION-button action's [OK] (spec §3.1, RSP class).
constexpr std::string_view function_button_text = "Set AP Mode & Web Server Launch";
constexpr std::size_t web_menu_length = 7;

// AT+FGPIO actions (spec §2.5).
enum class GpioAction : std::uint32_t { read = 0, write = 1, configure = 2 };
constexpr std::uint32_t max_gpio_config = 5;  // 0-2 inputs, 3-5 outputs
constexpr unsigned gpio_input_mode = 0;
constexpr unsigned gpio_output_mode = 1;

constexpr std::uint32_t max_ping_count = 50;
// No link: wiced_ping fails at once for every echo request.
constexpr std::string_view ping_failure = "Ping error";

GpioConfig* find_gpio(Profile& profile, std::uint32_t pin) {
    const auto it = std::find_if(profile.gpio.begin(), profile.gpio.end(),
                                 [pin](const GpioConfig& gpio) { return gpio.pin == pin; });
    return it == profile.gpio.end() ? nullptr : &*it;
}

}  // namespace

ResultCode fsock(Module& m, std::string_view args) {
    auto& options = m.profile().socket_options;
    if (is_query(args)) {
        std::string text;
        for (std::size_t i = 0; i < shown_socket_options; ++i)
            text += (i == 0 ? "" : ",") + std::to_string(options[i]);
        m.output().line(text);
        return ResultCode::ok;
    }
    const Params params(args);
    const auto option = number_in_range(params, 0, 1, socket_option_ranges.size());
    const auto value = number_field(params, 1);
    if (!option || !value || !socket_option_ranges[*option - 1].accepts(*value))
        return ResultCode::invalid_input;
    options[*option - 1] = *value;
    return ResultCode::ok;
}

ResultCode fwebs(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(std::string(m.web_server_running() ? "1," : "0,") +
                        m.profile().web_server_type);
        return ResultCode::ok;
    }
    const Params params(args);
    const auto start = number_in_range(params, 0, 0, 1);
    if (!start) return ResultCode::invalid_input;
    if (params.present(1)) {
        const std::string type = to_upper(*params[1]);
        if (type == function_button) {
            // AP mode, web and Air command, then a reboot (spec §7).
            m.output().line(function_button_text);
            m.output().result(ResultCode::ok);
            m.function_button();
            return ResultCode::none;
        }
        if (std::find(web_server_types.begin(), web_server_types.end(), type) ==
            web_server_types.end())
            return ResultCode::invalid_input;
        m.profile().web_server_type = type.front();
    }
    if (*start == 0) {
        m.stop_web_server();
        return ResultCode::ok;
    }
    // Turned off in the daemon config: never starts.
    if (!m.settings().web.enabled) return ResultCode::error;
    // Without a link: [OK] and no action, as on the module.
    if (!m.link_up() || m.web_server_running()) return ResultCode::ok;
    return m.start_web_server() ? ResultCode::ok : ResultCode::error;
}

ResultCode fwebm(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(m.profile().web_menu);
        return ResultCode::ok;
    }
    const Params params(args);
    // Seven decimal digits (the firmware accepts 0-9 in each place, not only 0/1).
    if (!params.present(0) || params[0]->size() != web_menu_length ||
        params[0]->find_first_not_of("0123456789") != std::string::npos)
        return ResultCode::invalid_input;
    m.profile().web_menu = *params[0];
    return ResultCode::ok;
}

ResultCode fota(Module& /*m*/, std::string_view /*args*/) {
    // The module would become an OTA access point and never come back; here nothing happens
    // (spec §7).
    return ResultCode::ok;
}

ResultCode fgpio(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(gpio_text(m.profile()));
        return ResultCode::ok;
    }
    // No GPIO hardware: the pins' configuration and values live in the RAM profile only; an
    // input reads back its stored value.
    const Params params(args);
    const auto action = number_in_range(params, 0, 0, 2);
    const auto pin = number_field(params, 1);
    GpioConfig* gpio = pin ? find_gpio(m.profile(), *pin) : nullptr;
    if (!action || gpio == nullptr) return ResultCode::invalid_input;

    switch (static_cast<GpioAction>(*action)) {
        case GpioAction::read:
            if (gpio->mode() != gpio_input_mode) return ResultCode::invalid_input;
            m.output().line(std::to_string(gpio->value));
            return ResultCode::ok;
        case GpioAction::write: {
            if (gpio->mode() != gpio_output_mode) return ResultCode::invalid_input;
            const auto value = number_in_range(params, 2, 0, 1);
            if (!value) return ResultCode::invalid_input;
            gpio->value = *value;
            return ResultCode::ok;
        }
        case GpioAction::configure: {
            // The firmware skips this range check by mistake; the spec's range is kept.
            const auto config = number_in_range(params, 2, 0, max_gpio_config);
            if (!config) return ResultCode::invalid_input;
            gpio->config = *config;
            return ResultCode::ok;
        }
    }
    return ResultCode::invalid_input;
}

ResultCode fgetadc(Module& /*m*/, std::string_view /*args*/) {
    return ResultCode::invalid_input;  // no ADC configured: the firmware's ADC failure answer
}

ResultCode fping(Module& m, std::string_view args) {
    const Params params(args);
    const auto count = number_in_range(params, 0, 0, max_ping_count);
    const auto target = params.present(1) ? parse_ipv4(*params[1]) : std::nullopt;
    if (!count || !target) return ResultCode::invalid_input;
    if (!m.link_up()) {
        // No link: wiced_ping fails its link check at once, for every echo request; [OK] even
        // when every ping failed.
        for (std::uint32_t i = 0; i < *count; ++i)
            m.output().line(ping_failure);
        return ResultCode::ok;
    }
    if (*count == 0) return ResultCode::ok;
    // 900 ms per ping, one after another; each line is printed as its ping ends.
    Pinger::create(m.io())->run(
        *target, *count,
        [&m](const PingResult& result) {
            switch (result.outcome) {
                case PingOutcome::reply: {
                    std::array<char, 32> text{};
                    std::snprintf(text.data(), text.size(), "Ping Reply : %3lu ms",
                                  static_cast<unsigned long>(result.elapsed.count()));
                    m.output().line(text.data());
                    break;
                }
                case PingOutcome::timeout:
                    m.output().line("Ping timeout");
                    break;
                case PingOutcome::error:
                    m.output().line(ping_failure);
                    break;
            }
        },
        [&m] { m.finish_command(ResultCode::ok); });
    return ResultCode::pending;
}

ResultCode fdns(Module& m, std::string_view args) {
    const Params params(args);
    // The timeout must be a number; its range is not checked (spec §2.5).
    const auto timeout = number_field(params, 1);
    if (!params.present(0) || !timeout) return ResultCode::invalid_input;
    // wiced_hostname_lookup checks the station link first, even for a dotted quad.
    if (!m.link_up()) return ResultCode::error;
    // Any timeout is used as given: 0 fails every name that needs a query, as in the firmware.
    m.make_name_lookup()->lookup(*params[0], std::chrono::milliseconds(*timeout),
                                 [&m](std::optional<Ipv4> address) {
                                     if (address) m.output().line(address->to_string());
                                     m.finish_command(address ? ResultCode::ok : ResultCode::error);
                                 });
    return ResultCode::pending;
}

}  // namespace wizfi250d::commands
