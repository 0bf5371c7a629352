// SPDX-License-Identifier: Apache-2.0
// The soft AP: hostapd + the AP address + dnsmasq (see access_point.hpp).

#include "wizfi250d/wifi/access_point.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "child_process.hpp"
#include "rtnetlink.hpp"

namespace wizfi250d {

namespace {

namespace fs = std::filesystem;

bool all_hex(const std::string& s) {
    for (const char c : s) {
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
    }
    return true;
}

std::string hex_of(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

std::string unhex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

bool valid_interface_name(const std::string& name) {
    if (name.empty() || name.size() > 15 || name[0] == '.') return false;
    for (const char c : name) {
        if (c == '/' || c == ' ' || c == '\n' || c == '\r' || c == '\0') return false;
    }
    return true;
}

// Writes `text` to `path` with mode 0600 (it may hold the passphrase).
bool write_private_file(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = ::fchmod(fd, 0600) == 0;
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ok = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    return ::close(fd) == 0 && ok;
}

}  // namespace

std::optional<std::string> hostapd_config(const AccessPointSettings& settings,
                                          const std::string& driver,
                                          const std::string& ctrl_interface_dir,
                                          std::string& error) {
    if (!valid_interface_name(settings.interface)) {
        error = "invalid interface name";
        return std::nullopt;
    }
    if (settings.ssid.empty() || settings.ssid.size() > 32) {
        error = "the SSID must be 1-32 bytes";
        return std::nullopt;
    }
    if (settings.channel < 1 || settings.channel > 14) {
        error = "the channel must be 1-14";
        return std::nullopt;
    }
    const auto no_line_breaks = [](const std::string& s) {
        return s.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
    };
    if (driver.empty() || !no_line_breaks(driver) || !no_line_breaks(ctrl_interface_dir)) {
        error = "invalid driver or control directory";
        return std::nullopt;
    }

    std::string text;
    text += "# Written by wizfi250d for AT+WJOIN in AP mode; do not edit.\n";
    text += "interface=" + settings.interface + "\n";
    text += "driver=" + driver + "\n";
    text += "ctrl_interface=" + ctrl_interface_dir + "\n";
    text += "ctrl_interface_group=0\n";
    text += "ssid2=" + hex_of(settings.ssid) + "\n";
    text += std::string("hw_mode=") + (settings.channel == 14 ? "b" : "g") + "\n";
    text += "channel=" + std::to_string(settings.channel) + "\n";
    text += "auth_algs=1\n";
    text += "ignore_broadcast_ssid=0\n";

    unsigned wpa = 0;
    std::string pairwise;
    switch (settings.security) {
        case Security::open:
            return text;
        case Security::wep:
            error = "WEP is not supported in AP mode";
            return std::nullopt;
        case Security::automatic:
            error = "automatic security is for station mode only";
            return std::nullopt;
        case Security::wpa_tkip:
            wpa = 1;
            pairwise = "TKIP";
            break;
        case Security::wpa_aes:
            wpa = 1;
            pairwise = "CCMP";
            break;
        case Security::wpa2_aes:
            wpa = 2;
            pairwise = "CCMP";
            break;
        case Security::wpa2_tkip:
            wpa = 2;
            pairwise = "TKIP";
            break;
        case Security::wpa2_mixed:
            wpa = 2;
            pairwise = "CCMP TKIP";
            break;
    }

    std::string key_line;
    const std::string& key = settings.key;
    if (key.size() == 128 && all_hex(key)) {
        // AT+WSEC's 128-hex-digit form: 64 bytes that are themselves the 64-hex-digit PSK.
        const std::string psk = unhex(key);
        if (!all_hex(psk)) {
            error = "the 128-hex-digit key does not hold a 64-hex-digit PSK";
            return std::nullopt;
        }
        key_line = "wpa_psk=" + psk + "\n";
    } else if (key.size() == 64 && all_hex(key)) {
        key_line = "wpa_psk=" + key + "\n";
    } else if (key.size() >= 8 && key.size() <= 63 && no_line_breaks(key)) {
        key_line = "wpa_passphrase=" + key + "\n";
    } else {
        error = "the key must be 8-63 characters or 64/128 hex digits";
        return std::nullopt;
    }
    text += "wpa=" + std::to_string(wpa) + "\n";
    text += "wpa_key_mgmt=WPA-PSK\n";
    text += (wpa == 1 ? "wpa_pairwise=" : "rsn_pairwise=") + pairwise + "\n";
    text += key_line;
    return text;
}

std::optional<DhcpRange> client_range(Ipv4 address, Ipv4 netmask) {
    const auto prefix = netmask_prefix(netmask);
    if (!prefix || *prefix == 0 || *prefix > 30) return std::nullopt;
    const std::uint32_t mask = netmask.to_uint();
    const std::uint32_t a = address.to_uint();
    const std::uint32_t network = a & mask;
    const std::uint32_t broadcast = network | ~mask;
    if (a == network || a >= broadcast - 1) return std::nullopt;
    return DhcpRange{Ipv4::from_uint(a + 1), Ipv4::from_uint(broadcast - 1)};
}

std::vector<std::string> dnsmasq_arguments(const AccessPointSettings& settings,
                                           const DhcpRange& range, const std::string& runtime_dir) {
    const std::string base = runtime_dir + "/dnsmasq-" + settings.interface;
    return {
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--port=0",  // DHCP only: no DNS server, nothing forwarded to the host's resolver
        "--no-resolv",
        "--no-hosts",
        "--no-poll",
        "--log-facility=-",
        "--log-dhcp",
        "--interface=" + settings.interface,
        "--bind-interfaces",
        "--except-interface=lo",
        "--dhcp-range=" + range.first.to_string() + "," + range.last.to_string() + "," +
            settings.netmask.to_string() + ",1d",
        "--dhcp-option=option:router," + settings.address.to_string(),
        "--dhcp-authoritative",
        "--dhcp-sequential-ip",  // AP-IP+1, +2, ... as the module's DHCP server
        "--no-ping",
        "--dhcp-leasefile=" + base + ".leases",
        "--pid-file=" + base + ".pid",
    };
}

// ---- AccessPoint ----

struct AccessPoint::State : std::enable_shared_from_this<AccessPoint::State> {
    enum class Phase { idle, starting_hostapd, starting_dnsmasq, up, stopping };

