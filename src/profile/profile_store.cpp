// SPDX-License-Identifier: Apache-2.0
// The saved profile on disk: load with recovery from a bad file, atomic save when changed.

#include "wizfi250d/profile/profile_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <utility>

#include "../serial/unique_fd.hpp"
#include "wizfi250d/profile/profile_file.hpp"
#include "wizfi250d/util/private_files.hpp"

namespace wizfi250d {

namespace {

// A profile is about 1.5 KiB; anything much larger is not one.
constexpr std::size_t max_file_size = std::size_t{64} * 1024;
// Attempts at a free name for a corrupt file.
constexpr unsigned max_name_attempts = 1000;

// remove_temporaries() can only find what replace_file_atomically() leaves after a crash if
// temporary_prefix is the name it gives them.
constexpr bool temporary_prefix_matches() {
    const std::string_view prefix = ProfileStore::temporary_prefix;
    const std::string_view name = ProfileStore::file_name;
    return prefix.substr(0, name.size()) == name && prefix.substr(name.size()) == temporary_infix;
}
static_assert(temporary_prefix_matches(), "temporary_prefix must be file_name + temporary_infix");

long long nanoseconds(const struct timespec& time) {
    return static_cast<long long>(time.tv_sec) * 1000000000LL + time.tv_nsec;
}

// The whole of a regular file. nullopt and error (errno text + path) when it cannot be read;
// missing tells the caller that it does not exist.
std::optional<std::string> read_file(const std::string& path, bool& missing, std::string& error,
                                     struct stat& info) {
    missing = false;
    // O_NONBLOCK: a FIFO put in its place must not hang the daemon.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
        missing = errno == ENOENT || errno == ENOTDIR;  // ENOTDIR: no directory, no file
        error = failure_text("open", path, errno);
        return std::nullopt;
    }
    if (::fstat(fd.get(), &info) != 0) {
        error = failure_text("stat", path, errno);
        return std::nullopt;
    }
    if (!S_ISREG(info.st_mode)) {
        error = path + " is not a regular file";
        return std::nullopt;
    }
    std::string text;
    if (!read_all(fd.get(), text, max_file_size)) {
        if (errno == EFBIG)
            error =
                path + " is larger than " + std::to_string(max_file_size) + " bytes: not a profile";
        else
            error = failure_text("read", path, errno);
        return std::nullopt;
    }
    return text;
}

// YYYYmmddTHHMMSSZ, now.
std::string utc_timestamp() {
    const std::time_t now = std::time(nullptr);
    struct tm utc {};
    ::gmtime_r(&now, &utc);
    char text[32];
    if (std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc) == 0) return "unknown-time";
    return text;
}

// rename() that never replaces an existing target: EEXIST instead.
int rename_no_replace(const char* from, const char* to) {
    if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    // A file system without RENAME_NOREPLACE: check first (one daemon per directory).
    struct stat info {};
    if (::lstat(to, &info) == 0) {
        errno = EEXIST;
        return -1;
    }
    return ::rename(from, to);
}

}  // namespace

ProfileStore::ProfileStore(std::string directory)
    : directory_(std::move(directory)),
      path_((std::filesystem::path(directory_) / file_name).string()),
      write_([](int fd, const void* data, std::size_t size) { return ::write(fd, data, size); }) {}

std::optional<ProfileStore::FileIdentity> ProfileStore::identity() const {
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0) return std::nullopt;
    return FileIdentity{info.st_dev, info.st_ino, info.st_size, nanoseconds(info.st_mtim),
                        nanoseconds(info.st_ctim)};
}

void ProfileStore::remember(std::string text) {
    known_text_ = std::move(text);
    known_identity_ = identity();
}

