// SPDX-License-Identifier: Apache-2.0
// private_files: the 0700 directory and the atomic 0600 replace behind the profile, the
// certificates and the run marker.

#include "wizfi250d/util/private_files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-private-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path() const { return path_.string(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

class UmaskScope {
public:
    explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskScope() { ::umask(old_); }
    UmaskScope(const UmaskScope&) = delete;
    UmaskScope& operator=(const UmaskScope&) = delete;

private:
    mode_t old_;
};

mode_t mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
}

std::set<std::string> names_in(const std::string& directory) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        names.insert(entry.path().filename().string());
    return names;
}

std::string contents_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_raw(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(PrivateFiles, FailureText) {
    EXPECT_EQ(failure_text("set the mode of", "/x/y", ENOENT),
              std::string("cannot set the mode of /x/y: ") + std::strerror(ENOENT));
}

TEST(PrivateFiles, DirectoryIsCreatedWithParentsAndMode0700WhateverTheUmask) {
    for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
        SCOPED_TRACE(mask);
        TempDir dir;
        const std::string state = dir.file("a/b/state");
        std::string error;
        {
            UmaskScope umask(mask);
            ASSERT_EQ(ensure_private_directory(state, error), DirectoryResult::created) << error;
        }
        EXPECT_EQ(mode_of(state), 0700u);
        EXPECT_TRUE(std::filesystem::is_directory(dir.file("a/b")));
        EXPECT_EQ(ensure_private_directory(state, error), DirectoryResult::existed) << error;
    }
}

// Under umask 0777 mkdir alone would give 0000: the daemon could not use its own directory.
TEST(PrivateFiles, DirectoryModeIsExactEvenUnderUmask0777) {
    TempDir dir;
    const std::string state = dir.file("state");
    std::string error;
    {
        UmaskScope umask(0777);
        ASSERT_EQ(ensure_private_directory(state, error), DirectoryResult::created) << error;
    }
    EXPECT_EQ(mode_of(state), 0700u);
}

TEST(PrivateFiles, ExistingDirectoryModeIsLeftAlone) {
    TempDir dir;
    const std::string state = dir.file("state");
    ASSERT_EQ(::mkdir(state.c_str(), 0750), 0);
    ASSERT_EQ(::chmod(state.c_str(), 0750), 0);
    std::string error;
    EXPECT_EQ(ensure_private_directory(state, error), DirectoryResult::existed) << error;
    EXPECT_EQ(mode_of(state), 0750u);
}

TEST(PrivateFiles, NonDirectoryInThePath) {
    TempDir dir;
    const std::string file = dir.file("state");
    write_raw(file, "not a directory");
    std::string error;
    EXPECT_EQ(ensure_private_directory(file, error), DirectoryResult::not_a_directory);
    EXPECT_EQ(error, file + " is not a directory");
    EXPECT_EQ(contents_of(file), "not a directory");

    error.clear();
    EXPECT_EQ(ensure_private_directory(file + "/sub", error), DirectoryResult::failed);
    EXPECT_TRUE(contains(error, file)) << error;
    EXPECT_TRUE(contains(error, std::strerror(ENOTDIR))) << error;

    error.clear();
    EXPECT_EQ(replace_file_atomically(file + "/x", "bytes", error), ReplaceResult::failed);
    EXPECT_TRUE(contains(error, "cannot create " + file + "/x" + std::string(temporary_infix)))
        << error;
    EXPECT_TRUE(contains(error, std::strerror(ENOTDIR))) << error;
    EXPECT_EQ(contents_of(file), "not a directory");
}

TEST(PrivateFiles, SyncDirectory) {
    TempDir dir;
    std::string error;
    EXPECT_TRUE(sync_directory(dir.path(), error)) << error;
    EXPECT_FALSE(sync_directory(dir.file("missing"), error));
    EXPECT_EQ(error, failure_text("sync", dir.file("missing"), ENOENT));
}

TEST(PrivateFiles, WriteAllSurvivesShortWritesAndInterrupts) {
    TempDir dir;
    const std::string path = dir.file("out");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    unsigned calls = 0;
    const WriteFunction stuttering = [&calls](int to, const void* data,
                                              std::size_t size) -> ssize_t {
        if (++calls % 4 == 0) {
            errno = EINTR;
            return -1;
        }
        return ::write(to, data, std::min<std::size_t>(size, 3));
    };
    const std::string text(100, 'x');
    EXPECT_TRUE(write_all(fd, text, stuttering));
    ::close(fd);
    EXPECT_EQ(contents_of(path), text);
    EXPECT_GT(calls, 34u);
}

TEST(PrivateFiles, WriteAllFailures) {
    const WriteFunction no_progress = [](int, const void*, std::size_t) -> ssize_t { return 0; };
    errno = 0;
    EXPECT_FALSE(write_all(-1, "abc", no_progress));
    EXPECT_EQ(errno, ENOSPC);

    const WriteFunction broken = [](int, const void*, std::size_t) -> ssize_t {
        errno = EIO;
        return -1;
    };
    errno = 0;
    EXPECT_FALSE(write_all(-1, "abc", broken));
    EXPECT_EQ(errno, EIO);

    EXPECT_TRUE(write_all(-1, "", broken));  // nothing to write: write is never called
}

TEST(PrivateFiles, ReadAllStopsPastTheLimit) {
    TempDir dir;
    const std::string path = dir.file("in");
    const std::string contents(10000, 'r');  // more than one read(2)'s worth
    write_raw(path, contents);
    for (const std::size_t limit : {std::size_t{10000}, std::size_t{9999}}) {
        SCOPED_TRACE(limit);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0);
        std::string text;
        errno = 0;
        const bool complete = read_all(fd, text, limit);
        const int error = errno;
        ::close(fd);
        if (limit == contents.size()) {
            EXPECT_TRUE(complete);
            EXPECT_EQ(text, contents);
        } else {
            EXPECT_FALSE(complete);
            EXPECT_EQ(error, EFBIG);
        }
    }
    std::string text;
    EXPECT_FALSE(read_all(-1, text, 100));
    EXPECT_EQ(errno, EBADF);
}

