// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/wifi/soft_ap_backend.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace wizfi250d {

namespace {

class SoftApBackend final : public WifiBackend {
public:
    SoftApBackend(boost::asio::io_context& io, std::unique_ptr<WifiBackend> station,
                  std::string interface, AccessPointOptions options)
        : station_(std::move(station)),
          interface_(std::move(interface)),
          ap_start_timeout_(options.start_timeout),
          access_point_(io, std::move(options)) {
        access_point_.on_failure([this] {
            spdlog::warn("soft AP: a helper stopped; the AP is down");
            ap_link_.reset();
            if (link_lost_) link_lost_();
        });
    }

    void join(const Profile& profile, JoinReporter reporter, JoinDone done) override {
        if (profile.wifi_mode == WifiMode::station) {
            station_->join(profile, std::move(reporter), std::move(done));
            return;
        }
        if (interface_.empty()) {
            spdlog::warn("soft AP: no interface configured (interface = ...)");
            done(std::nullopt);
            return;
        }
        // The radio serves the AP now, not a station link.
        station_->leave();
        const WifiNetwork& ap = profile.soft_ap;
        AccessPointSettings settings{interface_, ap.ssid,    ap.channel,     ap.security,
                                     ap.key,     profile.ip, profile.netmask};
        // The module prints no Joining lines in AP mode (spec §2.2).
        LinkInfo link{interface_, ap.ssid, profile.ip, profile.gateway, profile.netmask, {}};
        access_point_.start(settings, [this, link, done = std::move(done)](bool ok) {
            if (!ok) {
                done(std::nullopt);
                return;
            }
            ap_link_ = link;
            done(link);
        });
    }

    std::chrono::milliseconds join_time_limit() const override {
        return std::max(station_->join_time_limit(), ap_start_timeout_);
    }

    void leave() override {
        if (ap_link_ || access_point_.running()) {
            ap_link_.reset();
            access_point_.stop([] {});
            return;
        }
        station_->leave();
    }

    void scan(const ScanFilter& filter, ScanDone done) override {
        station_->scan(filter, std::move(done));
    }
    void wps(const std::string& pin, WpsDone done) override { station_->wps(pin, std::move(done)); }

    void set_country(const std::string& country) override { station_->set_country(country); }

    RadioStatus status() const override {
        RadioStatus status = station_->status();
        if (ap_link_) status.rssi_dbm = 0;  // no RSSI for an AP (spec §2.2 WSTAT)
        return status;
    }

    void on_link_lost(LinkLost callback) override {
        link_lost_ = callback;
        station_->on_link_lost(std::move(callback));
    }
    void on_link_restored(LinkRestored callback) override {
        station_->on_link_restored(std::move(callback));
    }
    std::string_view name() const override { return station_->name(); }

private:
    std::unique_ptr<WifiBackend> station_;
    std::string interface_;
    std::chrono::milliseconds ap_start_timeout_;
    AccessPoint access_point_;
    std::optional<LinkInfo> ap_link_;
    LinkLost link_lost_;
};

}  // namespace

std::unique_ptr<WifiBackend> make_soft_ap_backend(boost::asio::io_context& io,
                                                  std::unique_ptr<WifiBackend> station,
                                                  std::string interface,
                                                  AccessPointOptions options) {
    return std::make_unique<SoftApBackend>(io, std::move(station), std::move(interface),
                                           std::move(options));
}

}  // namespace wizfi250d