void ProfileStore::remove_temporaries() const {
    DIR* dir = ::opendir(directory_.c_str());
    if (dir == nullptr) return;  // no directory: nothing left over
    const std::string_view prefix = temporary_prefix;
    unsigned removed = 0;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (name.substr(0, prefix.size()) != prefix) continue;
        if (::unlinkat(::dirfd(dir), entry->d_name, 0) == 0) {
            ++removed;
        } else {
            spdlog::warn("profile: {}",
                         failure_text("remove", directory_ + "/" + std::string(name), errno));
        }
    }
    ::closedir(dir);
    if (removed > 0)
        spdlog::info("profile: removed {} temporary file(s) left in {}", removed, directory_);
}

// Renames the bad profile.conf aside; returns the text for the problem report.
std::string ProfileStore::keep_aside() const {
    const std::string base =
        (std::filesystem::path(directory_) / corrupt_prefix).string() + utc_timestamp();
    for (unsigned attempt = 0; attempt < max_name_attempts; ++attempt) {
        const std::string target = attempt == 0 ? base : base + "-" + std::to_string(attempt);
        if (rename_no_replace(path_.c_str(), target.c_str()) == 0) {
            std::string ignored;
            sync_directory(directory_, ignored);
            return "the file was kept as " + target;
        }
        if (errno != EEXIST)
            return "it could not be kept aside: " + failure_text("rename", path_, errno);
    }
    return "it could not be kept aside: no free name like " + base;
}

LoadResult ProfileStore::load() {
    remove_temporaries();
    known_text_.reset();
    known_identity_.reset();

    LoadResult result;
    bool missing = false;
    std::string error;
    struct stat info {};
    const auto text = read_file(path_, missing, error, info);
    if (!text && missing) {
        spdlog::info("profile: {} does not exist; factory values", path_);
        return result;
    }
    std::string problem;
    if (!text) {
        problem = error;
    } else {
        ProfileError parse_error;
        if (auto profile = parse_profile(*text, parse_error)) {
            result.profile = std::move(*profile);
            remember(*text);
            spdlog::info("profile: loaded {}", path_);
            return result;
        }
        problem = path_ + " " + parse_error.to_string();
    }
    problem += "; " + keep_aside() + "; using factory values";
    spdlog::warn("profile: {}", problem);
    result.problem = std::move(problem);
    return result;
}

bool ProfileStore::unchanged(const std::string& text) {
    // Same text as last time, and the file is still the one that held it.
    if (known_text_ && *known_text_ == text && known_identity_ && identity() == known_identity_)
        return true;
    // Otherwise the file itself decides (it is small): someone may have written the same text.
    bool missing = false;
    std::string ignored;
    struct stat info {};
    const auto current = read_file(path_, missing, ignored, info);
    if (!current || *current != text) return false;
    remember(*current);
    return true;
}

bool ProfileStore::ensure_directory(std::string& error) const {
    const DirectoryResult result = ensure_private_directory(directory_, error);
    if (result == DirectoryResult::created) spdlog::info("profile: created {}", directory_);
    // "<directory> is not a directory" alone would not say what could not be done.
    if (result == DirectoryResult::not_a_directory) error = "cannot write " + path_ + ": " + error;
    return result == DirectoryResult::existed || result == DirectoryResult::created;
}

bool ProfileStore::write_file(const std::string& text, std::string& error) {
    std::string problem;
    const ReplaceResult result =
        replace_file_atomically(path_, text, problem, write_, &temporary_serial_);
    if (result == ReplaceResult::failed) {
        error = "cannot write " + path_ + ": " + problem;
        return false;
    }
    // The new file is in place; a failing directory sync only weakens its durability.
    if (result == ReplaceResult::replaced_unsynced) spdlog::warn("profile: {}", problem);
    return true;
}

bool ProfileStore::save(const Profile& profile, std::string& error) {
    std::string text = serialize_profile(profile);
    if (unchanged(text)) {
        spdlog::debug("profile: {} unchanged; not written", path_);
        return true;
    }
    if (!ensure_directory(error) || !write_file(text, error)) {
        spdlog::warn("profile: {}", error);
        return false;
    }
    ++writes_;
    const std::size_t size = text.size();
    remember(std::move(text));
    spdlog::info("profile: saved {} ({} bytes)", path_, size);
    return true;
}

}  // namespace wizfi250d
