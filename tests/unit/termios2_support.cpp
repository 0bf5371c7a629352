// SPDX-License-Identifier: Apache-2.0
#include "termios2_support.hpp"

// The kernel's termios2; <termios.h> must not be included in this file.
#include <asm/termbits.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace wizfi250d::test {

bool termios2_missing() {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) return false;
    bool missing = false;
    if (::grantpt(master) == 0 && ::unlockpt(master) == 0) {
        const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
        if (slave >= 0) {
            termios2 tio{};
            missing = ::ioctl(slave, TCGETS2, &tio) != 0 && errno == ENOSYS;
            ::close(slave);
        }
    }
    ::close(master);
    return missing;
}

}  // namespace wizfi250d::test
