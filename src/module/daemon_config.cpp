// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/daemon_config.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/util/private_files.hpp"
#include "wizfi250d/util/text_lines.hpp"

namespace wizfi250d {

namespace {

// Far above any real configuration file; one larger is refused rather than read into memory.
constexpr std::size_t max_config_size = 1 << 20;

constexpr std::array<std::string_view, 5> log_levels{"trace", "debug", "info", "warn", "error"};

bool valid_log_level(std::string_view level) {
    for (const auto name : log_levels)
        if (name == level) return true;
    return false;
}

bool valid_backend(std::string_view name) {
    return name == "host" || name == "wpa_supplicant";
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::optional<bool> parse_yes_no(std::string_view value) {
    if (value == "yes" || value == "true" || value == "1" || value == "on") return true;
    if (value == "no" || value == "false" || value == "0" || value == "off") return false;
    return std::nullopt;
}

// One row per config key: how a value is applied. Returns an error text, empty when fine.
using Apply = std::function<std::string(std::string_view value, DaemonSettings& settings,
                                        std::string& log_level)>;
struct ConfigKey {
    std::string_view name;
    Apply apply;
};

// A value taken as it is.
Apply text(std::string DaemonSettings::*field) {
    return [field](std::string_view v, DaemonSettings& s, std::string&) {
        s.*field = std::string(v);
        return std::string{};
    };
}

// A yes/no value; `field` picks the flag (some live in nested option structs).
Apply flag(std::function<bool&(DaemonSettings&)> field, const char* expected = "yes or no") {
    return
        [field = std::move(field), expected](std::string_view v, DaemonSettings& s, std::string&) {
            const auto value = parse_yes_no(v);
            if (!value) return std::string("expected ") + expected;
            field(s) = *value;
            return std::string{};
        };
}

std::string set_serial(std::string_view value, DaemonSettings& s, std::string&) {
    auto spec = SerialSpec::parse(value);
    if (!spec) return "not a serial front end (stdio, pty:LINK or a device path)";
    s.serial = *spec;
    return {};
}

std::string set_wifi(std::string_view v, DaemonSettings& s, std::string&) {
    if (!valid_backend(v)) return "expected host or wpa_supplicant";
    s.wifi_backend = std::string(v);
    return {};
}

// An EAP method name as wpa_supplicant spells it (upper case), or empty.
std::string set_eap_method(std::string_view v, DaemonSettings& s, std::string&) {
    std::string method;
    for (const char c : v) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
            return "expected an EAP method such as MD5, PEAP, TTLS";
        method += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    s.wpa_eap_method = method;
    return {};
}

std::string set_log_level(std::string_view v, DaemonSettings&, std::string& level) {
    if (!valid_log_level(v)) return "expected trace|debug|info|warn|error";
    level = std::string(v);
    return {};
}

std::string set_tls_trust(std::string_view v, DaemonSettings& s, std::string&) {
    if (v == "module") {
        s.tls.trust = TlsOptions::Trust::module;
    } else if (v == "system") {
        s.tls.trust = TlsOptions::Trust::system;
    } else {
        return "expected module or system";
    }
    return {};
}

std::string set_hostapd_driver(std::string_view v, DaemonSettings& s, std::string&) {
    if (v.empty()) return "expected a hostapd driver name";
    s.hostapd_driver = std::string(v);
    return {};
}

std::string set_dhcp_client(std::string_view v, DaemonSettings& s, std::string&) {
    if (v != "auto" && v != "udhcpc" && v != "dhcpcd" && v != "dhclient")
        return "expected auto, udhcpc, dhcpcd or dhclient";
    s.dhcp_client = std::string(v);
    return {};
}

// Comma-separated IPv4 networks.
std::string read_networks(std::string_view v, std::vector<Ipv4Network>& networks) {
    networks.clear();
    std::string_view rest = v;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) continue;
        const auto network = parse_ipv4_network(item);
        if (!network) return "not an IPv4 network: " + std::string(item);
        networks.push_back(*network);
    }
    return {};
}

std::string set_air_command_allow(std::string_view v, DaemonSettings& s, std::string&) {
    return read_networks(v, s.air_command.allowed);
}

std::string set_web_server_allow(std::string_view v, DaemonSettings& s, std::string&) {
    return read_networks(v, s.web.allowed);
}

std::string set_web_server_port(std::string_view v, DaemonSettings& s, std::string&) {
    const auto port = parse_number(v);
    if (!port || *port == 0 || *port > 65535) return "expected 1-65535";
    s.web.port = static_cast<std::uint16_t>(*port);
    return {};
}

std::string set_web_server_idle_timeout(std::string_view v, DaemonSettings& s, std::string&) {
    const auto seconds = parse_number(v);
    if (!seconds || *seconds == 0 || *seconds > 3600) return "expected 1-3600";
    s.web.idle_timeout = std::chrono::seconds(*seconds);
    return {};
}

std::string set_web_server_max_connections(std::string_view v, DaemonSettings& s, std::string&) {
    const auto count = parse_number(v);
    if (!count || *count == 0 || *count > 64) return "expected 1-64";
    s.web.max_connections = *count;
    return {};
}

std::string set_data_flush(std::string_view v, DaemonSettings& s, std::string&) {
    if (v != "timer" && v != "immediate") return "expected timer or immediate";
    s.flush_when_idle = v == "immediate";
    return {};
}

std::string set_data_stall_limit(std::string_view v, DaemonSettings& s, std::string&) {
    const auto ms = parse_number(v);
    if (!ms || *ms > 3600000) return "expected 0-3600000";
    s.data_stall_limit = std::chrono::milliseconds(*ms);
    return {};
}

std::string set_reboot_delay(std::string_view v, DaemonSettings& s, std::string&) {
    const auto ms = parse_number(v);
    if (!ms || *ms > 10000) return "expected 0-10000";
    s.reboot_delay = std::chrono::milliseconds(*ms);
    return {};
}

std::string set_mqtt_publish_qos(std::string_view v, DaemonSettings& s, std::string&) {
    const auto qos = parse_number(v);
    if (!qos || *qos > 2) return "expected 0, 1 or 2";
    s.mqtt_publish_qos = *qos;
    return {};
}

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys{
        {"serial", set_serial},
        {"state_dir", text(&DaemonSettings::state_dir)},
        {"runtime_dir", text(&DaemonSettings::runtime_dir)},
        {"wifi", set_wifi},
        {"interface", text(&DaemonSettings::interface)},
        {"wpa_ctrl_dir", text(&DaemonSettings::wpa_ctrl_dir)},
        {"wpa_eap_method", set_eap_method},
        {"wpa_eap_identity", text(&DaemonSettings::wpa_eap_identity)},
        {"hostapd_driver", set_hostapd_driver},
        {"dhcp_client", set_dhcp_client},
        {"log_level", set_log_level},
        {"firmware_version", text(&DaemonSettings::firmware_version)},
        {"hardware_version", text(&DaemonSettings::hardware_version)},
        {"wset_binary_ssid", flag([](DaemonSettings& s) -> bool& { return s.wset_binary_ssid; })},
        {"tls_trust", set_tls_trust},
        {"tls_check_host_name",
         flag([](DaemonSettings& s) -> bool& { return s.tls.check_host_name; })},
        {"air_command",
         flag([](DaemonSettings& s) -> bool& { return s.air_command.enabled; }, "on or off")},
        {"air_command_allow", set_air_command_allow},
        {"web_server", flag([](DaemonSettings& s) -> bool& { return s.web.enabled; }, "on or off")},
        {"web_server_port", set_web_server_port},
        {"web_server_allow", set_web_server_allow},
        {"web_server_idle_timeout_s", set_web_server_idle_timeout},
        {"web_server_max_connections", set_web_server_max_connections},
        {"data_flush", set_data_flush},
        {"data_stall_limit_ms", set_data_stall_limit},
        {"reboot_delay_ms", set_reboot_delay},
        {"mqtt_tls", flag([](DaemonSettings& s) -> bool& { return s.mqtt_tls; }, "on or off")},
        {"mqtt_publish_qos", set_mqtt_publish_qos},
    };
    return keys;
}

}  // namespace

