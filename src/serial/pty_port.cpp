// SPDX-License-Identifier: Apache-2.0
// A pseudo-terminal whose slave side is reachable through a symbolic link: the --serial pty:LINK
// front end, for local host programs and tests. The daemon is the master side.

#include <fcntl.h>
#include <pty.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "descriptor_port.hpp"
#include "raw_mode.hpp"
#include "serial_ports.hpp"
#include "termios_settings.hpp"

namespace wizfi250d {

namespace {

boost::system::error_code last_error() {
    return {errno, boost::system::system_category()};
}

// Makes link a symbolic link to target, replacing an older symbolic link in one step (rename)
// so a host program never finds the link missing. Anything else at link is left alone.
boost::system::error_code point_link_at(const std::string& link, const std::string& target) {
    struct stat existing {};
    if (::lstat(link.c_str(), &existing) == 0 && !S_ISLNK(existing.st_mode)) {
        spdlog::error("{} exists and is not a symbolic link; not replacing it", link);
        return make_error_code(boost::system::errc::file_exists);
    }
    const std::string temporary = link + ".wizfi250d-" + std::to_string(::getpid());
    ::unlink(temporary.c_str());
    if (::symlink(target.c_str(), temporary.c_str()) != 0) return last_error();
    if (::rename(temporary.c_str(), link.c_str()) != 0) {
        const auto ec = last_error();
        ::unlink(temporary.c_str());
        return ec;
    }
    return {};
}

// Removes link if it still points at target (another daemon may have taken the name since).
void remove_link(const std::string& link, const std::string& target) {
    std::array<char, 256> points_at{};
    const ssize_t n = ::readlink(link.c_str(), points_at.data(), points_at.size() - 1);
    if (n > 0 && target == std::string_view(points_at.data(), static_cast<std::size_t>(n)))
        ::unlink(link.c_str());
}

class PtyPort final : public DescriptorPort {
public:
    PtyPort(boost::asio::io_context& io, UniqueFd master, UniqueFd slave, std::string link,
            std::string slave_name)
        : DescriptorPort(io, std::move(master)),
          slave_(std::move(slave)),
          link_(std::move(link)),
          slave_name_(std::move(slave_name)) {}
    ~PtyPort() override { close(); }
    PtyPort(const PtyPort&) = delete;
    PtyPort& operator=(const PtyPort&) = delete;

    // The line settings live on the slave side, where the host program sees them.
    void apply(const UartSettings& settings) override {
        if (slave_) termios_settings::apply_line_settings(slave_.get(), settings, name());
    }
    void close() override {
        DescriptorPort::close();
        if (slave_) remove_link(link_, slave_name_);
        slave_.reset();
    }
    std::string name() const override { return link_ + " (" + slave_name_ + ")"; }

private:
    // Held open for the port's whole life: while it is open, the host program closing its side
    // is not the last close, so the master never reads EIO and the slave keeps raw mode.
    UniqueFd slave_;
    std::string link_;
    std::string slave_name_;
};

}  // namespace

std::unique_ptr<SerialPort> open_pty_port(boost::asio::io_context& io, const std::string& link,
                                          boost::system::error_code& ec) {
    int master_fd = -1;
    int slave_fd = -1;
    if (::openpty(&master_fd, &slave_fd, nullptr, nullptr, nullptr) != 0) {
        ec = last_error();
        return nullptr;
    }
    UniqueFd master(master_fd);
    UniqueFd slave(slave_fd);
    ::fcntl(master.get(), F_SETFD, FD_CLOEXEC);
    ::fcntl(slave.get(), F_SETFD, FD_CLOEXEC);

    std::array<char, 256> slave_name{};
    if (const int error = ::ttyname_r(slave.get(), slave_name.data(), slave_name.size())) {
        ec.assign(error, boost::system::system_category());
        return nullptr;
    }
    ec = make_raw(slave.get());
    if (ec) return nullptr;
    ec = point_link_at(link, slave_name.data());
    if (ec) return nullptr;
    return std::make_unique<PtyPort>(io, std::move(master), std::move(slave), link,
                                     slave_name.data());
}

}  // namespace wizfi250d
