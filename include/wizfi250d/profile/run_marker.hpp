// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace wizfi250d {

// The emulated watchdog reset (spec §5.3 step 2, §7 "Watchdog [Reset Event]"): a file
// <directory>/running that exists while the daemon runs. Found at start-up, it means the last
// run ended without mark_clean_exit() (a crash, SIGKILL, a power cut), and the daemon prints
// "\r\n[Reset Event]\r\n" before the banner.
//
// The marker's mere existence decides: the PID inside is informational only (in a container the
// daemon gets the same PID on every start, and after a reboot another process may own the old
// one), so "PID is alive" is never taken as "clean".
//
// Use: previous_run_was_unclean() once at start, then mark_running(); mark_clean_exit() on an
// orderly shutdown (SIGTERM, SIGINT). An emulated reboot inside the process touches neither.
class RunMarker {
public:
    static constexpr const char* file_name = "running";

    explicit RunMarker(std::string directory);

    const std::string& directory() const { return directory_; }
    // <directory>/running
    const std::string& path() const { return path_; }

    // Whether a marker is there (call before mark_running()).
    bool previous_run_was_unclean() const;
    // The PID written by the previous run, when its marker holds one.
    std::optional<pid_t> previous_pid() const;

    // Creates the marker (mode 0600, "<pid>\n", synced to disk); the directory is created with
    // mode 0700 when missing. false (logged) when it cannot be written: the daemon runs on, the
    // next start just cannot tell.
    bool mark_running();
    // Removes the marker; a missing one is fine. false (logged) when it cannot be removed.
    bool mark_clean_exit();

private:
    std::string directory_;
    std::string path_;
};

}  // namespace wizfi250d