    State(boost::asio::io_context& context, AccessPointOptions opts)
        : io(context), options(std::move(opts)), timer(context) {}

    boost::asio::io_context& io;
    AccessPointOptions options;
    Rtnetlink rtnl;
    boost::asio::steady_timer timer;
    Phase phase = Phase::idle;
    AccessPointSettings settings;
    int ifindex = 0;
    std::optional<unsigned> address_prefix;  // set while the AP address is ours
    std::shared_ptr<ChildProcess> hostapd;
    std::shared_ptr<ChildProcess> dnsmasq;
    Started started;
    std::vector<Stopped> stopped;
    Failed failed;
    bool failure_pending = false;  // a helper died while up: call `failed` after the stop

    std::string file(const std::string& what) const {
        return options.runtime_dir + "/" + what + "-" + settings.interface;
    }

    void start(const AccessPointSettings& s, Started done) {
        if (phase != Phase::idle) {
            spdlog::warn("ap: already started");
            post_started(std::move(done), false);
            return;
        }
        settings = s;
        std::string error;
        const auto config = hostapd_config(settings, options.hostapd_driver,
                                           options.runtime_dir + "/hostapd", error);
        const auto range = client_range(settings.address, settings.netmask);
        const auto prefix = netmask_prefix(settings.netmask);
        const std::string hostapd_path = find_program(options.hostapd);
        const std::string dnsmasq_path = find_program(options.dnsmasq);
        if (!config) {
            spdlog::error("ap: {}", error);
        } else if (!range || !prefix) {
            error = "no room for clients";
            spdlog::error("ap: {}/{}: no room for DHCP clients", settings.address.to_string(),
                          settings.netmask.to_string());
        } else if (options.runtime_dir.empty()) {
            error = "no runtime directory";
            spdlog::error("ap: no runtime directory");
        } else if (hostapd_path.empty() || dnsmasq_path.empty()) {
            error = "missing program";
            spdlog::error("ap: {} not found",
                          hostapd_path.empty() ? options.hostapd : options.dnsmasq);
        }
        if (!error.empty()) {
            post_started(std::move(done), false);
            return;
        }
        std::error_code ec;
        if (!fs::is_directory(options.runtime_dir, ec) &&
            fs::create_directories(options.runtime_dir, ec))
            fs::permissions(options.runtime_dir, fs::perms::owner_all, fs::perm_options::replace,
                            ec);
        const std::string conf_path = file("hostapd") + ".conf";
        if (!write_private_file(conf_path, *config)) {
            spdlog::error("ap: cannot write {}: {}", conf_path, std::strerror(errno));
            post_started(std::move(done), false);
            return;
        }
        const auto index = rtnl.interface_index(settings.interface);
        if (!index) {
            spdlog::error("ap: {}: no such interface", settings.interface);
            remove_files();
            post_started(std::move(done), false);
            return;
        }
        ifindex = *index;
        started = std::move(done);
        phase = Phase::starting_hostapd;
        spdlog::info("ap: starting on {} (channel {}, {}/{})", settings.interface, settings.channel,
                     settings.address.to_string(), *prefix);

        const std::weak_ptr<State> weak = shared_from_this();
        hostapd = ChildProcess::spawn(
            io, {hostapd_path, conf_path},
            [weak](std::string_view line) {
                spdlog::debug("hostapd: {}", line);
                const auto self = weak.lock();
                if (!self) return;
                if (line.find("AP-ENABLED") != std::string_view::npos &&
                    self->phase == Phase::starting_hostapd)
                    self->hostapd_ready();
                else if (line.find("AP-STA-CONNECTED") != std::string_view::npos ||
                         line.find("AP-STA-DISCONNECTED") != std::string_view::npos)
                    spdlog::info("ap: {}", line);
            },
            [weak](int status) {
                if (const auto self = weak.lock()) self->helper_exited("hostapd", status);
            });
        if (!hostapd) {
            stop_all(false);
            return;
        }
        timer.expires_after(options.start_timeout);
        timer.async_wait([weak](const boost::system::error_code& e) {
            const auto self = weak.lock();
            if (e || !self) return;
            if (self->phase == Phase::starting_hostapd || self->phase == Phase::starting_dnsmasq) {
                spdlog::error("ap: {} did not start in time",
                              self->phase == Phase::starting_hostapd ? "hostapd" : "dnsmasq");
                self->stop_all(false);
            }
        });
    }

