// The saved profile on disk: load with recovery from a bad file, atomic save when changed.

#include "wizfi250d/profile/profile_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <utility>

#include "../serial/unique_fd.hpp"
#include "wizfi250d/profile/profile_file.hpp"

namespace wizfi250d {

namespace {

// A profile is about 1.5 KiB; anything much larger is not one.
constexpr std::size_t max_file_size = std::size_t{64} * 1024;
// Attempts at a free name for a temporary or a corrupt file.
constexpr unsigned max_name_attempts = 1000;

std::string errno_text(int error) {
    return std::strerror(error);
}

// "cannot <what> <path>: <reason>".
std::string failure(const char* what, const std::string& path, int error) {
    return std::string("cannot ") + what + " " + path + ": " + errno_text(error);
}

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
        error = failure("open", path, errno);
        return std::nullopt;
    }
    if (::fstat(fd.get(), &info) != 0) {
        error = failure("stat", path, errno);
        return std::nullopt;
    }
    if (!S_ISREG(info.st_mode)) {
        error = path + " is not a regular file";
        return std::nullopt;
    }
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) continue;
            error = failure("read", path, errno);
            return std::nullopt;
        }
        if (got == 0) break;
        text.append(buffer, static_cast<std::size_t>(got));
        if (text.size() > max_file_size) {
            error =
                path + " is larger than " + std::to_string(max_file_size) + " bytes: not a profile";
            return std::nullopt;
        }
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

bool sync_directory(const std::string& directory, std::string& error) {
    UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || ::fsync(dir.get()) != 0) {
        error = failure("sync", directory, errno);
        return false;
    }
    return true;
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
                         failure("remove", directory_ + "/" + std::string(name), errno));
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
            return "it could not be kept aside: " + failure("rename", path_, errno);
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
    struct stat info {};
    if (::stat(directory_.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) return true;
        error = "cannot write " + path_ + ": " + directory_ + " is not a directory";
        return false;
    }
    if (errno != ENOENT) {
        error = failure("use", directory_, errno);
        return false;
    }
    const std::filesystem::path dir(directory_);
    if (dir.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(dir.parent_path(), ec);
        if (ec) {
            error = "cannot create " + dir.parent_path().string() + ": " + ec.message();
            return false;
        }
    }
    if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) {
        error = failure("create", directory_, errno);
        return false;
    }
    // mkdir applied the umask; the directory holds Wi-Fi keys, so make it exactly 0700.
    if (::chmod(directory_.c_str(), 0700) != 0) {
        error = failure("set the mode of", directory_, errno);
        return false;
    }
    spdlog::info("profile: created {}", directory_);
    return true;
}

bool ProfileStore::write_file(const std::string& text, std::string& error) {
    const std::string prefix = (std::filesystem::path(directory_) / temporary_prefix).string() +
                               std::to_string(::getpid()) + "-";
    std::string temporary;
    UniqueFd fd;
    for (unsigned attempt = 0; attempt < max_name_attempts && !fd; ++attempt) {
        temporary = prefix + std::to_string(temporary_serial_++);
        fd = UniqueFd(
            ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!fd && errno != EEXIST) break;
    }
    if (!fd) {
        error = "cannot write " + path_ + ": " + failure("create", temporary, errno);
        return false;
    }
    const auto fail = [&](const char* what) {
        error = "cannot write " + path_ + ": " + failure(what, temporary, errno);
        fd.reset();
        ::unlink(temporary.c_str());
        return false;
    };
    // The umask may have taken bits away (or the mode must not depend on it): exactly 0600.
    if (::fchmod(fd.get(), 0600) != 0) return fail("set the mode of");
    std::string_view rest = text;
    while (!rest.empty()) {
        const ssize_t written = write_(fd.get(), rest.data(), rest.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return fail("write");
        }
        if (written == 0) {
            errno = ENOSPC;  // write(2) made no progress: treat it as a full disk
            return fail("write");
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::fsync(fd.get()) != 0) return fail("sync");
    if (::close(fd.release()) != 0) return fail("close");
    if (::rename(temporary.c_str(), path_.c_str()) != 0) {
        error = "cannot write " + path_ + ": cannot rename " + temporary +
                " to it: " + errno_text(errno);
        ::unlink(temporary.c_str());
        return false;
    }
    // The new file is in place; a failing directory sync only weakens its durability.
    std::string sync_error;
    if (!sync_directory(directory_, sync_error)) spdlog::warn("profile: {}", sync_error);
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
