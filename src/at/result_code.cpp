// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/at/result_code.hpp"

namespace wizfi250d {

std::string_view result_text(ResultCode code) {
    switch (code) {
        case ResultCode::ok:
            return "[OK]\r\n";
        case ResultCode::error:
            return "[ERROR]\r\n";
        case ResultCode::invalid_input:
            return "[ERROR: INVALID INPUT]\r\n";
        case ResultCode::invalid_scid:
            return "[ERROR: INVALID SCID]\r\n";
        case ResultCode::wifi_status:
            return "[ERROR: WiFi Status]\r\n";
        case ResultCode::mode_status:
            return "[ERROR: Mode Status]\r\n";
        case ResultCode::tcp_send_error:
        case ResultCode::none:
        case ResultCode::pending:
            break;
    }
    return {};
}

}  // namespace wizfi250d
