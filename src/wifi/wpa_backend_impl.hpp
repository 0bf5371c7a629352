// SPDX-License-Identifier: Apache-2.0
#pragma once

// The wpa_supplicant backend's class, shared by the files that implement its parts:
// wpa_supplicant_backend.cpp (events, connection state, network list, IPv4, link loss, status),
// wpa_join.cpp (the join state machine and leave), wpa_scan.cpp (AT+WSCAN), wpa_wps.cpp (WPS).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/wifi/radio_info.hpp"
#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

namespace wizfi250d::wpa_backend {

using wpa::Event;

// A synthetic event for "the control connection went away" (not a wpa_supplicant event name).
constexpr std::string_view control_down_event = "WIZFI250D-CONTROL-DOWN";

inline bool is_failure_reply(const std::optional<std::string>& reply) {
    return !reply || wpa::trim_reply(*reply).substr(0, 4) == "FAIL";
}

inline std::optional<int> parse_id(const std::optional<std::string>& reply) {
    if (!reply) return std::nullopt;
    const std::string_view text = wpa::trim_reply(*reply);
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoi(std::string(text));
}

class WpaSupplicantBackend final : public WifiBackend {
public:
    WpaSupplicantBackend(boost::asio::io_context& io, WpaBackendOptions options,
                         std::unique_ptr<IpConfigurator> ip)
        : io_(io),
          options_(std::move(options)),
          life_(std::make_shared<char>()),
          control_(io, control_options(options_)),
          ip_(std::move(ip)) {
        control_.on_event([this](const Event& event) { dispatch(event); });
        control_.on_state([this](bool up) { control_state(up); });
        control_.start();
    }

    ~WpaSupplicantBackend() override {
        life_.reset();
        waits_.clear();
        // The daemon stops: leave no network of ours selected, and no address.
        if (network_id_) {
            control_.send_without_reply("DISCONNECT");
            control_.send_without_reply("REMOVE_NETWORK " + std::to_string(*network_id_));
        }
        if (ip_active_) ip_->release(interface());
    }

    void join(const Profile& profile, JoinReporter reporter, JoinDone done) override;
    std::chrono::milliseconds join_time_limit() const override;
    void leave() override;
    void scan(const ScanFilter& filter, ScanDone done) override;
    void wps(const std::string& pin, WpsDone done) override;
    RadioStatus status() const override;
    void set_country(const std::string& country) override {
        country_ = country;
        apply_country();
    }
    void on_link_lost(LinkLost callback) override { link_lost_ = std::move(callback); }
    void on_link_restored(LinkRestored callback) override { link_restored_ = std::move(callback); }
    std::string_view name() const override { return "wpa_supplicant"; }

private:
    enum class State { idle, joining, up, lost };
    using EventWait = std::function<bool(const Event* event)>;  // nullptr: timed out
    struct Wait {
        EventWait handler;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    struct JoinOperation {
        JoinReporter reporter;
        JoinDone done;
    };
    using Reply = std::function<void(std::optional<std::string>)>;

    static wpa::Control::Options control_options(const WpaBackendOptions& options) {
        wpa::Control::Options result;
        if (!options.interface.empty())
            result.ctrl_path = options.ctrl_dir + "/" + options.interface;
        result.ctrl_dir = options.ctrl_dir;
        result.client_dir = options.runtime_dir;
        result.request_timeout = options.request_timeout;
        result.retry_interval = options.reconnect_interval;
        result.ping_interval = options.ping_interval;
        return result;
    }

    std::string interface() const {
        return options_.interface.empty() ? control_.interface() : options_.interface;
    }

    // Wraps a callback so that it never runs after the backend is gone.
    template <typename Function>
    auto guarded(Function function) {
        std::weak_ptr<char> life = life_;
        return [life, function = std::move(function)](auto&&... args) {
            if (life.expired()) return;
            function(std::forward<decltype(args)>(args)...);
        };
    }

    void request(std::string command, Reply done) {
        control_.request(std::move(command), guarded(std::move(done)));
    }
    template <typename Function>
    void post(Function function) {
        boost::asio::post(io_, guarded(std::move(function)));
    }

