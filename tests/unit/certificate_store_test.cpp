// SPDX-License-Identifier: Apache-2.0
// CertificateStore: AT+MCERT's files on a real file system, in a directory made for each test.

#include "wizfi250d/net/certificate_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wizfi250d {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-certs-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

mode_t mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
}

std::set<std::string> names_in(const std::string& directory) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        names.insert(entry.path().filename().string());
    }
    return names;
}

const std::string pem_a = "-----BEGIN CERTIFICATE-----\r\nAAAA\r\n-----END CERTIFICATE-----\r\n";
const std::string pem_b = "-----BEGIN CERTIFICATE-----\nBBBBBBBB\n-----END CERTIFICATE-----\n";

TEST(CertificateStore, FileNames) {
    EXPECT_STREQ(certificate_file_name(CertificateKind::certificate), "cert.pem");
    EXPECT_STREQ(certificate_file_name(CertificateKind::key), "key.pem");
    EXPECT_STREQ(certificate_file_name(CertificateKind::root_ca), "rootca.pem");
    CertificateStore store("/var/lib/wizfi250d/certs");
    EXPECT_EQ(store.path(CertificateKind::key), "/var/lib/wizfi250d/certs/key.pem");
}

TEST(CertificateStore, NothingStoredReadsNothing) {
    TempDir dir;
    CertificateStore store(dir.file("certs"));
    EXPECT_FALSE(store.read(CertificateKind::certificate));
    EXPECT_FALSE(store.read(CertificateKind::key));
    EXPECT_FALSE(store.read(CertificateKind::root_ca));
    EXPECT_EQ(store.generation(), 0u);
    // Reading does not create the directory.
    EXPECT_FALSE(std::filesystem::exists(dir.file("certs")));
}

TEST(CertificateStore, WriteReadRemoveEachKind) {
    TempDir dir;
    CertificateStore store(dir.file("certs"));
    std::string error;
    ASSERT_TRUE(store.write(CertificateKind::certificate, pem_a, error)) << error;
    ASSERT_TRUE(store.write(CertificateKind::key, "key text", error)) << error;
    ASSERT_TRUE(store.write(CertificateKind::root_ca, pem_b, error)) << error;

    EXPECT_EQ(store.read(CertificateKind::certificate), pem_a);  // byte-exact, CRLF kept
    EXPECT_EQ(store.read(CertificateKind::key), "key text");
    EXPECT_EQ(store.read(CertificateKind::root_ca), pem_b);
    EXPECT_EQ(names_in(dir.file("certs")),
              (std::set<std::string>{"cert.pem", "key.pem", "rootca.pem"}));

    ASSERT_TRUE(store.remove(CertificateKind::key, error)) << error;
    EXPECT_FALSE(store.read(CertificateKind::key));
    EXPECT_EQ(store.read(CertificateKind::certificate), pem_a);
    EXPECT_EQ(names_in(dir.file("certs")), (std::set<std::string>{"cert.pem", "rootca.pem"}));
    // Erasing what is not stored is not an error.
    EXPECT_TRUE(store.remove(CertificateKind::key, error)) << error;
}

TEST(CertificateStore, DirectoryIs0700AndFilesAre0600) {
    TempDir dir;
    const mode_t old_umask = ::umask(0);  // the modes must not depend on the umask
    CertificateStore store(dir.file("state/certs"));
    std::string error;
    const bool written = store.write(CertificateKind::key, "secret", error);
    ::umask(old_umask);
    ASSERT_TRUE(written) << error;
    EXPECT_EQ(mode_of(dir.file("state/certs")), 0700u);
    EXPECT_EQ(mode_of(dir.file("state/certs/key.pem")), 0600u);

    // A replaced file is 0600 too.
    ASSERT_TRUE(store.write(CertificateKind::key, "another secret", error)) << error;
    EXPECT_EQ(mode_of(dir.file("state/certs/key.pem")), 0600u);
}

TEST(CertificateStore, ReplaceIsAtomic) {
    TempDir dir;
    CertificateStore store(dir.file("certs"));
    std::string error;
    ASSERT_TRUE(store.write(CertificateKind::certificate, pem_a, error)) << error;
    const std::string path = dir.file("certs/cert.pem");

    // A reader that opened the old file keeps reading the whole old file: the new one is a new
    // inode renamed over it, never the old one truncated and rewritten.
    std::ifstream reader(path, std::ios::binary);
    ASSERT_TRUE(reader);
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);

    ASSERT_TRUE(store.write(CertificateKind::certificate, pem_b, error)) << error;
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    EXPECT_NE(before.st_ino, after.st_ino);

    std::stringstream old_text;
    old_text << reader.rdbuf();
    EXPECT_EQ(old_text.str(), pem_a);
    EXPECT_EQ(store.read(CertificateKind::certificate), pem_b);
    // No temporary file is left behind.
    EXPECT_EQ(names_in(dir.file("certs")), (std::set<std::string>{"cert.pem"}));
}

TEST(CertificateStore, GenerationCountsSuccessfulChanges) {
    TempDir dir;
    CertificateStore store(dir.file("certs"));
    std::string error;
    EXPECT_EQ(store.generation(), 0u);
    ASSERT_TRUE(store.write(CertificateKind::certificate, pem_a, error));
    EXPECT_EQ(store.generation(), 1u);
    ASSERT_TRUE(store.write(CertificateKind::root_ca, pem_b, error));
    EXPECT_EQ(store.generation(), 2u);
    ASSERT_TRUE(store.remove(CertificateKind::root_ca, error));
    EXPECT_EQ(store.generation(), 3u);
    (void)store.read(CertificateKind::certificate);
    EXPECT_EQ(store.generation(), 3u);
}

TEST(CertificateStore, FailedWriteReportsAndKeepsGeneration) {
    TempDir dir;
    // The store's directory is a regular file: nothing can be written.
    { std::ofstream(dir.file("certs")) << "not a directory"; }
    CertificateStore store(dir.file("certs"));
    std::string error;
    EXPECT_FALSE(store.write(CertificateKind::certificate, pem_a, error));
    EXPECT_NE(error.find(dir.file("certs")), std::string::npos) << error;
    EXPECT_EQ(store.generation(), 0u);
    EXPECT_FALSE(store.read(CertificateKind::certificate));
}

TEST(CertificateStore, FailedReplaceKeepsTheOldStateAndNoTemporaryFile) {
    TempDir dir;
    CertificateStore store(dir.file("certs"));
    std::string error;
    ASSERT_TRUE(store.write(CertificateKind::certificate, pem_a, error)) << error;
    // key.pem is a non-empty directory: the final rename fails (even for root).
    std::filesystem::create_directories(dir.file("certs/key.pem/inside"));
    EXPECT_FALSE(store.write(CertificateKind::key, "secret", error));
    EXPECT_NE(error.find("key.pem"), std::string::npos) << error;
    EXPECT_EQ(store.generation(), 1u);
    EXPECT_EQ(store.read(CertificateKind::certificate), pem_a);
    EXPECT_EQ(names_in(dir.file("certs")), (std::set<std::string>{"cert.pem", "key.pem"}));
}

}  // namespace
}  // namespace wizfi250d
