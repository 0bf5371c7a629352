// SPDX-License-Identifier: Apache-2.0
// IPv4 configuration of an associated interface (see ip_config.hpp).
//
// How the DHCP side works:
//  - At construction the daemon writes its hook, <runtime_dir>/dhcp-hook.sh (mode 0700), and
//    watches runtime_dir with inotify.
//  - configure() brings the link up and starts one DHCP client per interface (udhcpc -s, dhcpcd
//    -c, dhclient -sf pointing at the hook) as a child process in the foreground; its exit is
//    watched from the event loop (child_process.hpp), its output goes to the log.
//  - At each lease event the client runs the hook, which only writes a small key=value file,
//    <runtime_dir>/dhcp-<interface>.lease (written under another name, then renamed). It never
//    touches /etc/resolv.conf, the addresses or the routes.
//  - The daemon sees the rename through inotify, reads the file, and applies the address and
//    the default route itself through rtnetlink (rtnetlink.hpp), so it knows exactly what it added
//    and removes exactly that on release(). dhcpcd is started with --noconfigure so it leaves
//    the interface alone too.
//  - Name servers: the first one the DHCP server gave, then 8.8.8.8 (spec §2.2 WNET).
//  - No lease within dhcp_timeout: the client is stopped and done gets nullopt.
// Static addresses (AT+WNET with DHCP off) go straight through rtnetlink; the name servers are
// the AT+WADNS ones.

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <utility>

#include "../serial/unique_fd.hpp"
#include "child_process.hpp"
#include "rtnetlink.hpp"
#include "wizfi250d/util/private_files.hpp"
#include "wizfi250d/util/text_lines.hpp"
#include "wizfi250d/wifi/ip_config.hpp"

