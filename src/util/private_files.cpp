// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/util/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "../serial/unique_fd.hpp"

namespace wizfi250d {

namespace {

// Names tried for a temporary file before giving up: only a directory full of leftovers from
// earlier processes with the same pid could use them all.
constexpr unsigned max_name_attempts = 1000;

std::atomic<unsigned> process_serial{0};

std::string directory_of(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

std::string failure_text(std::string_view what, const std::string& path, int error) {
    std::string text = "cannot ";
    text.append(what);
    text += " " + path + ": " + std::strerror(error);
    return text;
}

DirectoryResult ensure_private_directory(const std::string& directory, std::string& error) {
    struct stat info {};
    if (::stat(directory.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) return DirectoryResult::existed;
        error = directory + " is not a directory";
        return DirectoryResult::not_a_directory;
    }
    if (errno != ENOENT) {
        error = failure_text("use", directory, errno);
        return DirectoryResult::failed;
    }
    const std::filesystem::path path(directory);
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            error = "cannot create " + path.parent_path().string() + ": " + ec.message();
            return DirectoryResult::failed;
        }
    }
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
        error = failure_text("create", directory, errno);
        return DirectoryResult::failed;
    }
    // mkdir applied the umask, which can take away bits the daemon itself needs: exactly 0700.
    if (::chmod(directory.c_str(), 0700) != 0) {
        error = failure_text("set the mode of", directory, errno);
        return DirectoryResult::failed;
    }
    return DirectoryResult::created;
}

bool sync_directory(const std::string& directory, std::string& error) {
    UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || ::fsync(dir.get()) != 0) {
        error = failure_text("sync", directory, errno);
        return false;
    }
    return true;
}

bool read_all(int fd, std::string& text, std::size_t limit) {
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (got == 0) return true;
        text.append(buffer, static_cast<std::size_t>(got));
        if (text.size() > limit) {
            errno = EFBIG;
            return false;
        }
    }
}

bool read_file(const std::string& path, std::string& text, std::size_t limit) {
    text.clear();
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    if (read_all(fd.get(), text, limit)) return true;
    const int read_error = errno;  // closing must not hide why the read failed
    fd.reset();
    errno = read_error;
    return false;
}

bool write_all(int fd, std::string_view bytes, const WriteFunction& write) {
    while (!bytes.empty()) {
        const ssize_t written =
            write ? write(fd, bytes.data(), bytes.size()) : ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (written == 0) {
            errno = ENOSPC;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

ReplaceResult replace_file_atomically(const std::string& path, std::string_view bytes,
                                      std::string& error, const WriteFunction& write,
                                      unsigned* serial) {
    const std::string prefix =
        path + std::string(temporary_infix) + std::to_string(::getpid()) + "-";
    std::string temporary;
    UniqueFd fd;
    for (unsigned attempt = 0; attempt < max_name_attempts && !fd; ++attempt) {
        temporary = prefix + std::to_string(serial != nullptr ? (*serial)++ : process_serial++);
        fd = UniqueFd(
            ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!fd && errno != EEXIST) break;
    }
    if (!fd) {
        error = failure_text("create", temporary, errno);
        return ReplaceResult::failed;
    }
    const auto fail = [&](std::string_view what) {
        error = failure_text(what, temporary, errno);
        fd.reset();
        ::unlink(temporary.c_str());
        return ReplaceResult::failed;
    };
    // open() applied the umask, and the mode must not depend on it: exactly 0600.
    if (::fchmod(fd.get(), 0600) != 0) return fail("set the mode of");
    if (!write_all(fd.get(), bytes, write)) return fail("write");
    // Synced before the rename: otherwise a power cut could leave the new name on empty blocks.
    if (::fsync(fd.get()) != 0) return fail("sync");
    if (::close(fd.release()) != 0) return fail("close");
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
        ::unlink(temporary.c_str());
        return ReplaceResult::failed;
    }
    return sync_directory(directory_of(path), error) ? ReplaceResult::replaced
                                                     : ReplaceResult::replaced_unsynced;
}

}  // namespace wizfi250d