TEST(PrivateFiles, ReplacedFileIsMode0600WhateverTheUmaskOrTheOldMode) {
    for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0777}}) {
        SCOPED_TRACE(mask);
        TempDir dir;
        const std::string path = dir.file("secret");
        std::string error;
        {
            UmaskScope umask(mask);
            ASSERT_EQ(replace_file_atomically(path, "one", error), ReplaceResult::replaced)
                << error;
        }
        EXPECT_EQ(mode_of(path), 0600u);
        EXPECT_EQ(contents_of(path), "one");

        ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
        {
            UmaskScope umask(mask);
            ASSERT_EQ(replace_file_atomically(path, "two", error), ReplaceResult::replaced)
                << error;
        }
        EXPECT_EQ(mode_of(path), 0600u);
        EXPECT_EQ(contents_of(path), "two");
        EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"secret"});
    }
}

// Until the rename, readers of path see the old contents whole; after it, the new ones whole.
TEST(PrivateFiles, ReplaceShowsOldOrNewContentsNeverPart) {
    TempDir dir;
    const std::string path = dir.file("file");
    const std::string old_text(300, 'o');
    const std::string new_text(500, 'n');
    write_raw(path, old_text);
    std::string error;
    unsigned checks = 0;
    const WriteFunction checking = [&](int fd, const void* data, std::size_t size) -> ssize_t {
        if (contents_of(path) == old_text) ++checks;
        return ::write(fd, data, std::min<std::size_t>(size, 50));
    };
    ASSERT_EQ(replace_file_atomically(path, new_text, error, checking), ReplaceResult::replaced)
        << error;
    EXPECT_EQ(checks, 10u);
    EXPECT_EQ(contents_of(path), new_text);
}

TEST(PrivateFiles, InjectedWriteFailureLeavesTheOldFileAndNoTemporary) {
    TempDir dir;
    const std::string path = dir.file("file");
    write_raw(path, "old contents");
    std::size_t budget = 20;
    const WriteFunction filling = [&budget](int fd, const void* data, std::size_t size) -> ssize_t {
        if (budget == 0) {
            errno = ENOSPC;
            return -1;
        }
        const std::size_t chunk = std::min({size, budget, std::size_t{7}});
        budget -= chunk;
        return ::write(fd, data, chunk);
    };
    std::string error;
    EXPECT_EQ(replace_file_atomically(path, std::string(100, 'n'), error, filling),
              ReplaceResult::failed);
    EXPECT_TRUE(contains(error, "cannot write " + path + std::string(temporary_infix))) << error;
    EXPECT_TRUE(contains(error, std::strerror(ENOSPC))) << error;
    EXPECT_EQ(contents_of(path), "old contents");
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"file"});
}

TEST(PrivateFiles, FailedRenameLeavesNoTemporary) {
    TempDir dir;
    // A non-empty directory in the file's place: rename() fails, even for root.
    std::filesystem::create_directories(dir.file("file/inside"));
    std::string error;
    EXPECT_EQ(replace_file_atomically(dir.file("file"), "bytes", error), ReplaceResult::failed);
    EXPECT_TRUE(contains(error, "cannot rename ")) << error;
    EXPECT_TRUE(contains(error, " to " + dir.file("file") + ": ")) << error;
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"file"});
}

// The names a crash leaves behind are "<path><temporary_infix><pid>-<serial>", which is how
// ProfileStore finds them again; a name already taken is skipped, not overwritten.
TEST(PrivateFiles, ReadFileTakesTheWholeFileUpToTheLimit) {
    TempDir dir;
    const std::string path = dir.file("text");
    std::string text = "left from before";
    EXPECT_FALSE(read_file(path, text, 16));
    EXPECT_EQ(errno, ENOENT);
    EXPECT_EQ(text, "");

    write_raw(path, std::string(16, 'x'));
    ASSERT_TRUE(read_file(path, text, 16));
    EXPECT_EQ(text, std::string(16, 'x'));

    // One byte over the limit: refused with EFBIG, not read on.
    write_raw(path, std::string(17, 'x'));
    EXPECT_FALSE(read_file(path, text, 16));
    EXPECT_EQ(errno, EFBIG);

    EXPECT_FALSE(read_file(dir.path(), text, 16));  // a directory
    EXPECT_EQ(errno, EISDIR);
}

TEST(PrivateFiles, TemporaryNamesAndTheCallersSerial) {
    TempDir dir;
    const std::string path = dir.file("profile.conf");
    const std::string taken =
        path + std::string(temporary_infix) + std::to_string(::getpid()) + "-5";
    write_raw(taken, "someone else's");
    std::string seen;
    const WriteFunction spying = [&](int fd, const void* data, std::size_t size) -> ssize_t {
        for (const auto& name : names_in(dir.path()))
            if (name != "profile.conf" && dir.file(name) != taken) seen = dir.file(name);
        return ::write(fd, data, size);
    };
    unsigned serial = 5;
    std::string error;
    ASSERT_EQ(replace_file_atomically(path, "text", error, spying, &serial),
              ReplaceResult::replaced)
        << error;
    EXPECT_EQ(seen, path + std::string(temporary_infix) + std::to_string(::getpid()) + "-6");
    EXPECT_EQ(serial, 7u);
    EXPECT_EQ(contents_of(taken), "someone else's");
    EXPECT_EQ(contents_of(path), "text");
}

}  // namespace
}  // namespace wizfi250d
