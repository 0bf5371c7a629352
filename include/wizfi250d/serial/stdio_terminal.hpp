// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace wizfi250d {

// Puts back the terminal modes and file status flags of stdin and stdout that `--serial stdio`
// changed (raw mode; O_NONBLOCK, which a non-blocking descriptor sets on the shared open file).
// The stdio front end calls it when it closes; the daemon calls it at exit and from fatal signal
// handlers too. Async-signal-safe (only tcsetattr and fcntl), idempotent, and a no-op when stdio
// mode never changed anything.
void restore_terminal() noexcept;

// `--serial stdio` on a terminal shares it with the daemon's log. The log starts its line on a
// fresh one when the module's output stopped mid-line (an echo being typed, a prompt), so the two
// never cut into each other: terminal_output_mid_line() says whether that is needed, and
// note_terminal_line_ended() records the line break the log wrote. Both false / no-ops when stdin
// is not a terminal in stdio mode.
bool terminal_output_mid_line() noexcept;
void note_terminal_line_ended() noexcept;

}  // namespace wizfi250d
