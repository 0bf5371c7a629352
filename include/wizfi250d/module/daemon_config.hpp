// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/module/settings.hpp"

namespace wizfi250d {

// What the command line asks for (the design's command-line contract).
struct CommandLine {
    std::optional<std::string> config_file;
    std::optional<std::string> serial;
    std::optional<std::string> state_dir;
    std::optional<std::string> wifi_backend;
    std::optional<std::string> interface;
    std::optional<std::string> wpa_ctrl_dir;
    std::optional<std::string> log_level;
    bool show_help = false;
    bool show_version = false;
};

constexpr std::string_view default_config_file = "/etc/wizfi250d/wizfi250d.conf";

// Parses argv. On a usage error returns nullopt and sets error.
std::optional<CommandLine> parse_command_line(const std::vector<std::string>& args,
                                              std::string& error);
std::string usage_text();

// Settings from a config file plus the command line on top. log_level receives the level to
// use. On an error (an unreadable explicit file, an unknown key, a bad value) returns nullopt
// and sets error to a message naming the file, the line and the key.
std::optional<DaemonSettings> resolve_settings(const CommandLine& command_line,
                                               std::string& log_level, std::string& error);

// Reads `key = value` lines into settings (exposed for tests and SIGHUP).
bool apply_config_text(std::string_view text, std::string_view file_name, DaemonSettings& settings,
                       std::string& log_level, std::string& error);

}  // namespace wizfi250d
