// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wizfi250d {

// The three items AT+MCERT stores (spec §2.4): C, K and R.
enum class CertificateKind { certificate, key, root_ca };

// "cert.pem", "key.pem", "rootca.pem".
const char* certificate_file_name(CertificateKind kind);

// AT+MCERT's own storage, apart from the profile (spec §5.2, §7): one PEM file per item in a
// directory of its own (e.g. <state-dir>/certs). The contents are never logged (key.pem is a
// secret); log lines name the files only.
class CertificateStore {
public:
    explicit CertificateStore(std::string directory);

    const std::string& directory() const { return directory_; }
    // The full path of kind's file.
    std::string path(CertificateKind kind) const;

    // The stored text; nullopt when nothing is stored (or the file cannot be read, which is
    // logged).
    std::optional<std::string> read(CertificateKind kind) const;
    // Atomic (temporary file in the same directory, fsync, rename, fsync of the directory),
    // file mode 0600, directory created 0700. false + error text on failure.
    bool write(CertificateKind kind, std::string_view pem, std::string& error);
    // Erases kind's file; erasing what is not stored succeeds. false + error text on failure.
    bool remove(CertificateKind kind, std::string& error);
    // Bumped on every successful write/remove, so users can rebuild cached contexts.
    unsigned generation() const { return generation_; }

private:
    bool ensure_directory(std::string& error) const;
    bool sync_directory(std::string& error) const;

    std::string directory_;
    unsigned generation_ = 0;
};

}  // namespace wizfi250d