    void hostapd_ready() {
        spdlog::debug("ap: hostapd is up");
        if (const auto r = rtnl.set_up(ifindex); !r)
            spdlog::warn("ap: {}: cannot bring the link up: {}", settings.interface, r.message());
        const unsigned prefix = *netmask_prefix(settings.netmask);
        if (const auto r = rtnl.add_address(ifindex, settings.address, prefix); !r) {
            spdlog::error("ap: {}: cannot add {}/{}: {}", settings.interface,
                          settings.address.to_string(), prefix, r.message());
            stop_all(false);
            return;
        }
        address_prefix = prefix;
        phase = Phase::starting_dnsmasq;
        const auto range = *client_range(settings.address, settings.netmask);
        std::vector<std::string> argv{find_program(options.dnsmasq)};
        for (auto& a : dnsmasq_arguments(settings, range, options.runtime_dir))
            argv.push_back(std::move(a));
        const std::weak_ptr<State> weak = shared_from_this();
        dnsmasq = ChildProcess::spawn(
            io, std::move(argv),
            [weak](std::string_view line) {
                spdlog::debug("dnsmasq: {}", line);
                const auto self = weak.lock();
                if (!self) return;
                if (line.find("DHCP, IP range") != std::string_view::npos &&
                    self->phase == Phase::starting_dnsmasq)
                    self->dnsmasq_ready();
            },
            [weak](int status) {
                if (const auto self = weak.lock()) self->helper_exited("dnsmasq", status);
            });
        if (!dnsmasq) stop_all(false);
    }

