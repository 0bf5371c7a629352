// SPDX-License-Identifier: Apache-2.0
#include "raw_mode.hpp"

#include <termios.h>

#include <cerrno>

namespace wizfi250d {

boost::system::error_code make_raw(int fd) {
    termios tio{};
    if (tcgetattr(fd, &tio) != 0) return {errno, boost::system::system_category()};
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    // Every read returns as soon as one byte is there.
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &tio) != 0) return {errno, boost::system::system_category()};
    return {};
}

}  // namespace wizfi250d
