// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <utility>

#include "unique_fd.hpp"
#include "wizfi250d/serial/serial_port.hpp"

namespace wizfi250d {

// A serial front end whose bytes go in and out through one file descriptor: a TTY device or the
// master side of a pseudo-terminal. Subclasses add the line settings and the name.
class DescriptorPort : public SerialPort {
public:
    DescriptorPort(boost::asio::io_context& io, UniqueFd fd) : descriptor_(io, fd.release()) {
        // write_now() and the reader's read(2) must never block.
        boost::system::error_code ignored;
        descriptor_.native_non_blocking(true, ignored);
    }

    boost::asio::posix::descriptor& input() override { return descriptor_; }
    boost::asio::posix::stream_descriptor& output() override { return descriptor_; }
    std::size_t write_now(std::string_view bytes) override {
        const ssize_t n = ::write(fd(), bytes.data(), bytes.size());
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    std::size_t write_now(const std::string_view* parts, std::size_t count) override {
        std::size_t taken = 0;
        while (count > 0) {
            // IOV_MAX is 1024; a socket's 32 KiB read makes about 70 parts.
            std::array<iovec, 256> vectors;
            const std::size_t n = std::min(count, vectors.size());
            std::size_t offered = 0;
            for (std::size_t i = 0; i < n; ++i) {
                vectors[i] = {const_cast<char*>(parts[i].data()), parts[i].size()};
                offered += parts[i].size();
            }
            const ssize_t written = ::writev(fd(), vectors.data(), static_cast<int>(n));
            if (written <= 0) break;
            taken += static_cast<std::size_t>(written);
            if (static_cast<std::size_t>(written) < offered) break;
            parts += n;
            count -= n;
        }
        return taken;
    }
    void close() override {
        boost::system::error_code ignored;
        descriptor_.close(ignored);
    }

protected:
    bool is_open() const { return descriptor_.is_open(); }
    int fd() { return descriptor_.native_handle(); }

private:
    boost::asio::posix::stream_descriptor descriptor_;
};

}  // namespace wizfi250d
