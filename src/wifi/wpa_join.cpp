// SPDX-License-Identifier: Apache-2.0
// AT+WJOIN and AT+WLEAVE through wpa_supplicant: the network block, the tries, IPv4.

#include "wizfi250d/profile/wifi_key.hpp"
#include "wpa_backend_impl.hpp"

namespace wizfi250d::wpa_backend {

using wpa::Event;

// ---- join ----

void WpaSupplicantBackend::join(const Profile& profile, JoinReporter reporter, JoinDone done) {
    if (join_) {
        spdlog::warn("wpa_supplicant backend: a join is already running");
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    const unsigned operation = ++operation_;
    if (profile.wifi_mode != WifiMode::station) {
        spdlog::warn("wpa_supplicant backend: soft-AP mode is not available with this backend");
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    // A link that was lost (and was being re-associated) is replaced by this join.
    if (state_ == State::up || state_ == State::lost) release_ip();
    link_.reset();
    restoring_ = false;
    state_ = State::joining;
    join_ = JoinOperation{std::move(reporter), std::move(done)};
    // Requests run in order: the country is set before the scan or the network below.
    country_ = profile.country;
    apply_country();
    const WifiNetwork& network = profile.station;
    ssid_ = network.ssid;
    dhcp_ = profile.dhcp;
    static_address_ = StaticAddress{profile.ip, profile.netmask, profile.gateway, {}};
    for (const auto& server : {profile.dns1, profile.dns2})
        if (server) static_address_.dns_servers.push_back(*server);

    // An earlier network of ours (a lost link being re-associated) goes; so does its key.
    if (network_id_) request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    network_id_.reset();
    fields_.clear();

    // OPEN stays key_mgmt=NONE even with the EAP option: an open network has no credentials.
    if (!options_.eap_method.empty() && network.security != Security::open) {
        // Enterprise / wired 802.1X: the key management the driver offers decides IEEE8021X
        // (wired, or dynamic-WEP Wi-Fi) or WPA-EAP (Wi-Fi).
        if (eap_key_mgmt_) {
            prepare_join(operation, network);
            return;
        }
        request("GET_CAPABILITY key_mgmt", [this, operation,
                                            network](std::optional<std::string> reply) {
            if (operation != operation_) return;
            if (reply && !is_failure_reply(reply))
                eap_key_mgmt_ = wpa::trim_reply(*reply).find("WPA-EAP") != std::string_view::npos
                                    ? "WPA-EAP"
                                    : "IEEE8021X";
            prepare_join(operation, network);
        });
        return;
    }
    if (network.security != Security::automatic) {
        prepare_join(operation, network);
        return;
    }
    // Automatic security: a scan learns the type; an SSID the scan does not find ends the join
    // with no Joining lines (spec §2.2).
    ScanFilter filter;
    filter.ssid = network.ssid;
    raw_scan(filter, [this, operation, network](std::optional<std::vector<wpa::ScanLine>> lines) {
        if (operation != operation_) return;
        const wpa::ScanLine* found = nullptr;
        if (lines)
            for (const auto& line : *lines)
                if (line.ssid == network.ssid &&
                    (found == nullptr || line.signal_dbm > found->signal_dbm))
                    found = &line;
        if (found == nullptr) {
            spdlog::warn(
                "wpa_supplicant backend: automatic security: the scan did not find "
                "the SSID");
            state_ = State::idle;
            finish_join(std::nullopt);
            return;
        }
        WifiNetwork resolved = network;
        resolved.security = wpa::join_security(found->flags);
        spdlog::info(
            "wpa_supplicant backend: automatic security: {} ({})",
            resolved.security == Security::open ? "OPEN" : wpa::scan_security_name(found->flags),
            found->flags);
        prepare_join(operation, resolved);
    });
}

std::chrono::milliseconds WpaSupplicantBackend::join_time_limit() const {
    // Automatic security scans first, then a request or so installs the network; each try
    // selects it (a request), waits for the association, then for IPv4 (associated()).
    const auto one_try = options_.request_timeout + options_.join_try_timeout + ip_watch_time();
    return options_.scan_timeout + options_.request_timeout +
           one_try * static_cast<int>(options_.join_tries);
}

void WpaSupplicantBackend::prepare_join(unsigned operation, const WifiNetwork& network) {
    std::optional<wpa::EapSettings> eap;
    if (!options_.eap_method.empty() && network.security != Security::open) {
        eap = wpa::EapSettings{options_.eap_method, options_.eap_identity,
                               eap_key_mgmt_.value_or("IEEE8021X")};
    }
    auto fields = wpa::network_fields(network, network.security, eap ? &*eap : nullptr);
    if (!fields) {
        // Every try fails at once, with its lines, as the module's radio would refuse the key.
        spdlog::warn("wpa_supplicant backend: the stored key does not fit the security type");
        network_id_.reset();
        start_try(operation, 1);
        return;
    }
    fields_ = *fields;
    install_network(std::move(*fields), [this, operation](std::optional<int> id) {
        if (operation != operation_) return;
        network_id_ = id;
        start_try(operation, 1);
    });
}

void WpaSupplicantBackend::start_try(unsigned operation, unsigned number) {
    join_->reporter.join_info("Joining : " + ssid_);
    if (!network_id_) {
        try_failed(operation, number);
        return;
    }
    // A retry starts from "disconnected": SELECT_NETWORK of the network wpa_supplicant is
    // still associated with does nothing ("already associated"), and after an EAP failure the
    // wired supplicant would sit in HELD for 60 s. (Never RECONNECT: see below.)
    if (number > 1) request("DISCONNECT", [](auto) {});
    // Events of an earlier try (a late EAP failure, the DISCONNECT's own events) must not end
    // this one: wait until every event sent before now has been seen, then select.
    control_.sync_events(guarded([this, operation, number](bool ok) {
        if (operation != operation_) return;
        if (!ok || !network_id_) {
            try_failed(operation, number);
            return;
        }
        const int id = *network_id_;
        // Whether wpa_supplicant has scanned since this try selected the network: until then
        // a NETWORK-NOT-FOUND speaks of older results (an AP not heard yet must be scanned for).
        auto scanned = std::make_shared<bool>(false);
        const bool shared_key_fallback =
            std::any_of(fields_.begin(), fields_.end(), [](const wpa::NetworkField& field) {
                return field.name == "auth_alg" && field.value == "OPEN SHARED";
            });
        const auto wait = wait_for(
            options_.join_try_timeout,
            [this, operation, number, scanned, shared_key_fallback](const Event* event) {
                if (operation != operation_) return true;
                if (event == nullptr) {
                    spdlog::info("wpa_supplicant backend: try {}: not connected within {} ms",
                                 number, options_.join_try_timeout.count());
                    try_failed(operation, number);
                    return true;
                }
                const std::string& name = event->name;
                if (name == "CTRL-EVENT-CONNECTED" && is_our_network(*event)) {
                    associated(operation, number);
                    return true;
                }
                if (name == "CTRL-EVENT-SCAN-STARTED") *scanned = true;
                const bool failure =
                    name == "CTRL-EVENT-EAP-FAILURE" || name == "CTRL-EVENT-ASSOC-REJECT" ||
                    (name == "CTRL-EVENT-AUTH-REJECT" &&
                     !(shared_key_fallback && wpa::retries_shared_key(event->text))) ||
                    (name == "CTRL-EVENT-NETWORK-NOT-FOUND" && *scanned) ||
                    name == "CTRL-EVENT-TERMINATING" || name == control_down_event ||
                    (name == "CTRL-EVENT-SSID-TEMP-DISABLED" && is_our_network(*event));
                if (!failure) return false;
                spdlog::info("wpa_supplicant backend: try {}: {}", number, name);
                try_failed(operation, number);
                return true;
            });
        // Never RECONNECT: after a failure the network is TEMP-DISABLED and only SELECT_NETWORK
        // enables it again (RECONNECT loops on -Dwired).
        request("SELECT_NETWORK " + std::to_string(id),
                [this, operation, number, wait](std::optional<std::string> reply) {
                    if (operation != operation_ || !is_failure_reply(reply)) return;
                    if (waits_.count(wait) == 0) return;  // the try already ended
                    cancel_wait(wait);
                    try_failed(operation, number);
                });
    }));
}

void WpaSupplicantBackend::associated(unsigned operation, unsigned number) {
    spdlog::info("wpa_supplicant backend: associated (try {}); configuring IPv4 ({})", number,
                 dhcp_ ? "DHCP" : "static");
    // The link may drop again while the address is being configured.
    const auto watch = wait_for(ip_watch_time(), [this, operation, number](const Event* event) {
        if (operation != operation_) return true;
        if (event != nullptr && event->name != "CTRL-EVENT-DISCONNECTED" &&
            event->name != "CTRL-EVENT-TERMINATING" && event->name != control_down_event)
            return false;
        spdlog::info("wpa_supplicant backend: try {}: {} while configuring IPv4", number,
                     event != nullptr ? event->name : std::string("timeout"));
        release_ip();
        try_failed(operation, number);
        return true;
    });
    configure_ip([this, operation, number, watch](std::optional<IpLease> lease) {
        if (operation != operation_) return;
        cancel_wait(watch);
        if (!lease) {
            spdlog::warn("wpa_supplicant backend: try {}: no IPv4 address", number);
            release_ip();
            try_failed(operation, number);
            return;
        }
        join_->reporter.join_info("Successfully joined : " + ssid_);
        state_ = State::up;
        link_ = link_from(*lease);
        spdlog::info("wpa_supplicant backend: link up on {}: {}", link_->interface,
                     link_->address.to_string());
        finish_join(link_);
    });
}

void WpaSupplicantBackend::try_failed(unsigned operation, unsigned number) {
    if (operation != operation_ || !join_) return;
    join_->reporter.join_info("Failed to join: " + ssid_);
    const bool escaped = join_->reporter.aborted && join_->reporter.aborted();
    if (number < options_.join_tries && !escaped) {
        start_try(operation, number + 1);
        return;
    }
    if (escaped) spdlog::info("wpa_supplicant backend: ESC: no more tries");
    // Leave nothing behind that wpa_supplicant would keep retrying with.
    if (network_id_) request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    network_id_.reset();
    fields_.clear();
    state_ = State::idle;
    finish_join(std::nullopt);
}

void WpaSupplicantBackend::finish_join(std::optional<LinkInfo> link) {
    if (!join_) return;
    JoinOperation finished = std::move(*join_);
    join_.reset();
    finished.done(std::move(link));
}

// ---- leave ----

void WpaSupplicantBackend::leave() {
    ++operation_;
    if (join_) {
        JoinOperation interrupted = std::move(*join_);
        join_.reset();
        post([done = std::move(interrupted.done)] { done(std::nullopt); });
    }
    if (network_id_) {
        request("DISCONNECT", [](auto) {});
        request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    }
    network_id_.reset();
    fields_.clear();
    release_ip();
    link_.reset();
    restoring_ = false;
    state_ = State::idle;
}

}  // namespace wizfi250d::wpa_backend
