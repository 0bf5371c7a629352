// SPDX-License-Identifier: Apache-2.0
// ProfileStore: the profile file on a real file system, in a directory made for each test.
//
// Failures that a root-run CI cannot produce with permission bits are made in other real ways
// where possible: the state directory being a regular file, a file-size limit (RLIMIT_FSIZE,
// EFBIG from the kernel), a child process that drops to "nobody" for a 0500 directory. A full
// disk is injected through ProfileStore::set_write_function (ENOSPC), since mounting a small
// tmpfs needs privileges that a unit test must not assume.

#include "wizfi250d/profile/profile_store.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "wizfi250d/profile/profile_file.hpp"

namespace wizfi250d {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-prof-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path() const { return path_.string(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Sets the umask for one scope.
class UmaskScope {
public:
    explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskScope() { ::umask(old_); }
    UmaskScope(const UmaskScope&) = delete;
    UmaskScope& operator=(const UmaskScope&) = delete;

private:
    mode_t old_;
};

// Everything spdlog's default logger prints during one scope, at every level.
class LogCapture {
public:
    LogCapture()
        : old_(spdlog::default_logger()),
          logger_(std::make_shared<spdlog::logger>(
              "capture", std::make_shared<spdlog::sinks::ostream_sink_st>(stream_))) {
        logger_->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger_);
    }
    ~LogCapture() { spdlog::set_default_logger(old_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const { return stream_.str(); }

private:
    std::ostringstream stream_;
    std::shared_ptr<spdlog::logger> old_;
    std::shared_ptr<spdlog::logger> logger_;
};

mode_t mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
}

ino_t inode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_ino;
}

std::set<std::string> names_in(const std::string& directory) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        names.insert(entry.path().filename().string());
    return names;
}

std::string read_all(const std::string& path) {
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

Profile profile_a() {
    Profile p;
    p.station.ssid = "Home, \"sweet\" home ";
    p.station.key = "key with spaces, commas and \\";
    p.message_level = 3;
    return p;
}

Profile profile_b() {
    Profile p = profile_a();
    p.station.ssid = "Office";
    p.dns1 = Ipv4{{9, 9, 9, 9}};
    return p;
}

TEST(ProfileStore, Paths) {
    ProfileStore store("/var/lib/wizfi250d");
    EXPECT_EQ(store.directory(), "/var/lib/wizfi250d");
    EXPECT_EQ(store.path(), "/var/lib/wizfi250d/profile.conf");
}

TEST(ProfileStore, MissingFileGivesFactoryValuesWithoutProblem) {
    TempDir dir;
    ProfileStore store(dir.file("state"));
    const LoadResult result = store.load();
    EXPECT_FALSE(result.problem);
    EXPECT_EQ(serialize_profile(result.profile), serialize_profile(Profile{}));
    EXPECT_FALSE(std::filesystem::exists(dir.file("state")));  // loading creates nothing
    EXPECT_EQ(store.write_count(), 0u);
}

TEST(ProfileStore, SaveThenLoad) {
    TempDir dir;
    ProfileStore store(dir.file("state"));
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    EXPECT_EQ(store.write_count(), 1u);
    EXPECT_EQ(read_all(store.path()), serialize_profile(profile_a()));
    EXPECT_EQ(names_in(dir.file("state")), std::set<std::string>{"profile.conf"});

    ProfileStore again(dir.file("state"));
    const LoadResult result = again.load();
    EXPECT_FALSE(result.problem) << *result.problem;
    EXPECT_EQ(serialize_profile(result.profile), serialize_profile(profile_a()));
}

TEST(ProfileStore, ModesIgnoreTheUmask) {
    for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0777}}) {
        SCOPED_TRACE(mask);
        TempDir dir;
        // Parents are created too (not under umask 0777: they would get mode 0000).
        const std::string state = dir.file(mask == 0777 ? "state" : "a/b/state");
        ProfileStore store(state);
        std::string error;
        {
            UmaskScope umask(mask);
            ASSERT_TRUE(store.save(profile_a(), error)) << error;
        }
        EXPECT_EQ(mode_of(state), 0700u);
        EXPECT_EQ(mode_of(store.path()), 0600u);
        // A rewrite keeps 0600.
        {
            UmaskScope umask(mask);
            ASSERT_TRUE(store.save(profile_b(), error)) << error;
        }
        EXPECT_EQ(mode_of(store.path()), 0600u);
    }
}

