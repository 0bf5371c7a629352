// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace wizfi250d {

// Puts back the terminal modes and file status flags of stdin and stdout that `--serial stdio`
// changed (raw mode; O_NONBLOCK, which a non-blocking descriptor sets on the shared open file).
// The stdio front end calls it when it closes; the daemon calls it at exit and from fatal signal
// handlers too. Async-signal-safe (only tcsetattr and fcntl), idempotent, and a no-op when stdio
// mode never changed anything.
void restore_terminal() noexcept;

}  // namespace wizfi250d
