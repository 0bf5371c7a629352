// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/system/error_code.hpp>

namespace wizfi250d {

// Puts a TTY into raw mode (cfmakeraw: no echo, no line editing, no CR/LF translation, 8 bits)
// and makes it ignore the modem lines (CLOCAL), so a missing carrier neither blocks nor hangs up
// the port. The line settings (speed, parity...) are set separately by apply_line_settings.
boost::system::error_code make_raw(int fd);

}  // namespace wizfi250d