    void dnsmasq_ready() {
        phase = Phase::up;
        timer.cancel();
        const auto range = *client_range(settings.address, settings.netmask);
        spdlog::info("ap: up on {}: DHCP {} - {}", settings.interface, range.first.to_string(),
                     range.last.to_string());
        post_started(std::move(started), true);
        started = nullptr;
    }

    void helper_exited(const char* which, int status) {
        auto& child = std::string_view(which) == "hostapd" ? hostapd : dnsmasq;
        const std::string last = child ? child->recent_output() : std::string();
        child.reset();
        switch (phase) {
            case Phase::idle:
                return;
            case Phase::stopping:
                maybe_stopped();
                return;
            case Phase::starting_hostapd:
            case Phase::starting_dnsmasq:
                spdlog::error("ap: {} ended while starting ({}): {}", which,
                              ChildProcess::describe(status), last);
                stop_all(false);
                return;
            case Phase::up:
                spdlog::error("ap: {} ended ({}): the AP is down. {}", which,
                              ChildProcess::describe(status), last);
                failure_pending = true;
                stop_all(false);
                return;
        }
    }

    // Into `stopping`: the start in progress (if any) ends with `started_ok`.
    void stop_all(bool started_ok) {
        if (started) {
            post_started(std::move(started), started_ok);
            started = nullptr;
        }
        phase = Phase::stopping;
        timer.cancel();
        if (dnsmasq) dnsmasq->terminate();
        if (hostapd) hostapd->terminate();
        maybe_stopped();
    }

    void stop(Stopped done) {
        if (phase == Phase::idle) {
            boost::asio::post(io, std::move(done));
            return;
        }
        stopped.push_back(std::move(done));
        if (phase != Phase::stopping) {
            spdlog::info("ap: stopping on {}", settings.interface);
            stop_all(false);
        }
    }

    void maybe_stopped() {
        if ((hostapd && hostapd->running()) || (dnsmasq && dnsmasq->running())) return;
        hostapd.reset();
        dnsmasq.reset();
        remove_address();
        remove_files();
        phase = Phase::idle;
        spdlog::info("ap: down on {}", settings.interface);
        for (auto& done : stopped)
            boost::asio::post(io, std::move(done));
        stopped.clear();
        if (failure_pending) {
            failure_pending = false;
            if (failed) boost::asio::post(io, failed);
        }
    }

    void remove_address() {
        if (!address_prefix) return;
        if (const auto r = rtnl.delete_address(ifindex, settings.address, *address_prefix); !r)
            spdlog::debug("ap: {}: remove {}: {}", settings.interface, settings.address.to_string(),
                          r.message());
        address_prefix.reset();
    }

    void remove_files() {
        std::error_code ignored;
        fs::remove(file("hostapd") + ".conf", ignored);
        fs::remove(file("dnsmasq") + ".pid", ignored);
        fs::remove(file("dnsmasq") + ".leases", ignored);
    }

    // The daemon is going away: stop everything without waiting.
    void shutdown() {
        timer.cancel();
        for (auto* child : {&hostapd, &dnsmasq}) {
            if (*child) {
                (*child)->detach();
                (*child)->terminate();
                child->reset();
            }
        }
        remove_address();
        if (phase != Phase::idle) remove_files();
        phase = Phase::idle;
    }

    void post_started(Started done, bool ok) {
        if (!done) return;
        boost::asio::post(io, [done = std::move(done), ok] { done(ok); });
    }
};

AccessPoint::AccessPoint(boost::asio::io_context& io, AccessPointOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

AccessPoint::~AccessPoint() {
    state_->shutdown();
}

void AccessPoint::start(const AccessPointSettings& settings, Started done) {
    state_->start(settings, std::move(done));
}

void AccessPoint::stop(Stopped done) {
    state_->stop(std::move(done));
}

bool AccessPoint::running() const {
    return state_->phase == State::Phase::up;
}

void AccessPoint::on_failure(Failed callback) {
    state_->failed = std::move(callback);
}

}  // namespace wizfi250d