namespace wizfi250d {

namespace {

namespace fs = std::filesystem;

constexpr const char* hook_name = "dhcp-hook.sh";
// The hook writes a few short lines; more than this is cut off, not read on.
constexpr std::size_t max_lease_file_size = 4096;
const Ipv4 google_dns{{8, 8, 8, 8}};

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (const char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    out += "'";
    return out;
}

// The hook every DHCP client runs. udhcpc passes the event as $1; dhclient and dhcpcd set
// $reason. Both kinds end up as event=bound (with the lease) or event=lost.
std::string hook_script(const std::string& runtime_dir) {
    return "#!/bin/sh\n"
           "# Written by wizfi250d at start; do not edit. Run by the DHCP client (udhcpc -s,\n"
           "# dhcpcd -c, dhclient -sf) at each lease event. It records the lease for the daemon,\n"
           "# which applies the address and routes itself. It never touches /etc/resolv.conf.\n"
           "umask 077\n"
           "dir=" +
           shell_quote(runtime_dir) +
           "\n"
           "addr= netmask= routers= servers= leasetime=\n"
           "if [ -n \"$1\" ]; then\n"
           "  case \"$1\" in\n"
           "    bound|renew) event=bound addr=$ip netmask=$subnet routers=$router servers=$dns "
           "leasetime=$lease ;;\n"
           "    deconfig|leasefail|nak) event=lost ;;\n"
           "    *) exit 0 ;;\n"
           "  esac\n"
           "else\n"
           "  case \"$reason\" in\n"
           "    BOUND|RENEW|REBIND|REBOOT) event=bound addr=$new_ip_address "
           "netmask=$new_subnet_mask routers=$new_routers servers=$new_domain_name_servers "
           "leasetime=$new_dhcp_lease_time ;;\n"
           "    EXPIRE|FAIL|RELEASE|STOP|NAK|NOCARRIER|DEPARTED) event=lost ;;\n"
           "    TIMEOUT) exit 1 ;;\n"  // dhclient: do not fall back on an old lease
           "    *) exit 0 ;;\n"
           "  esac\n"
           "fi\n"
           "case \"$interface\" in ''|.*|*/*) exit 0 ;; esac\n"
           "file=\"$dir/dhcp-$interface.lease\"\n"
           "tmp=\"$dir/.dhcp-$interface.lease.$$\"\n"
           "printf 'event=%s\\nip=%s\\nmask=%s\\nrouter=%s\\ndns=%s\\nlease=%s\\n' \\\n"
           "  \"$event\" \"$addr\" \"$netmask\" \"$routers\" \"$servers\" \"$leasetime\" "
           "> \"$tmp\" && mv -f \"$tmp\" \"$file\"\n"
           "exit 0\n";
}

// A lease file as the hook writes it.
struct HookEvent {
    bool bound = false;
    std::optional<Ipv4> address;
    std::optional<Ipv4> netmask;
    std::optional<Ipv4> router;
    std::optional<Ipv4> dns;
    std::string lease_seconds;
};

std::optional<Ipv4> first_ipv4(std::string_view list) {
    TextWords words(list);
    std::string_view word;
    while (words.next(word)) {
        if (const auto a = parse_ipv4(word)) return a;
    }
    return std::nullopt;
}

std::optional<HookEvent> parse_hook_file(std::string_view text) {
    HookEvent event;
    bool have_event = false;
    TextLines lines(text);
    std::string_view line;
    while (lines.next(line)) {
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view key = line.substr(0, eq);
        const std::string_view value = line.substr(eq + 1);
        if (key == "event") {
            have_event = value == "bound" || value == "lost";
            event.bound = value == "bound";
        } else if (key == "ip") {
            event.address = first_ipv4(value);
        } else if (key == "mask") {
            event.netmask = first_ipv4(value);
        } else if (key == "router") {
            event.router = first_ipv4(value);
        } else if (key == "dns") {
            event.dns = first_ipv4(value);
        } else if (key == "lease") {
            event.lease_seconds = std::string(value.substr(0, 12));
        }
    }
    if (!have_event) return std::nullopt;
    return event;
}

bool valid_interface_name(const std::string& name) {
    if (name.empty() || name.size() > 15 || name[0] == '.') return false;
    for (const char c : name) {
        if (c == '/' || c == '\0' || c == ' ' || c == '\n') return false;
    }
    return true;
}

std::string join(const std::vector<Ipv4>& list) {
    std::string out;
    for (const auto& a : list) {
        if (!out.empty()) out += ' ';
        out += a.to_string();
    }
    return out;
}

// What the daemon added to an interface, to be removed again.
struct Applied {
    Ipv4 address;
    unsigned prefix = 0;
    std::optional<Ipv4> gateway;  // the default route via it
};

class LinuxIpConfigurator final : public IpConfigurator {
public:
    LinuxIpConfigurator(boost::asio::io_context& io, IpConfigOptions options)
        : io_(io), options_(std::move(options)), inotify_(io) {
        setup_runtime_dir();
    }

    ~LinuxIpConfigurator() override {
        for (auto& [name, session] : sessions_) {
            session->timeout.cancel();
            if (session->client) {
                session->client->detach();
                session->client->terminate();
            }
            remove_applied(*session);
        }
        for (auto& [name, client] : stopping_)
            client->detach();
        boost::system::error_code ignored;
        inotify_.close(ignored);
    }

    void configure(const std::string& interface, const std::optional<StaticAddress>& address,
                   Done done) override {
        if (sessions_.count(interface) != 0) release(interface);
        auto session = std::make_shared<Session>(io_);
        session->interface = interface;
        session->done = std::move(done);
        sessions_[interface] = session;

        if (!valid_interface_name(interface)) {
            spdlog::error("ip: invalid interface name '{}'", interface);
            fail(session);
            return;
        }
        const auto index = rtnl_.interface_index(interface);
        if (!index) {
            spdlog::error("ip: {}: no such interface", interface);
            fail(session);
            return;
        }
        session->ifindex = *index;
        if (const auto r = rtnl_.set_up(*index); !r)
            spdlog::warn("ip: {}: cannot bring the link up: {}", interface, r.message());

        if (address) {
            configure_static(session, *address);
        } else if (stopping_.count(interface) != 0) {
            spdlog::debug("ip: {}: DHCP once the previous client has exited", interface);
            session->waits_for_previous_client = true;
        } else {
            start_dhcp(session);
        }
    }