    // ---- waiting for events ----
    std::uint64_t wait_for(std::chrono::milliseconds timeout, EventWait handler) {
        const std::uint64_t id = ++next_wait_;
        Wait& wait = waits_[id];
        wait.handler = std::move(handler);
        wait.timer = std::make_unique<boost::asio::steady_timer>(io_, timeout);
        wait.timer->async_wait(guarded([this, id](boost::system::error_code ec) {
            if (ec) return;
            const auto it = waits_.find(id);
            if (it == waits_.end()) return;
            EventWait timed_out = std::move(it->second.handler);
            waits_.erase(it);
            timed_out(nullptr);
        }));
        return id;
    }

    void cancel_wait(std::uint64_t id) { waits_.erase(id); }

    void dispatch_to_waits(const Event& event) {
        std::vector<std::uint64_t> ids;
        ids.reserve(waits_.size());
        for (const auto& entry : waits_)
            ids.push_back(entry.first);
        for (const auto id : ids) {
            const auto it = waits_.find(id);
            if (it == waits_.end()) continue;
            const EventWait handler = it->second.handler;  // a copy: it may erase itself
            if (handler(&event)) waits_.erase(id);
        }
    }

    bool is_our_network(const Event& event) const {
        if (const auto id = wpa::event_field(event.text, "id"))
            return network_id_ && *id == std::to_string(*network_id_);
        return false;
    }

    void dispatch(const Event& event);
    void control_state(bool up);
    // Sends SET country once per control connection and country: the regulatory domain must be
    // in place before wpa_supplicant scans or associates.
    void apply_country();

    // ---- steps ----
    void run_all(std::shared_ptr<std::vector<std::string>> commands, std::size_t index,
                 std::function<void(bool ok)> done);
    void remove_our_networks(std::function<void()> done);
    void remove_networks(std::shared_ptr<std::vector<int>> ids, std::size_t index,
                         std::function<void()> done);
    void install_network(std::vector<wpa::NetworkField> fields,
                         std::function<void(std::optional<int> id)> done);
    void prepare_join(unsigned operation, const WifiNetwork& network);
    void start_try(unsigned operation, unsigned number);
    void associated(unsigned operation, unsigned number);
    // How long associated() waits for IPv4 before the try fails: the DHCP client's own bound
    // and some room for the lease to be applied.
    std::chrono::milliseconds ip_watch_time() const {
        return options_.ip.dhcp_timeout + std::chrono::seconds(10);
    }
    void try_failed(unsigned operation, unsigned number);
    void finish_join(std::optional<LinkInfo> link);
    void configure_ip(std::function<void(std::optional<IpLease>)> done);
    void release_ip();
    LinkInfo link_from(const IpLease& lease) const;
    void lose_link(std::string_view why);
    void restore_link();
    void reinstall_after_restart();
    void raw_scan(const ScanFilter& filter,
                  std::function<void(std::optional<std::vector<wpa::ScanLine>>)> done);
    void describe(std::shared_ptr<std::vector<wpa::ScanLine>> lines, std::size_t index,
                  std::shared_ptr<std::vector<ScanResult>> results, ScanDone done);
    void finish_wps(std::optional<WifiNetwork> network);

    boost::asio::io_context& io_;
    WpaBackendOptions options_;
    std::shared_ptr<char> life_;
    wpa::Control control_;
    std::unique_ptr<IpConfigurator> ip_;
    RadioInfoSource radio_;

    State state_ = State::idle;
    unsigned operation_ = 0;  // bumps on join() and leave(): stale steps stop
    std::optional<JoinOperation> join_;
    std::optional<int> network_id_;
    // The fields of the network we joined (they hold the key: memory only, never logged), to
    // add it again when wpa_supplicant comes back after going away.
    std::vector<wpa::NetworkField> fields_;
    std::string ssid_;
    bool dhcp_ = true;
    StaticAddress static_address_;
    std::optional<LinkInfo> link_;
    bool restoring_ = false;

    bool ip_active_ = false;
    std::uint64_t ip_attempt_ = 0;

    std::optional<std::string> eap_key_mgmt_;  // learned once per connection
    std::string country_;                      // AT+WREG; empty until a join or WREG names it
    std::optional<std::string> sent_country_;  // what this control connection was told
    bool scanning_ = false;
    std::chrono::steady_clock::time_point scan_started_;  // the last SCAN request
    std::optional<WpsDone> wps_done_;
    std::optional<WifiNetwork> wps_credential_;

    std::map<std::uint64_t, Wait> waits_;
    std::uint64_t next_wait_ = 0;

    LinkLost link_lost_;
    LinkRestored link_restored_;
};

}  // namespace wizfi250d::wpa_backend
