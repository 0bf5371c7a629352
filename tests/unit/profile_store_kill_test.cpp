// SPDX-License-Identifier: Apache-2.0
// Crash safety of ProfileStore::save(): child processes save two profiles in turn, forever, and
// are SIGKILLed at random moments. After every kill profile.conf must hold one of the two
// complete texts (never a torn or empty file), and the next load() must use it without a
// problem and remove any temporary file the kill left.
//
// Each child writes through a write function that hands the kernel 13 bytes per call, so a kill
// lands in the middle of a temporary file often. Bounded: 200 kills, each within 4 ms of the
// fork; every child is reaped and the directory is removed.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "wizfi250d/profile/profile_file.hpp"
#include "wizfi250d/profile/profile_store.hpp"

namespace wizfi250d {
namespace {

constexpr int iterations = 200;
constexpr int max_delay_us = 4000;
constexpr std::size_t bytes_per_write = 13;

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-kill-XXXXXX");
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

private:
    std::filesystem::path path_;
};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Two profiles that differ early, late and in length, with strings that need escaping.
Profile first_profile() {
    Profile p;
    p.station.ssid = "first, \"one\" ";
    p.station.key = std::string(60, 'k');
    p.mqtt.client_id = std::string(50, '\x01');
    p.open_drain = false;
    return p;
}

Profile second_profile() {
    Profile p;
    p.mac = MacAddress{{0x00, 0x08, 0xDC, 0x99, 0x88, 0x77}};
    p.station.ssid = "second";
    p.station.key = "short key";
    p.domain_name = std::string(49, '#');
    p.open_drain = true;
    return p;
}

// The child: save the two profiles in turn until killed.
[[noreturn]] void save_forever(const std::string& directory) {
    spdlog::set_level(spdlog::level::off);
    ProfileStore store(directory);
    store.set_write_function([](int fd, const void* data, std::size_t size) {
        return ::write(fd, data, std::min(size, bytes_per_write));
    });
    const Profile profiles[] = {second_profile(), first_profile()};
    std::string error;
    for (unsigned i = 0;; ++i) {
        if (!store.save(profiles[i % 2], error)) ::_exit(3);
    }
}

TEST(ProfileStoreKill, SaveSurvivesSigkillAtAnyMoment) {
    TempDir dir;
    const std::string first_text = serialize_profile(first_profile());
    const std::string second_text = serialize_profile(second_profile());
    ASSERT_NE(first_text, second_text);
    {
        ProfileStore seed(dir.path());
        std::string error;
        ASSERT_TRUE(seed.save(first_profile(), error)) << error;
    }

    std::mt19937 random(std::random_device{}());
    std::uniform_int_distribution<int> delay_us(0, max_delay_us);
    int held_first = 0;
    int held_second = 0;
    int left_temporaries = 0;
    for (int i = 0; i < iterations; ++i) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0) << "fork failed";
        if (child == 0) save_forever(dir.path());
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        ::kill(child, SIGKILL);
        int status = 0;
        while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        // Killed, not failed on its own.
        ASSERT_TRUE(WIFSIGNALED(status))
            << "iteration " << i << ": child exited with " << WEXITSTATUS(status);

        std::set<std::string> others;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            const std::string name = entry.path().filename().string();
            if (name.rfind(ProfileStore::temporary_prefix, 0) == 0) {
                ++left_temporaries;
            } else if (name != ProfileStore::file_name) {
                others.insert(name);
            }
        }
        EXPECT_TRUE(others.empty()) << "iteration " << i << ": " << *others.begin();

        const std::string text = read_all(dir.path() + "/" + ProfileStore::file_name);
        ASSERT_TRUE(text == first_text || text == second_text)
            << "iteration " << i << ": torn file of " << text.size() << " bytes";
        (text == first_text ? held_first : held_second)++;

        ProfileStore store(dir.path());
        const LoadResult loaded = store.load();
        ASSERT_FALSE(loaded.problem) << "iteration " << i << ": " << *loaded.problem;
        EXPECT_EQ(serialize_profile(loaded.profile), text);
        // load() removed every temporary: only the profile is left.
        std::size_t entries = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            EXPECT_EQ(entry.path().filename().string(), ProfileStore::file_name);
            ++entries;
        }
        EXPECT_EQ(entries, 1u);
    }
    std::cout << "[          ] " << iterations << " kills: file held the first profile "
              << held_first << " times, the second " << held_second << " times; "
              << left_temporaries << " temporary files left behind and removed by load()\n";
}

}  // namespace
}  // namespace wizfi250d
