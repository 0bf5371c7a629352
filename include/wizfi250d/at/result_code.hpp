// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace wizfi250d {

// The final code a command ends with (spec §1.6). `none` means the handler already printed its
// own ending (a reboot prints [OK] itself); `pending` means the handler finishes later through
// Module::finish_command().
enum class ResultCode {
    ok,
    error,
    invalid_input,
    invalid_scid,
    wifi_status,
    mode_status,
    tcp_send_error,
    none,
    pending,
};

// The exact bytes of a result code, without the print-class filter.
std::string_view result_text(ResultCode code);

}  // namespace wizfi250d
