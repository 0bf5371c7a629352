// SPDX-License-Identifier: Apache-2.0
#pragma once

// Whether this system has the termios2 ioctls (TCGETS2/TCSETS2, any baud rate) that the serial
// code sets line settings with. qemu-user does not emulate them (Debian 12's qemu 7.2 answers
// ENOSYS), so under a cross build's emulator the tests that check what a pty took of the line
// settings cannot run; natively they always do.

#include <gtest/gtest.h>

namespace wizfi250d::test {

// True when TCGETS2 on a new pseudo-terminal fails with ENOSYS. Any other outcome (success, or
// another error the test itself will report) is false, so a real failure is never skipped.
bool termios2_missing();

}  // namespace wizfi250d::test

// In a test body or SetUp(): skips the test, naming the reason, when termios2 is missing.
#define WIZFI250D_SKIP_WITHOUT_TERMIOS2()                                                      \
    do {                                                                                       \
        if (::wizfi250d::test::termios2_missing())                                             \
            GTEST_SKIP() << "the termios2 ioctls (TCGETS2) answer ENOSYS here: an emulator "   \
                            "without them (qemu-user); the line settings are tested natively"; \
    } while (false)