std::string usage_text() {
    return "Usage: wizfi250d [options]\n"
           "Emulates a WIZnet WizFi250 serial-to-Wi-Fi module on a serial port.\n"
           "\n"
           "  --config FILE         daemon settings (default /etc/wizfi250d/wizfi250d.conf)\n"
           "  --serial DEVICE       the UART device, e.g. /dev/serial0\n"
           "  --serial pty:LINK     a pseudo-terminal; LINK becomes a link to its slave side\n"
           "  --serial stdio        this terminal, in raw mode\n"
           "  --state-dir DIR       profile and certificates (default /var/lib/wizfi250d)\n"
           "  --wifi host|wpa_supplicant\n"
           "                        Wi-Fi backend (default host: use the network as it is)\n"
           "  --interface IFNAME    network interface (default: the one of the default route)\n"
           "  --wpa-ctrl DIR        wpa_supplicant control directory (default "
           "/run/wpa_supplicant)\n"
           "  --log-level LEVEL     trace|debug|info|warn|error (default info)\n"
           "  --version             print the version and exit\n"
           "  --help                print this help and exit\n";
}

std::optional<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                              std::string& error) {
    CommandLine result;
    struct ValueOption {
        std::string_view name;
        std::optional<std::string> CommandLine::*field;
    };
    static constexpr std::array<ValueOption, 7> value_options{{
        {"--config", &CommandLine::config_file},
        {"--serial", &CommandLine::serial},
        {"--state-dir", &CommandLine::state_dir},
        {"--wifi", &CommandLine::wifi_backend},
        {"--interface", &CommandLine::interface},
        {"--wpa-ctrl", &CommandLine::wpa_ctrl_dir},
        {"--log-level", &CommandLine::log_level},
    }};
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            result.show_help = true;
            continue;
        }
        if (arg == "--version") {
            result.show_version = true;
            continue;
        }
        bool matched = false;
        for (const auto& option : value_options) {
            std::string value;
            if (arg == option.name) {
                if (i + 1 >= args.size()) {
                    error = std::string(option.name) + " needs a value";
                    return std::nullopt;
                }
                value = args[++i];
            } else if (arg.size() > option.name.size() &&
                       arg.compare(0, option.name.size(), option.name) == 0 &&
                       arg[option.name.size()] == '=') {
                value = arg.substr(option.name.size() + 1);
            } else {
                continue;
            }
            result.*(option.field) = value;
            matched = true;
            break;
        }
        if (!matched) {
            error = "unknown option: " + arg;
            return std::nullopt;
        }
    }
    if (result.wifi_backend && !valid_backend(*result.wifi_backend)) {
        error = "--wifi expects host or wpa_supplicant";
        return std::nullopt;
    }
    if (result.log_level && !valid_log_level(*result.log_level)) {
        error = "--log-level expects trace|debug|info|warn|error";
        return std::nullopt;
    }
    if (result.serial && !SerialSpec::parse(*result.serial)) {
        error = "--serial expects stdio, pty:LINK or a device path";
        return std::nullopt;
    }
    return result;
}

