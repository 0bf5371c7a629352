// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/secret_mask.hpp"

#include <array>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

namespace {

// Commands that carry secrets, and how many commas precede the secret part (the rest of the
// line is masked from there).
struct SecretCommand {
    std::string_view name;
    std::size_t commas_before_secret;
};

constexpr std::array<SecretCommand, 5> secret_commands{{
    {"AT+WSEC=", 2},     // <mode>,<type>,<key>
    {"AT+WWPS=", 1},     // <mode>,<pin>
    {"AT+MCWUI=", 0},    // <cur id>,<cur pw>,<new id>,<new pw>
    {"AT+MQTTSET=", 1},  // <user>,<password>,...
    {"AT+GMMPSET=", 0},
}};

}  // namespace

std::string mask_secrets(std::string_view line) {
    std::string masked(line);
    for (const auto& command : secret_commands) {
        if (!istarts_with(line, command.name)) continue;
        std::size_t pos = command.name.size();
        for (std::size_t i = 0; i < command.commas_before_secret && pos != std::string::npos; ++i) {
            pos = masked.find(',', pos);
            if (pos != std::string::npos) ++pos;
        }
        if (pos != std::string::npos && pos < masked.size())
            masked.replace(pos, std::string::npos, masked.size() - pos, '*');
        break;
    }
    return masked;
}

}  // namespace wizfi250d