TEST(ProfileStore, ExistingDirectoryModeIsLeftAlone) {
    TempDir dir;
    const std::string state = dir.file("state");
    ASSERT_EQ(::mkdir(state.c_str(), 0750), 0);
    ASSERT_EQ(::chmod(state.c_str(), 0750), 0);
    ProfileStore store(state);
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    EXPECT_EQ(mode_of(state), 0750u);
    EXPECT_EQ(mode_of(store.path()), 0600u);
}

TEST(ProfileStore, UnchangedProfileIsNotWritten) {
    TempDir dir;
    ProfileStore store(dir.path());
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    const ino_t first = inode_of(store.path());
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    EXPECT_EQ(store.write_count(), 1u);
    EXPECT_EQ(inode_of(store.path()), first);  // not replaced
    ASSERT_TRUE(store.save(profile_b(), error)) << error;
    EXPECT_EQ(store.write_count(), 2u);
    EXPECT_NE(inode_of(store.path()), first);

    // A new store that loads the file does not write it back unchanged.
    ProfileStore next(dir.path());
    const LoadResult loaded = next.load();
    ASSERT_FALSE(loaded.problem);
    ASSERT_TRUE(next.save(loaded.profile, error)) << error;
    EXPECT_EQ(next.write_count(), 0u);
}

TEST(ProfileStore, ComparesWithTheFileItself) {
    TempDir dir;
    ProfileStore writer(dir.path());
    std::string error;
    ASSERT_TRUE(writer.save(profile_a(), error)) << error;

    // Another store that never loaded: the file already holds the text.
    ProfileStore other(dir.path());
    ASSERT_TRUE(other.save(profile_a(), error)) << error;
    EXPECT_EQ(other.write_count(), 0u);

    // The file went away behind the store's back: written again.
    ASSERT_EQ(::unlink(writer.path().c_str()), 0);
    ASSERT_TRUE(writer.save(profile_a(), error)) << error;
    EXPECT_EQ(writer.write_count(), 2u);
    EXPECT_EQ(read_all(writer.path()), serialize_profile(profile_a()));

    // Changed behind its back (same size, other bytes): written again.
    std::string text = serialize_profile(profile_a());
    text[text.find("Home")] = 'h';
    write_raw(writer.path(), text);
    ASSERT_TRUE(writer.save(profile_a(), error)) << error;
    EXPECT_EQ(writer.write_count(), 3u);
    EXPECT_EQ(read_all(writer.path()), serialize_profile(profile_a()));
}

TEST(ProfileStore, HandEditedFileIsRewrittenInTheWritersForm) {
    TempDir dir;
    write_raw(dir.file("profile.conf"), "schema=1\nstation.ssid = Edited\n");
    ProfileStore store(dir.path());
    const LoadResult loaded = store.load();
    ASSERT_FALSE(loaded.problem) << *loaded.problem;
    EXPECT_EQ(loaded.profile.station.ssid, "Edited");
    std::string error;
    ASSERT_TRUE(store.save(loaded.profile, error)) << error;
    EXPECT_EQ(store.write_count(), 1u);
    EXPECT_EQ(read_all(store.path()), serialize_profile(loaded.profile));
    ASSERT_TRUE(store.save(loaded.profile, error)) << error;
    EXPECT_EQ(store.write_count(), 1u);
}

