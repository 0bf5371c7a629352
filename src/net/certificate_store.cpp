// SPDX-License-Identifier: Apache-2.0
// AT+MCERT's storage: one PEM file per item, written atomically, readable by the daemon only.

#include "wizfi250d/net/certificate_store.hpp"

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

// Larger files are refused by read(): MCERT stores less than 4096 bytes, a chain a few more.
constexpr std::size_t max_file_size = std::size_t{64} * 1024;

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
            spdlog::warn("certificate store: {}", failure_text("open", file, errno));
        return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        spdlog::warn("certificate store: {} is not a regular file", file);
        return std::nullopt;
    }
    std::string text;
    if (!read_all(fd.get(), text, max_file_size)) {
        if (errno == EFBIG) {
            spdlog::warn("certificate store: {} is larger than {} bytes; ignored", file,
                         max_file_size);
        } else {
            spdlog::warn("certificate store: {}", failure_text("read", file, errno));
        }
        return std::nullopt;
    }
    return text;
}

bool CertificateStore::ensure_directory(std::string& error) const {
    const DirectoryResult result = ensure_private_directory(directory_, error);
    if (result == DirectoryResult::created)
        spdlog::info("certificate store: created {}", directory_);
    return result == DirectoryResult::existed || result == DirectoryResult::created;
}

bool CertificateStore::sync_directory(std::string& error) const {
    return wizfi250d::sync_directory(directory_, error);
}

bool CertificateStore::write(CertificateKind kind, std::string_view pem, std::string& error) {
    if (!ensure_directory(error)) {
        spdlog::warn("certificate store: {}", error);
        return false;
    }
    const std::string file = path(kind);
    std::string problem;
    const ReplaceResult result = replace_file_atomically(file, pem, problem);
    if (result == ReplaceResult::failed) {
        error = problem;
        spdlog::warn("certificate store: {}", error);
        return false;
    }
    ++generation_;
    // The new file is in place (and in use from now on); a failing directory sync only weakens
    // its durability, so it is logged but the write still counts.
    if (result == ReplaceResult::replaced_unsynced) spdlog::warn("certificate store: {}", problem);
    spdlog::info("certificate store: wrote {} ({} bytes)", file, pem.size());
    return true;
}

bool CertificateStore::remove(CertificateKind kind, std::string& error) {
    const std::string file = path(kind);
    if (::unlink(file.c_str()) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) {
            error = failure_text("remove", file, errno);
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
