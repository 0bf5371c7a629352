// SPDX-License-Identifier: Apache-2.0
// The "running" marker file: how the next start tells a crash from an orderly exit.

#include "wizfi250d/profile/run_marker.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <utility>

#include "../serial/unique_fd.hpp"
#include "wizfi250d/util/private_files.hpp"

namespace wizfi250d {

namespace {

// Logged, not failed: the marker is already written or gone, and only a power cut right after
// could undo that.
void warn_unless_synced(const std::string& directory) {
    std::string error;
    if (!sync_directory(directory, error)) spdlog::warn("run marker: {}", error);
}

bool ensure_directory(const std::string& directory) {
    std::string error;
    switch (ensure_private_directory(directory, error)) {
        case DirectoryResult::existed:
        case DirectoryResult::created:
            return true;
        case DirectoryResult::not_a_directory:
        case DirectoryResult::failed:
            break;
    }
    spdlog::warn("run marker: {}", error);
    return false;
}

}  // namespace

RunMarker::RunMarker(std::string directory)
    : directory_(std::move(directory)),
      path_((std::filesystem::path(directory_) / file_name).string()) {}

bool RunMarker::previous_run_was_unclean() const {
    struct stat info {};
    return ::lstat(path_.c_str(), &info) == 0;
}

std::optional<pid_t> RunMarker::previous_pid() const {
    UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd) return std::nullopt;
    char buffer[32];
    ssize_t got = 0;
    do {
        got = ::read(fd.get(), buffer, sizeof buffer - 1);
    } while (got < 0 && errno == EINTR);
    if (got <= 0) return std::nullopt;
    long long pid = 0;
    ssize_t i = 0;
    for (; i < got && buffer[i] >= '0' && buffer[i] <= '9'; ++i) {
        pid = pid * 10 + (buffer[i] - '0');
        if (pid > 0x7fffffff) return std::nullopt;
    }
    if (i == 0 || pid == 0 || (i < got && buffer[i] != '\n')) return std::nullopt;
    return static_cast<pid_t>(pid);
}

bool RunMarker::mark_running() {
    if (!ensure_directory(directory_)) return false;
    UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        spdlog::warn("run marker: {}", failure_text("create", path_, errno));
        return false;
    }
    const std::string text = std::to_string(::getpid()) + "\n";
    // Synced, so that a power cut right after the start still leaves the marker behind.
    if (::fchmod(fd.get(), 0600) != 0 || !write_all(fd.get(), text) || ::fsync(fd.get()) != 0) {
        spdlog::warn("run marker: {}", failure_text("write", path_, errno));
        return false;
    }
    fd.reset();
    warn_unless_synced(directory_);
    spdlog::debug("run marker: {} created", path_);
    return true;
}

bool RunMarker::mark_clean_exit() {
    if (::unlink(path_.c_str()) != 0) {
        if (errno == ENOENT) return true;
        spdlog::warn("run marker: {}", failure_text("remove", path_, errno));
        return false;
    }
    warn_unless_synced(directory_);
    spdlog::debug("run marker: {} removed", path_);
    return true;
}

}  // namespace wizfi250d