bool all_digits(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

// profile.conf.corrupt-YYYYmmddTHHMMSSZ, optionally followed by -N.
bool is_corrupt_name(const std::string& name) {
    const std::string prefix = "profile.conf.corrupt-";
    if (name.rfind(prefix, 0) != 0) return false;
    const std::string rest = name.substr(prefix.size());
    if (rest.size() < 16 || !all_digits(rest.substr(0, 8)) || rest[8] != 'T' ||
        !all_digits(rest.substr(9, 6)) || rest[15] != 'Z')
        return false;
    const std::string suffix = rest.substr(16);
    return suffix.empty() || (suffix[0] == '-' && all_digits(suffix.substr(1)));
}

std::set<std::string> corrupt_files(const std::string& directory) {
    std::set<std::string> names;
    for (const std::string& name : names_in(directory))
        if (is_corrupt_name(name)) names.insert(name);
    return names;
}

TEST(ProfileStore, CorruptFileIsKeptAsideAndNamed) {
    TempDir dir;
    const std::string bad = "# x\nschema = 1\nstation.channel = 99\n";
    write_raw(dir.file("profile.conf"), bad);
    ProfileStore store(dir.path());
    const LoadResult result = store.load();
    ASSERT_TRUE(result.problem);
    const std::string& problem = *result.problem;
    EXPECT_TRUE(contains(problem, dir.file("profile.conf"))) << problem;
    EXPECT_TRUE(contains(problem, "line 3")) << problem;
    EXPECT_TRUE(contains(problem, "station.channel")) << problem;
    EXPECT_TRUE(contains(problem, "99 is out of range 0-14")) << problem;
    EXPECT_TRUE(contains(problem, "factory values")) << problem;
    EXPECT_EQ(serialize_profile(result.profile), serialize_profile(Profile{}));

    const auto kept = corrupt_files(dir.path());
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(names_in(dir.path()), kept);  // profile.conf itself is gone
    EXPECT_TRUE(contains(problem, dir.file(*kept.begin()))) << problem;
    EXPECT_EQ(read_all(dir.file(*kept.begin())), bad);

    // The next save writes a fresh file next to the kept one.
    std::string error;
    ASSERT_TRUE(store.save(result.profile, error)) << error;
    EXPECT_EQ(store.write_count(), 1u);
    EXPECT_EQ(read_all(dir.file(*kept.begin())), bad);
}

TEST(ProfileStore, KeptFilesAreNeverOverwritten) {
    TempDir dir;
    // Take the names of this second and the next few, so the store must add a suffix.
    const std::time_t now = std::time(nullptr);
    for (std::time_t t = now - 1; t <= now + 3; ++t) {
        struct tm utc {};
        ::gmtime_r(&t, &utc);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
        write_raw(dir.file(std::string("profile.conf.corrupt-") + stamp), "older");
    }
    const auto before = corrupt_files(dir.path());
    ProfileStore store(dir.path());
    for (int i = 0; i < 3; ++i) {
        write_raw(store.path(), "garbage " + std::to_string(i) + "\n");
        EXPECT_TRUE(store.load().problem);
    }
    const auto after = corrupt_files(dir.path());
    ASSERT_EQ(after.size(), before.size() + 3);
    std::set<std::string> contents;
    for (const std::string& name : after) {
        if (before.count(name) != 0) {
            EXPECT_EQ(read_all(dir.file(name)), "older") << name;
        } else {
            EXPECT_TRUE(contains(name, "-")) << name;
            contents.insert(read_all(dir.file(name)));
        }
    }
    EXPECT_EQ(contents, (std::set<std::string>{"garbage 0\n", "garbage 1\n", "garbage 2\n"}));
}

TEST(ProfileStore, UnusableFilesAreKeptAside) {
    struct Case {
        const char* name;
        std::function<void(const std::string& path)> make;
        const char* expected;
    };
    const std::vector<Case> cases{
        {"empty", [](const std::string& p) { write_raw(p, ""); }, "schema"},
        {"binary", [](const std::string& p) { write_raw(p, std::string("\0\x01\x02", 3)); },
         "line 1"},
        {"newer schema", [](const std::string& p) { write_raw(p, "schema = 7\nnew = 1\n"); },
         "newer"},
        {"too large",
         [](const std::string& p) { write_raw(p, "schema = 1\n" + std::string(70000, '#')); },
         "larger than"},
        {"directory", [](const std::string& p) { ::mkdir(p.c_str(), 0700); }, "not a regular file"},
        {"fifo", [](const std::string& p) { ::mkfifo(p.c_str(), 0600); }, "not a regular file"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        TempDir dir;
        ProfileStore store(dir.path());
        c.make(store.path());
        const LoadResult result = store.load();  // must not hang on the FIFO
        ASSERT_TRUE(result.problem);
        EXPECT_TRUE(contains(*result.problem, c.expected)) << *result.problem;
        EXPECT_TRUE(contains(*result.problem, store.path())) << *result.problem;
        EXPECT_EQ(serialize_profile(result.profile), serialize_profile(Profile{}));
        EXPECT_EQ(corrupt_files(dir.path()).size(), 1u);
        EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(store.path())));
    }
}

