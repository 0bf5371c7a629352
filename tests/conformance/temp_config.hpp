// SPDX-License-Identifier: Apache-2.0
#pragma once

// A daemon config file for one test (--config FILE), removed at the end.

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace wizfi250d::conformance {

// A daemon config file for one test, removed at the end. Declare it before the Daemon.
class TempConfig {
public:
    explicit TempConfig(std::string_view text) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern =
            std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/wizfi250d-config-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        const int fd = ::mkstemp(buffer.data());
        if (fd < 0) {
            ADD_FAILURE() << "mkstemp(" << pattern << "): " << std::strerror(errno);
            return;
        }
        path_ = buffer.data();
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ADD_FAILURE() << "write " << path_ << ": " << std::strerror(errno);
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    ~TempConfig() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    TempConfig(const TempConfig&) = delete;
    TempConfig& operator=(const TempConfig&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace wizfi250d::conformance
