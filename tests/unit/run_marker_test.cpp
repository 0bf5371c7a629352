// SPDX-License-Identifier: Apache-2.0
// RunMarker: the "running" file that tells the next start whether this run ended cleanly.

#include "wizfi250d/profile/run_marker.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace wizfi250d {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-run-XXXXXX");
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

mode_t mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(RunMarker, Path) {
    EXPECT_EQ(RunMarker("/var/lib/wizfi250d").path(), "/var/lib/wizfi250d/running");
}

TEST(RunMarker, FirstStartIsClean) {
    TempDir dir;
    RunMarker marker(dir.file("state"));
    EXPECT_FALSE(marker.previous_run_was_unclean());
    EXPECT_FALSE(marker.previous_pid());
    EXPECT_FALSE(std::filesystem::exists(dir.file("state")));
}

TEST(RunMarker, CleanExitLeavesNoMarker) {
    TempDir dir;
    const std::string state = dir.file("state");
    {
        RunMarker marker(state);
        ASSERT_TRUE(marker.mark_running());
        EXPECT_EQ(mode_of(state), 0700u);
        EXPECT_EQ(mode_of(marker.path()), 0600u);
        EXPECT_EQ(read_all(marker.path()), std::to_string(::getpid()) + "\n");
        ASSERT_TRUE(marker.mark_clean_exit());
        EXPECT_FALSE(std::filesystem::exists(marker.path()));
    }
    RunMarker next(state);
    EXPECT_FALSE(next.previous_run_was_unclean());
}

TEST(RunMarker, RunWithoutCleanExitIsUnclean) {
    TempDir dir;
    RunMarker(dir.path()).mark_running();
    RunMarker next(dir.path());
    // Even though the PID inside is alive (ours): only a clean exit clears the marker.
    EXPECT_TRUE(next.previous_run_was_unclean());
    EXPECT_EQ(next.previous_pid(), ::getpid());
    ASSERT_TRUE(next.mark_running());  // this run's marker replaces it
    ASSERT_TRUE(next.mark_clean_exit());
    EXPECT_FALSE(RunMarker(dir.path()).previous_run_was_unclean());
}

TEST(RunMarker, KilledProcessLeavesItsMarker) {
    TempDir dir;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        spdlog::set_level(spdlog::level::off);
        RunMarker(dir.path()).mark_running();
        ::raise(SIGKILL);
        ::_exit(1);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    ASSERT_TRUE(WIFSIGNALED(status));
    RunMarker marker(dir.path());
    EXPECT_TRUE(marker.previous_run_was_unclean());
    EXPECT_EQ(marker.previous_pid(), child);
}

TEST(RunMarker, UnreadableMarkerStillCounts) {
    TempDir dir;
    RunMarker marker(dir.path());
    for (const std::string text : {"", "garbage\n", "12x\n", "0\n", "99999999999999\n"}) {
        std::ofstream(marker.path(), std::ios::trunc) << text;
        EXPECT_TRUE(marker.previous_run_was_unclean()) << text;
        EXPECT_FALSE(marker.previous_pid()) << text;
    }
    std::ofstream(marker.path(), std::ios::trunc) << "4242";  // no newline: still a PID
    EXPECT_EQ(marker.previous_pid(), 4242);
}

TEST(RunMarker, CleanExitWithoutMarkerIsFine) {
    TempDir dir;
    EXPECT_TRUE(RunMarker(dir.path()).mark_clean_exit());
    EXPECT_TRUE(RunMarker(dir.file("missing")).mark_clean_exit());
}

TEST(RunMarker, UnwritableDirectoryIsReported) {
    TempDir dir;
    std::ofstream(dir.file("state")) << "a file";
    RunMarker marker(dir.file("state"));
    EXPECT_FALSE(marker.mark_running());
    EXPECT_FALSE(marker.previous_run_was_unclean());
}

}  // namespace
}  // namespace wizfi250d