TEST(ProfileStore, LeftoverTemporariesAreRemovedAtLoad) {
    TempDir dir;
    ProfileStore store(dir.path());
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    write_raw(dir.file("profile.conf.tmp-12345-0"), "schema = 1\nstation.ss");
    write_raw(dir.file("profile.conf.tmp-1-99"), "");
    write_raw(dir.file("unrelated.txt"), "keep me");

    ProfileStore next(dir.path());
    const LoadResult result = next.load();
    EXPECT_FALSE(result.problem);
    EXPECT_EQ(serialize_profile(result.profile), serialize_profile(profile_a()));
    EXPECT_EQ(names_in(dir.path()), (std::set<std::string>{"profile.conf", "unrelated.txt"}));
}

TEST(ProfileStore, TemporariesAreRemovedEvenWithoutAProfile) {
    TempDir dir;
    write_raw(dir.file("profile.conf.tmp-7-0"), "half");
    ProfileStore store(dir.path());
    EXPECT_FALSE(store.load().problem);
    EXPECT_TRUE(names_in(dir.path()).empty());
}

// ENOSPC from write(2), injected: the old file stays, no temporary is left.
TEST(ProfileStore, DiskFullLeavesTheOldFile) {
    TempDir dir;
    ProfileStore store(dir.path());
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    const std::string old_text = read_all(store.path());

    std::size_t budget = 100;  // the disk fills up after 100 bytes, written 7 at a time
    store.set_write_function([&budget](int fd, const void* data, std::size_t size) -> ssize_t {
        if (budget == 0) {
            errno = ENOSPC;
            return -1;
        }
        const std::size_t chunk = std::min({size, budget, std::size_t{7}});
        budget -= chunk;
        return ::write(fd, data, chunk);
    });
    EXPECT_FALSE(store.save(profile_b(), error));
    EXPECT_TRUE(contains(error, "No space left on device")) << error;
    EXPECT_TRUE(contains(error, store.path())) << error;
    EXPECT_EQ(read_all(store.path()), old_text);
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"profile.conf"});
    EXPECT_EQ(store.write_count(), 1u);

    // Space again: the next save works (and is not skipped as "unchanged").
    store.set_write_function(
        [](int fd, const void* data, std::size_t size) { return ::write(fd, data, size); });
    ASSERT_TRUE(store.save(profile_b(), error)) << error;
    EXPECT_EQ(store.write_count(), 2u);
    EXPECT_EQ(read_all(store.path()), serialize_profile(profile_b()));
}

TEST(ProfileStore, ShortWritesAndInterruptsStillWriteEverything) {
    TempDir dir;
    ProfileStore store(dir.path());
    unsigned calls = 0;
    store.set_write_function([&calls](int fd, const void* data, std::size_t size) -> ssize_t {
        if (++calls % 5 == 0) {
            errno = EINTR;
            return -1;
        }
        return ::write(fd, data, std::min<std::size_t>(size, calls % 3 + 1));
    });
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    EXPECT_EQ(read_all(store.path()), serialize_profile(profile_a()));
    EXPECT_GT(calls, 100u);
}

TEST(ProfileStore, WriteThatMakesNoProgressFails) {
    TempDir dir;
    ProfileStore store(dir.path());
    store.set_write_function([](int, const void*, std::size_t) -> ssize_t { return 0; });
    std::string error;
    EXPECT_FALSE(store.save(profile_a(), error));
    EXPECT_TRUE(contains(error, "No space left on device")) << error;
    EXPECT_TRUE(names_in(dir.path()).empty());
}

