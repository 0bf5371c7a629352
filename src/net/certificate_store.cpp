// AT+MCERT's storage: one PEM file per item, written atomically, readable by the daemon only.

#include "wizfi250d/net/certificate_store.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "../serial/unique_fd.hpp"

namespace wizfi250d {

namespace {

// Larger files are refused by read(): MCERT stores less than 4096 bytes, a chain a few more.
constexpr std::size_t max_file_size = std::size_t{64} * 1024;

std::string errno_text(int error) {
    return std::strerror(error);
}

// "what path: reason".
std::string failure(const char* what, const std::string& path, int error) {
    return std::string(what) + " " + path + ": " + errno_text(error);
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

}  // namespace

const char* certificate_file_name(CertificateKind kind) {
    switch (kind) {
        case CertificateKind::certificate:
            return "cert.pem";
        case CertificateKind::key:
            return "key.pem";
        case CertificateKind::root_ca:
            return "rootca.pem";
    }
    return "unknown.pem";
}

CertificateStore::CertificateStore(std::string directory) : directory_(std::move(directory)) {}

std::string CertificateStore::path(CertificateKind kind) const {
    return (std::filesystem::path(directory_) / certificate_file_name(kind)).string();
}

std::optional<std::string> CertificateStore::read(CertificateKind kind) const {
    const std::string file = path(kind);
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) {
        if (errno != ENOENT)
            spdlog::warn("certificate store: {}", failure("cannot open", file, errno));
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        spdlog::warn("certificate store: {} is not a regular file", file);
        return std::nullopt;
    }
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0) {
            if (errno == EINTR) continue;
            spdlog::warn("certificate store: {}", failure("cannot read", file, errno));
            return std::nullopt;
        }
        if (got == 0) break;
        text.append(buffer, static_cast<std::size_t>(got));
        if (text.size() > max_file_size) {
            spdlog::warn("certificate store: {} is larger than {} bytes; ignored", file,
                         max_file_size);
            return std::nullopt;
        }
    }
    return text;
}

bool CertificateStore::ensure_directory(std::string& error) const {
    struct stat info {};
    if (::stat(directory_.c_str(), &info) == 0) {
        if (!S_ISDIR(info.st_mode)) {
            error = directory_ + " is not a directory";
            return false;
        }
        return true;
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
        error = failure("cannot create", directory_, errno);
        return false;
    }
    // mkdir applied the umask; the directory holds a private key, so make it 0700 exactly.
    if (::chmod(directory_.c_str(), 0700) != 0) {
        error = failure("cannot set the mode of", directory_, errno);
        return false;
    }
    spdlog::info("certificate store: created {}", directory_);
    return true;
}

bool CertificateStore::sync_directory(std::string& error) const {
    UniqueFd dir(::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir || ::fsync(dir.get()) != 0) {
        error = failure("cannot sync", directory_, errno);
        return false;
    }
    return true;
}

bool CertificateStore::write(CertificateKind kind, std::string_view pem, std::string& error) {
    if (!ensure_directory(error)) {
        spdlog::warn("certificate store: {}", error);
        return false;
    }
    const std::string file = path(kind);
    std::string temporary = file + ".tmp-XXXXXX";
    UniqueFd fd(::mkostemp(temporary.data(), O_CLOEXEC));
    if (!fd) {
        error = failure("cannot create", temporary, errno);
        spdlog::warn("certificate store: {}", error);
        return false;
    }
    auto fail = [&](const char* what) {
        error = failure(what, temporary, errno);
        fd.reset();
        ::unlink(temporary.c_str());
        spdlog::warn("certificate store: {}", error);
        return false;
    };
    if (::fchmod(fd.get(), 0600) != 0) return fail("cannot set the mode of");
    if (!write_all(fd.get(), pem)) return fail("cannot write");
    if (::fsync(fd.get()) != 0) return fail("cannot sync");
    if (::close(fd.release()) != 0) return fail("cannot close");
    if (::rename(temporary.c_str(), file.c_str()) != 0) {
        error = "cannot rename " + temporary + " to " + file + ": " + errno_text(errno);
        ::unlink(temporary.c_str());
        spdlog::warn("certificate store: {}", error);
        return false;
    }
    ++generation_;
    // The new file is in place (and in use from now on); a failing directory sync only weakens
    // its durability, so it is logged but the write still counts.
    std::string sync_error;
    if (!sync_directory(sync_error)) spdlog::warn("certificate store: {}", sync_error);
    spdlog::info("certificate store: wrote {} ({} bytes)", file, pem.size());
    return true;
}

bool CertificateStore::remove(CertificateKind kind, std::string& error) {
    const std::string file = path(kind);
    if (::unlink(file.c_str()) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) {
            error = failure("cannot remove", file, errno);
            spdlog::warn("certificate store: {}", error);
            return false;
        }
        ++generation_;
        spdlog::info("certificate store: {} was not stored", file);
        return true;
    }
    ++generation_;
    std::string sync_error;
    if (!sync_directory(sync_error)) spdlog::warn("certificate store: {}", sync_error);
    spdlog::info("certificate store: removed {}", file);
    return true;
}

}  // namespace wizfi250d