bool apply_config_text(std::string_view text, std::string_view file_name, DaemonSettings& settings,
                       std::string& log_level, std::string& error) {
    TextLines lines(text);
    std::string_view raw_line;
    unsigned line_number = 0;
    while (lines.next(raw_line)) {
        ++line_number;
        const std::string_view line = trim(raw_line);
        if (line.empty() || line.front() == '#') continue;
        const auto where = std::string(file_name) + ":" + std::to_string(line_number);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            error = where + ": expected key = value";
            return false;
        }
        const std::string_view key = trim(line.substr(0, equals));
        const std::string_view value = trim(line.substr(equals + 1));
        const ConfigKey* found = nullptr;
        for (const auto& candidate : config_keys())
            if (candidate.name == key) found = &candidate;
        if (found == nullptr) {
            error = where + ": unknown key '" + std::string(key) + "'";
            return false;
        }
        const std::string problem = found->apply(value, settings, log_level);
        if (!problem.empty()) {
            error = where + ": ";
            error.append(key).append(": ").append(problem);
            return false;
        }
    }
    return true;
}

std::optional<DaemonSettings> resolve_settings(const CommandLine& command_line,
                                               std::string& log_level, std::string& error) {
    DaemonSettings settings;
    // Under systemd the unit's RuntimeDirectory= is the default.
    if (const char* runtime = std::getenv("RUNTIME_DIRECTORY"); runtime != nullptr && *runtime)
        settings.runtime_dir = runtime;
    log_level = "info";
    const std::string path = command_line.config_file.value_or(std::string(default_config_file));
    std::string text;
    if (read_file(path, text, max_config_size)) {
        if (!apply_config_text(text, path, settings, log_level, error)) return std::nullopt;
    } else if (command_line.config_file || errno == EFBIG) {
        error = path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    if (command_line.serial) settings.serial = *SerialSpec::parse(*command_line.serial);
    if (command_line.state_dir) settings.state_dir = *command_line.state_dir;
    if (command_line.wifi_backend) settings.wifi_backend = *command_line.wifi_backend;
    if (command_line.interface) settings.interface = *command_line.interface;
    if (command_line.wpa_ctrl_dir) settings.wpa_ctrl_dir = *command_line.wpa_ctrl_dir;
    if (command_line.log_level) log_level = *command_line.log_level;
    return settings;
}

}  // namespace wizfi250d