// Runs body in a child process; returns its exit status (-1 when it did not exit normally).
template <typename Body>
int in_child(const Body& body) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        spdlog::set_level(spdlog::level::off);
        ::_exit(body());
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A real write failure from the kernel: the file-size limit (EFBIG), in a child process.
TEST(ProfileStore, KernelWriteErrorLeavesTheOldFile) {
    TempDir dir;
    ProfileStore store(dir.path());
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    const int status = in_child([&] {
        ::signal(SIGXFSZ, SIG_IGN);
        const struct rlimit limit { 100, 100 };
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 10;
        std::string child_error;
        if (store.save(profile_b(), child_error)) return 11;
        if (!contains(child_error, std::strerror(EFBIG))) return 12;
        if (!contains(child_error, store.path())) return 13;
        return 0;
    });
    EXPECT_EQ(status, 0);
    EXPECT_EQ(read_all(store.path()), serialize_profile(profile_a()));
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"profile.conf"});
}

// A directory the daemon may not write to. Root ignores mode 0500, so a root run checks it from
// a child process that has dropped to "nobody".
TEST(ProfileStore, ReadOnlyDirectoryLeavesTheOldFile) {
    TempDir dir;
    const std::string state = dir.file("state");
    ProfileStore store(state);
    std::string error;
    ASSERT_TRUE(store.save(profile_a(), error)) << error;
    constexpr uid_t nobody = 65534;
    const bool root = ::geteuid() == 0;
    if (root) {
        ASSERT_EQ(::chmod(dir.path().c_str(), 0711), 0);
        ASSERT_EQ(::chown(state.c_str(), nobody, nobody), 0);
        ASSERT_EQ(::chown(store.path().c_str(), nobody, nobody), 0);
    }
    ASSERT_EQ(::chmod(state.c_str(), 0500), 0);
    const int status = in_child([&] {
        if (root && (::setgid(nobody) != 0 || ::setuid(nobody) != 0)) return 20;
        ProfileStore child_store(state);
        std::string child_error;
        if (child_store.save(profile_b(), child_error)) return 11;
        if (!contains(child_error, std::strerror(EACCES))) return 12;
        if (!contains(child_error, state)) return 13;
        return 0;
    });
    ASSERT_EQ(::chmod(state.c_str(), 0700), 0);
    if (status == 20) GTEST_SKIP() << "cannot drop to uid " << nobody;
    EXPECT_EQ(status, 0);
    EXPECT_EQ(read_all(store.path()), serialize_profile(profile_a()));
    EXPECT_EQ(names_in(state), std::set<std::string>{"profile.conf"});
}

TEST(ProfileStore, DirectoryThatIsAFile) {
    TempDir dir;
    write_raw(dir.file("state"), "not a directory");
    ProfileStore store(dir.file("state"));
    std::string error;
    EXPECT_FALSE(store.save(profile_a(), error));
    EXPECT_TRUE(contains(error, dir.file("state") + " is not a directory")) << error;
    EXPECT_EQ(read_all(dir.file("state")), "not a directory");

    // A parent that is a file.
    ProfileStore below(dir.file("state/sub"));
    EXPECT_FALSE(below.save(profile_a(), error));
    EXPECT_TRUE(contains(error, "Not a directory")) << error;
    EXPECT_FALSE(below.load().problem);  // nothing there to load: factory values
}

TEST(ProfileStore, NeverLogsSecrets) {
    TempDir dir;
    Profile profile;
    profile.station.key = "StationSecretKey";
    profile.soft_ap.key = "SoftApSecretKey";
    profile.web_password = "WebSecret";
    profile.mqtt.password = "MqttSecret";
    LogCapture log;
    ProfileStore store(dir.path());
    std::string error;
    ASSERT_TRUE(store.save(profile, error)) << error;
    ASSERT_FALSE(store.load().problem);
    // And a corrupt file whose bad line is a key.
    write_raw(store.path(),
              "schema = 1\nstation.key = StationSecretKeyTooLong" + std::string(60, 'Z') + "\n");
    const LoadResult result = store.load();
    ASSERT_TRUE(result.problem);
    const std::string text = log.text() + *result.problem;
    EXPECT_TRUE(contains(text, "profile")) << text;
    for (const char* secret : {"StationSecret", "SoftApSecret", "WebSecret", "MqttSecret"})
        EXPECT_FALSE(contains(text, secret)) << secret << " in " << text;
}

}  // namespace
}  // namespace wizfi250d
