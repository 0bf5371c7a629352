// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>
#include <vector>

#include "wizfi250d/at/result_code.hpp"

namespace wizfi250d {

class Module;

// A command handler gets the text after the table name (for "+WSET=" the text after '=') and
// returns the final code, or ResultCode::pending and finishes later.
using CommandHandler = ResultCode (*)(Module& module, std::string_view args);

// One row of the module's command table (spec §2.0). name is matched case-insensitively as a
// prefix of the text after "AT"; a name ending in '=' needs the '='. description and usage are
// the AT+MHELP text (nullptr: the command is not listed there).
struct CommandRow {
    std::string_view name;
    CommandHandler handler;
    const char* description;
    const char* usage;
};

class CommandTable {
public:
    explicit CommandTable(std::vector<CommandRow> rows) : rows_(std::move(rows)) {}

    // The table of firmware 1.0.5.2, in its order. binary_ssid_wset: the COWAY build's table
    // (AT+WSET takes a binary SSID, AT+WSET2 is the documented parser; spec Q5).
    static CommandTable standard(bool binary_ssid_wset);

    // The first row whose name is a case-insensitive prefix of text (the line after "AT").
    const CommandRow* find(std::string_view text) const;
    const std::vector<CommandRow>& rows() const { return rows_; }

private:
    std::vector<CommandRow> rows_;
};

}  // namespace wizfi250d