    void release(const std::string& interface) override {
        const auto it = sessions_.find(interface);
        if (it == sessions_.end()) return;
        const auto session = it->second;
        sessions_.erase(it);
        session->timeout.cancel();
        stop_client(*session);
        remove_applied(*session);
        if (!options_.runtime_dir.empty()) {
            std::error_code ignored;
            fs::remove(lease_path(interface), ignored);
            fs::remove(options_.runtime_dir + "/dhclient-" + interface + ".pid", ignored);
        }
        spdlog::info("ip: {}: released", interface);
        if (session->done) finish(session, std::nullopt);
    }

    void on_lease_lost(std::function<void(const std::string& interface)> callback) override {
        lease_lost_ = std::move(callback);
    }

private:
    struct Session {
        explicit Session(boost::asio::io_context& io) : timeout(io) {}
        std::string interface;
        int ifindex = 0;
        Done done;  // until the first lease (or the failure)
        std::shared_ptr<ChildProcess> client;
        bool waits_for_previous_client = false;  // its DHCP starts when stopping_ has none
        boost::asio::steady_timer timeout;
        std::optional<Applied> applied;
        std::optional<IpLease> lease;
    };
    using SessionPtr = std::shared_ptr<Session>;

    // ---- runtime directory, hook, inotify ----

    void setup_runtime_dir() {
        if (options_.runtime_dir.empty()) {
            spdlog::error("ip: no runtime directory: DHCP is not available");
            return;
        }
        std::error_code ec;
        if (!fs::is_directory(options_.runtime_dir, ec)) {
            fs::create_directories(options_.runtime_dir, ec);
            if (!ec)
                fs::permissions(options_.runtime_dir, fs::perms::owner_all,
                                fs::perm_options::replace, ec);
            if (ec) {
                spdlog::error("ip: cannot create {}: {}", options_.runtime_dir, ec.message());
                return;
            }
        }
        hook_path_ = options_.runtime_dir + "/" + hook_name;
        const std::string tmp = hook_path_ + ".tmp";
        {
            UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700));
            if (!out || !write_all(out.get(), hook_script(options_.runtime_dir))) {
                spdlog::error("ip: cannot write {}: {}", tmp, std::strerror(errno));
                hook_path_.clear();
                return;
            }
        }
        if (::chmod(tmp.c_str(), 0700) != 0 || ::rename(tmp.c_str(), hook_path_.c_str()) != 0) {
            spdlog::error("ip: cannot install {}: {}", hook_path_, std::strerror(errno));
            hook_path_.clear();
            return;
        }
        const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd < 0 || ::inotify_add_watch(fd, options_.runtime_dir.c_str(),
                                          IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
            spdlog::error("ip: cannot watch {}: {}", options_.runtime_dir, std::strerror(errno));
            if (fd >= 0) ::close(fd);
            hook_path_.clear();
            return;
        }
        inotify_.assign(fd);
        watch();
    }

    void watch() {
        inotify_.async_read_some(
            boost::asio::buffer(inotify_buffer_),
            [this](const boost::system::error_code& ec, std::size_t n) {
                if (ec) {
                    if (ec != boost::asio::error::operation_aborted)
                        spdlog::error("ip: inotify: {}", ec.message());
                    return;
                }
                std::size_t at = 0;
                while (at + sizeof(inotify_event) <= n) {
                    inotify_event header{};
                    std::memcpy(&header, inotify_buffer_.data() + at, sizeof header);
                    std::string name;
                    if (header.len > 0 && at + sizeof header + header.len <= n) {
                        name.assign(inotify_buffer_.data() + at + sizeof header, header.len);
                        name.resize(std::strlen(name.c_str()));
                    }
                    at += sizeof header + header.len;
                    on_file(name);
                }
                watch();
            });
    }

