// SPDX-License-Identifier: Apache-2.0
// M and U group commands (spec §2.4): message level, echo, events, UART settings, reboots and
// the other module-management commands.

#include <array>
#include <chrono>
#include <cstdio>
#include <string>

#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>

#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/profile/profile_text.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/serial/uart_rate.hpp"
#include "wizfi250d/serial/uart_settings.hpp"

namespace wizfi250d::commands {

namespace {

constexpr std::string_view query = "?";

// Prints a query value line; the final [OK] follows from the dispatcher.
ResultCode answer(Module& m, std::string_view value) {
    m.output().line(value);
    return ResultCode::ok;
}

// A setting that is one number in [min, max], shown as that number by "?".
template <typename T>
ResultCode number_setting(Module& m, std::string_view args, T& field, std::uint32_t min,
                          std::uint32_t max) {
    if (args == query) return answer(m, std::to_string(field));
    const Params params(args);
    const auto value = params.present(0) ? parse_number(*params[0]) : std::nullopt;
    if (!value || *value < min || *value > max) return ResultCode::invalid_input;
    field = static_cast<T>(*value);
    return ResultCode::ok;
}

// A 0/1 setting shown as 0/1 by "?".
ResultCode flag_setting(Module& m, std::string_view args, bool& field) {
    if (args == query) return answer(m, field ? "1" : "0");
    const auto value = parse_bool(args);
    if (!value) return ResultCode::invalid_input;
    field = *value;
    return ResultCode::ok;
}

constexpr std::array<std::string_view, 7> customer_codes{"WIZNET", "SHINHEUNG", "URIEL",  "POSBANK",
                                                         "COWAYA", "COWAYB",    "ENCORED"};

constexpr std::size_t help_name_width = 15;

// AT+MCERT=W takes less than this many bytes.
constexpr std::uint32_t max_certificate_length = 4096;

// AT+MCERT's type letter: Certificate, Key, Root CA (case-insensitive).
std::optional<CertificateKind> certificate_kind(char letter) {
    switch (std::toupper(static_cast<unsigned char>(letter))) {
        case 'C':
            return CertificateKind::certificate;
        case 'K':
            return CertificateKind::key;
        case 'R':
            return CertificateKind::root_ca;
        default:
            return std::nullopt;
    }
}

struct ParityName {
    char letter;
    Parity parity;
};
constexpr std::array<ParityName, 3> parity_names{
    {{'N', Parity::none}, {'E', Parity::even}, {'O', Parity::odd}}};

std::optional<Parity> parse_parity(std::string_view text) {
    if (text.size() != 1) return std::nullopt;
    for (const auto& entry : parity_names)
        if (iequals(text, std::string_view(&entry.letter, 1))) return entry.parity;
    return std::nullopt;
}

}  // namespace

ResultCode mprof(Module& m, std::string_view args) {
    // Each action has exactly two spellings: upper or lower case, never mixed.
    if (args == "VD" || args == "vd" || args == "VG" || args == "vg") {
        const bool saved = args == "VD" || args == "vd";
        for (const std::string& line :
             profile_dump(saved ? m.images().saved : m.profile(), m.runtime().web_server_running))
            m.output().line(line, Sensitivity::secret);
        return ResultCode::ok;
    }
    if (args == "L" || args == "l") {
        m.load_profile();
        return ResultCode::ok;
    }
    if (args == "S" || args == "s") return m.save_profile() ? ResultCode::ok : ResultCode::error;
    return ResultCode::invalid_input;
}

ResultCode mfdef(Module& m, std::string_view args) {
    if (args != "FR" && args != "fr") return ResultCode::invalid_input;
    m.profile() = factory_reset(m.profile());
    m.save_profile();
    m.output().result(ResultCode::ok);
    m.reboot(true);
    return ResultCode::none;
}

ResultCode mreset(Module& m, std::string_view /*trailing text is ignored*/) {
    m.output().result(ResultCode::ok);
    m.reboot(true);
    return ResultCode::none;
}

ResultCode mmsg(Module& m, std::string_view args) {
    return number_setting(m, args, m.profile().message_level, 1, 3);
}

ResultCode mmac(Module& m, std::string_view args) {
    if (args == query) return answer(m, m.profile().mac.to_upper());
    // An empty field still saves and reboots, keeping the MAC.
    if (!args.empty()) {
        const auto mac = parse_mac(args);
        if (!mac) return ResultCode::invalid_input;
        m.profile().mac = *mac;
    }
    m.save_and_reboot();
    return ResultCode::none;
}

ResultCode minfo(Module& m, std::string_view /*trailing text is ignored*/) {
    m.output().line("FW version/HW version");
    m.output().line(m.settings().firmware_version + "/" + m.settings().hardware_version);
    return ResultCode::ok;
}

ResultCode mecho(Module& m, std::string_view args) {
    return flag_setting(m, args, m.profile().echo);
}

ResultCode mhelp(Module& m, std::string_view /*trailing text is ignored*/) {
    const auto padded = [](std::string_view name) {
        std::string text(name);
        text.resize(std::max(text.size(), help_name_width), ' ');
        return text;
    };
    m.output().line(padded("Command") + "Description & Usage");
    for (const CommandRow& row : m.commands().rows()) {
        if (row.description == nullptr) continue;
        std::string name = "AT";
        name += row.name;
        if (name.back() == '=') name.pop_back();
        m.output().line(padded(name) + row.description);
        if (row.usage != nullptr) m.output().line(padded("") + row.usage);
    }
    return ResultCode::ok;
}

ResultCode mmcups(Module& m, std::string_view args) {
    const Params params(args);
    const auto action = params.present(0) ? parse_number(*params[0]) : std::nullopt;
    if (action == 0u && !params.present(1)) return ResultCode::ok;
    if (action != 1u || !params.present(1)) return ResultCode::invalid_input;
    const auto timeout_ms = parse_number(*params[1]);
    if (!timeout_ms || *timeout_ms < 100 || *timeout_ms > 3600000) {
        return ResultCode::invalid_input;
    }
    // The MCU sleeps after the [OK]; the UART is dead until the timeout.
    m.output().result(ResultCode::ok);
    m.sleep_input(std::chrono::milliseconds(*timeout_ms));
    return ResultCode::none;
}

ResultCode mwifips(Module& m, std::string_view args) {
    RuntimeState& runtime = m.runtime();
    if (args == query) {
        return answer(m, std::to_string(runtime.wifi_power_save) + "," +
                             std::to_string(runtime.wifi_power_save_delay));
    }
    const Params params(args);
    const auto action = params.present(0) ? parse_number(*params[0]) : std::nullopt;
    if (!action || *action > 2) return ResultCode::invalid_input;
    std::uint32_t delay = 0;
    if (*action == 2) {
        const auto value = params.present(1) ? parse_number(*params[1]) : std::nullopt;
        if (!value || *value > 100 || *value % 10 != 0) return ResultCode::invalid_input;
        delay = *value;
    }
    // Power save applies to a station link; there is none until Wi-Fi is joined.
    (void)delay;
    return ResultCode::error;
}

ResultCode mtxp(Module& m, std::string_view args) {
    if (args == query) {
        // Q2: no CRLF before the [OK].
        m.output().text(std::to_string(m.runtime().tx_power_dbm) + " dBm");
        return ResultCode::ok;
    }
    const Params params(args);
    const auto value = params.present(0) ? parse_number(*params[0]) : std::nullopt;
    if (!value || *value > 31) return ResultCode::invalid_input;
    m.runtime().tx_power_dbm = *value;
    return ResultCode::ok;
}

ResultCode mcert(Module& m, std::string_view args) {
    const Params params(args);
    if (!params.present(0) || !params.present(1) || params[0]->size() != 1 ||
        params[1]->size() != 1)
        return ResultCode::invalid_input;
    const char action =
        static_cast<char>(std::toupper(static_cast<unsigned char>((*params[0])[0])));
    const auto kind = certificate_kind((*params[1])[0]);
    if (!kind) return ResultCode::invalid_input;
    CertificateStore& store = m.certificates();
    std::string error;
    switch (action) {
        case 'R': {
            // Q13 fixed: R,R prints the root CA (the firmware prints the key).
            const auto pem = store.read(*kind);
            if (!pem) return ResultCode::error;
            m.output().line(*pem, Sensitivity::secret);
            return ResultCode::ok;
        }
        case 'W': {
            const auto length = params.present(2) ? parse_number(*params[2]) : std::nullopt;
            if (!length || *length == 0 || *length >= max_certificate_length)
                return ResultCode::invalid_input;
            // Exactly `length` raw bytes follow: no echo, no prompt and no timeout.
            auto pem = std::make_shared<std::string>();
            m.read_payload(*length,
                           [&m, pem, kind = *kind, length = *length](std::string_view bytes) {
                               pem->append(bytes);
                               if (pem->size() < length) return;
                               std::string write_error;
                               const bool stored = m.certificates().write(kind, *pem, write_error);
                               if (!stored) spdlog::warn("AT+MCERT: {}", write_error);
                               m.finish_command(stored ? ResultCode::ok : ResultCode::error);
                           });
            return ResultCode::pending;
        }
        case 'D':
            if (!store.remove(*kind, error)) {
                spdlog::warn("AT+MCERT: {}", error);
                return ResultCode::error;
            }
            return ResultCode::ok;
        default:
            return ResultCode::invalid_input;
    }
}

ResultCode mcwui(Module& m, std::string_view args) {
    Profile& profile = m.profile();
    if (args == query) return answer(m, profile.web_user + "," + profile.web_password);
    const Params params(args);
    for (std::size_t i = 0; i < 4; ++i) {
        if (!params.present(i) || params[i]->size() > 20) return ResultCode::invalid_input;
    }
    if (*params[0] != profile.web_user || *params[1] != profile.web_password) {
        return ResultCode::invalid_input;
    }
    profile.web_user = *params[2];
    profile.web_password = *params[3];
    return ResultCode::ok;
}

ResultCode uset(Module& m, std::string_view args) {
    if (args == query) return answer(m, m.profile().uart.to_string());
    const Params params(args);
    for (std::size_t i = 0; i < 5; ++i)
        if (!params.present(i)) return ResultCode::invalid_input;

    UartSettings settings;
    const auto baud = parse_number(*params[0]);
    const auto parity = parse_parity(*params[1]);
    const auto data_bits = parse_number(*params[2]);
    const auto stop_bits = parse_stop_bits(*params[3]);
    const bool hw_flow = iequals(*params[4], "HW");
    if (!baud || !parity || !data_bits || !stop_bits || (!hw_flow && !iequals(*params[4], "N"))) {
        return ResultCode::invalid_input;
    }
    if (*data_bits != 8 && !(*data_bits == 7 && *parity != Parity::none)) {
        return ResultCode::invalid_input;
    }
    if (*baud == 0) return ResultCode::invalid_input;  // B0 is a hang-up, not a rate
    settings.baud = *baud;
    settings.parity = *parity;
    settings.data_bits = *data_bits;
    settings.stop_bits = *stop_bits;
    settings.rts_cts = hw_flow;
    // A 6th field "W" saves without the reboot; Q15 fixed: a missing 6th field reboots.
    const bool save_only = params.present(5) && iequals(*params[5], "W");

    // A rate the UART cannot make (an 8250 whose clock tops out at 115200, or whose nearest
    // divisor is too far off: uart_rate.hpp) is refused before [OK]: the host switches to the
    // rate it asked for once it reads [OK], and a line at another rate would be lost to both
    // sides. The error keeps the line as it is. A rate within the tolerance is taken.
    m.serial().try_rate(settings.baud, [&m, settings, save_only](std::uint32_t made) {
        const auto fit = uart_rate::fit(settings.baud, made);
        const double off = uart_rate::error_percent(settings.baud, made);
        if (fit == uart_rate::Fit::unusable) {
            spdlog::warn(
                "AT+USET={}: the UART cannot make {} baud: it would run at {} ({:+.2f} %, "
                "beyond the {} % a serial link tolerates); the settings stay {}",
                settings.to_string(), settings.baud, made, off, uart_rate::tolerance_percent,
                m.profile().uart.to_string());
            m.finish_command(ResultCode::invalid_input);
            return;
        }
        if (fit == uart_rate::Fit::approximated)
            spdlog::warn(
                "AT+USET={}: the UART runs at {} baud for {} ({:+.2f} %, within the {} "
                "% a serial link tolerates)",
                settings.to_string(), made, settings.baud, off, uart_rate::tolerance_percent);
        m.profile().uart = settings;
        if (save_only) {
            m.save_profile();
            m.finish_command(ResultCode::ok);
            return;
        }
        m.save_and_reboot();
        // reboot() counted this running command as stale: finishing it uses that up.
        m.finish_command(ResultCode::none);
    });
    return ResultCode::pending;
}

ResultCode mspi(Module& m, std::string_view args) {
    Profile& profile = m.profile();
    if (args == query) {
        return answer(
            m, std::to_string(profile.host_interface) + "," + std::to_string(profile.spi_mode));
    }
    const Params params(args);
    const auto interface = params.present(0) ? parse_number(*params[0]) : std::nullopt;
    if (!interface || *interface > 2) return ResultCode::invalid_input;
    if (params.present(1)) {
        const auto mode = parse_number(*params[1]);
        if (!mode || !(*mode <= 3 || (*mode >= 8 && *mode <= 11))) {
            return ResultCode::invalid_input;
        }
        profile.spi_mode = *mode;
    }
    profile.host_interface = *interface;
    m.save_and_reboot();
    return ResultCode::none;
}

ResultCode mcustom(Module& m, std::string_view args) {
    if (args == query) return answer(m, m.profile().customer);
    for (const std::string_view code : customer_codes) {
        if (args == code) {
            m.profile().customer = std::string(code);
            return ResultCode::ok;
        }
    }
    return ResultCode::invalid_input;
}

ResultCode mcstgpio(Module& m, std::string_view args) {
    return flag_setting(m, args, m.profile().open_drain);
}

ResultCode maircmd(Module& m, std::string_view args) {
    AirCommandRecord& record = m.profile().air_command;
    if (args == query) {
        char option[16];
        std::snprintf(option, sizeof option, "%x", record.option);
        std::string value = record.open_type + ",";
        if (record.protocol != '\0') value += record.protocol;
        value += "," + std::to_string(record.port) + "," + option;
        return answer(m, value);
    }
    const Params params(args);
    if (!params.present(0) || !params.present(1)) return ResultCode::invalid_input;
    const std::string& open_type = *params[0];
    const bool open_now = iequals(open_type, "O");
    if (!open_now && !iequals(open_type, "S")) return ResultCode::invalid_input;
    if (!iequals(*params[1], "T") && !iequals(*params[1], "U")) return ResultCode::invalid_input;
    // The port has no check on the module: a missing one becomes 0.
    const auto port =
        params.present(2) ? parse_number(*params[2]) : std::optional<std::uint32_t>{0};
    const auto option = params.present(3) ? parse_hex(*params[3]) : std::optional<std::uint32_t>{0};
    if (!port || !option) return ResultCode::invalid_input;
    if (open_now && !m.link_up()) return ResultCode::wifi_status;
    if (open_now && m.air_command_running()) return ResultCode::invalid_input;
    record.open_type = open_now ? "O" : "S";
    record.protocol = static_cast<char>(std::toupper(static_cast<unsigned char>((*params[1])[0])));
    record.port = *port;
    record.option = *option;
    if (open_now && !m.start_air_command()) return ResultCode::error;
    return ResultCode::ok;
}

ResultCode mevtmsg(Module& m, std::string_view args) {
    if (args == query) return ResultCode::invalid_input;  // no query form
    return flag_setting(m, args, m.profile().listen_event);
}

ResultCode mevtform(Module& m, std::string_view args) {
    if (args == query) return answer(m, m.profile().event_format);
    if (args.size() != 10 || args.find_first_not_of("012") != std::string_view::npos) {
        return ResultCode::invalid_input;
    }
    m.profile().event_format = std::string(args);
    return ResultCode::ok;
}

ResultCode mevtdelay(Module& m, std::string_view args) {
    // Q7 fixed: the whole range 1-1000 is kept (the firmware stores it in 8 bits).
    return number_setting(m, args, m.profile().event_delay_ms, 1, 1000);
}

ResultCode left_out(Module& /*m*/, std::string_view /*args*/) {
    return ResultCode::invalid_input;
}

}  // namespace wizfi250d::commands