    std::string lease_path(const std::string& interface) const {
        return options_.runtime_dir + "/dhcp-" + interface + ".lease";
    }

    void on_file(const std::string& name) {
        constexpr std::string_view prefix = "dhcp-";
        constexpr std::string_view suffix = ".lease";
        if (name.size() <= prefix.size() + suffix.size() ||
            name.compare(0, prefix.size(), prefix) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            return;
        const std::string interface =
            name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        const auto it = sessions_.find(interface);
        if (it == sessions_.end() || !it->second->client) return;
        std::string text;
        if (!read_file(lease_path(interface), text, max_lease_file_size) && errno != EFBIG) return;
        if (text.size() > max_lease_file_size) text.resize(max_lease_file_size);
        const auto event = parse_hook_file(text);
        if (!event) return;
        on_hook_event(it->second, *event);
    }

    // ---- DHCP ----

    struct ClientCommand {
        std::string name;
        std::vector<std::string> argv;
    };

    std::optional<ClientCommand> client_command(const std::string& interface) const {
        const std::string wanted = options_.dhcp_client.empty() ? "auto" : options_.dhcp_client;
        std::vector<std::string> candidates;
        if (wanted == "auto")
            candidates = {"udhcpc", "dhcpcd", "dhclient"};
        else
            candidates = {wanted};
        for (const auto& name : candidates) {
            if (name != "udhcpc" && name != "dhcpcd" && name != "dhclient") {
                spdlog::error("ip: unknown DHCP client '{}' (auto, udhcpc, dhcpcd, dhclient)",
                              name);
                return std::nullopt;
            }
            const std::string path = find_program(name);
            if (path.empty()) continue;
            ClientCommand c{name, {path}};
            auto& a = c.argv;
            const std::string& dir = options_.runtime_dir;
            if (name == "udhcpc") {
                // Foreground, release on exit, 3 discovers 1 s apart then a 1 s pause, again
                // and again until the daemon's own timeout.
                a.insert(a.end(), {"-f", "-R", "-t", "3", "-T", "1", "-A", "1", "-i", interface,
                                   "-s", hook_path_});
            } else if (name == "dhcpcd") {
                // IPv4 only, foreground, no config file, no changes to the system (the hook
                // reports, the daemon applies), no ARP probe, no IPv4LL, wait forever.
                a.insert(a.end(),
                         {"-B", "-4", "-f", "/dev/null", "--noconfigure", "--noarp", "-L", "-o",
                          "domain_name_servers", "-t", "0", "-c", hook_path_, interface});
            } else {
                a.insert(a.end(), {"-4", "-d", "-cf", "/dev/null", "-sf", hook_path_, "-lf",
                                   dir + "/dhclient-" + interface + ".leases", "-pf",
                                   dir + "/dhclient-" + interface + ".pid", interface});
            }
            return c;
        }
        spdlog::error("ip: no DHCP client found ({})",
                      wanted == "auto" ? "udhcpc, dhcpcd or dhclient" : wanted);
        return std::nullopt;
    }

    void start_dhcp(const SessionPtr& session) {
        if (hook_path_.empty()) {
            spdlog::error("ip: {}: DHCP needs the hook in the runtime directory",
                          session->interface);
            fail(session);
            return;
        }
        const auto command = client_command(session->interface);
        if (!command) {
            fail(session);
            return;
        }
        std::error_code ignored;
        fs::remove(lease_path(session->interface), ignored);

        const std::weak_ptr<Session> weak = session;
        const std::string label = command->name + "(" + session->interface + ")";
        session->client = ChildProcess::spawn(
            io_, command->argv,
            [label](std::string_view line) { spdlog::debug("{}: {}", label, line); },
            [this, weak, label](int status) {
                const auto s = weak.lock();
                if (!s) return;
                spdlog::warn("ip: {} ended ({}): {}", label, ChildProcess::describe(status),
                             s->client ? s->client->recent_output() : std::string());
                s->client.reset();
                on_client_gone(s);
            });
        if (!session->client) {
            fail(session);
            return;
        }
        spdlog::info("ip: {}: DHCP with {} (pid {})", session->interface, command->name,
                     session->client->pid());
        session->timeout.expires_after(options_.dhcp_timeout);
        session->timeout.async_wait([this, weak](const boost::system::error_code& ec) {
            const auto s = weak.lock();
            if (ec || !s || !s->done) return;
            spdlog::warn("ip: {}: no DHCP lease within {} s", s->interface,
                         options_.dhcp_timeout.count());
            stop_client(*s);
            fail(s);
        });
    }

    // Tells the session's DHCP client to stop. Until it has exited, a new client on the same
    // interface waits: dhcpcd that finds an instance still running hands it its arguments and
    // ends instead of asking for a lease itself.
    void stop_client(Session& session) {
        const auto client = std::exchange(session.client, nullptr);
        if (!client) return;
        if (!client->running()) {
            client->detach();
            return;
        }
        stopping_[session.interface] = client;
        client->on_exit([this, interface = session.interface, stopped = client.get()](int) {
            const auto it = stopping_.find(interface);
            if (it == stopping_.end() || it->second.get() != stopped) return;
            stopping_.erase(it);
            const auto waiting = sessions_.find(interface);
            if (waiting == sessions_.end() || !waiting->second->waits_for_previous_client) return;
            waiting->second->waits_for_previous_client = false;
            start_dhcp(waiting->second);
        });
        client->terminate();
    }

    void on_client_gone(const SessionPtr& session) {
        if (session->done) {
            fail(session);
            return;
        }
        // The client died after the lease: the lease is no longer kept up.
        if (session->applied) lose_lease(session);
    }

    void on_hook_event(const SessionPtr& session, const HookEvent& event) {
        if (!event.bound) {
            if (session->applied) {
                spdlog::warn("ip: {}: DHCP lease lost", session->interface);
                lose_lease(session);
            }
            return;
        }
        if (!event.address || !event.netmask || event.address->is_zero()) {
            spdlog::warn("ip: {}: DHCP hook gave no usable address", session->interface);
            return;
        }
        const auto prefix = netmask_prefix(*event.netmask);
        if (!prefix || *prefix == 0) {
            spdlog::warn("ip: {}: DHCP gave an invalid netmask {}", session->interface,
                         event.netmask->to_string());
            return;
        }
        IpLease lease;
        lease.address = *event.address;
        lease.netmask = *event.netmask;
        if (event.router) lease.gateway = *event.router;
        if (event.dns && !event.dns->is_zero()) lease.dns_servers.push_back(*event.dns);
        if (lease.dns_servers.empty() || lease.dns_servers.front() != google_dns)
            lease.dns_servers.push_back(google_dns);

        const bool same = session->lease && session->lease->address == lease.address &&
                          session->lease->netmask == lease.netmask &&
                          session->lease->gateway == lease.gateway;
        if (!same) {
            if (session->applied) remove_applied(*session);
            if (!apply(session, lease.address, *prefix, lease.gateway)) {
                if (session->done) fail(session);
                return;
            }
        }
        session->lease = lease;
        spdlog::info("ip: {}: DHCP lease {}/{} gateway {} dns {} ({} s)", session->interface,
                     lease.address.to_string(), *prefix, lease.gateway.to_string(),
                     join(lease.dns_servers), event.lease_seconds);
        if (session->done) {
            session->timeout.cancel();
            finish(session, lease);
        }
    }

    void lose_lease(const SessionPtr& session) {
        remove_applied(*session);
        session->lease.reset();
        if (lease_lost_) {
            const std::string interface = session->interface;
            boost::asio::post(io_, [cb = lease_lost_, interface] { cb(interface); });
        }
    }

    // ---- static ----

    void configure_static(const SessionPtr& session, const StaticAddress& address) {
        const auto prefix = netmask_prefix(address.netmask);
        if (address.address.is_zero() || !prefix || *prefix == 0) {
            spdlog::error("ip: {}: invalid static address {}/{}", session->interface,
                          address.address.to_string(), address.netmask.to_string());
            fail(session);
            return;
        }
        if (!apply(session, address.address, *prefix, address.gateway)) {
            fail(session);
            return;
        }
        IpLease lease{address.address, address.netmask, address.gateway, {}};
        for (const auto& d : address.dns_servers) {
            if (!d.is_zero()) lease.dns_servers.push_back(d);
        }
        session->lease = lease;
        spdlog::info("ip: {}: static {}/{} gateway {} dns {}", session->interface,
                     address.address.to_string(), *prefix, address.gateway.to_string(),
                     join(lease.dns_servers));
        finish(session, lease);
    }

    // ---- rtnetlink ----

    bool apply(const SessionPtr& session, Ipv4 address, unsigned prefix, Ipv4 gateway) {
        const auto r = rtnl_.add_address(session->ifindex, address, prefix);
        if (!r) {
            spdlog::error("ip: {}: cannot add {}/{}: {}", session->interface, address.to_string(),
                          prefix, r.message());
            return false;
        }
        session->applied = Applied{address, prefix, std::nullopt};
        if (!gateway.is_zero()) {
            if (const auto g = rtnl_.add_default_route(session->ifindex, gateway); g)
                session->applied->gateway = gateway;
            else
                spdlog::warn("ip: {}: cannot add the default route via {}: {}", session->interface,
                             gateway.to_string(), g.message());
        }
        return true;
    }

    void remove_applied(Session& session) {
        if (!session.applied) return;
        const Applied a = *session.applied;
        session.applied.reset();
        if (a.gateway) {
            if (const auto r = rtnl_.delete_default_route(session.ifindex, *a.gateway); !r)
                spdlog::debug("ip: {}: default route via {}: {}", session.interface,
                              a.gateway->to_string(), r.message());
        }
        if (const auto r = rtnl_.delete_address(session.ifindex, a.address, a.prefix); !r)
            spdlog::debug("ip: {}: address {}/{}: {}", session.interface, a.address.to_string(),
                          a.prefix, r.message());
    }

    // ---- completion ----

    void fail(const SessionPtr& session) {
        stop_client(*session);
        session->timeout.cancel();
        remove_applied(*session);
        const auto it = sessions_.find(session->interface);
        if (it != sessions_.end() && it->second == session) sessions_.erase(it);
        finish(session, std::nullopt);
    }

    // done runs once, on the loop, never inside configure().
    void finish(const SessionPtr& session, std::optional<IpLease> lease) {
        if (!session->done) return;
        auto done = std::move(session->done);
        session->done = nullptr;
        boost::asio::post(io_, [done = std::move(done), lease = std::move(lease)] { done(lease); });
    }

    boost::asio::io_context& io_;
    IpConfigOptions options_;
    Rtnetlink rtnl_;
    // DHCP clients told to stop that have not exited yet, by interface (stop_client()).
    std::map<std::string, std::shared_ptr<ChildProcess>> stopping_;
    std::string hook_path_;
    boost::asio::posix::stream_descriptor inotify_;
    std::array<char, 4096> inotify_buffer_{};
    std::map<std::string, SessionPtr> sessions_;
    std::function<void(const std::string&)> lease_lost_;
};

}  // namespace

std::unique_ptr<IpConfigurator> make_ip_configurator(boost::asio::io_context& io,
                                                     IpConfigOptions options) {
    return std::make_unique<LinuxIpConfigurator>(io, std::move(options));
}

}  // namespace wizfi250d
