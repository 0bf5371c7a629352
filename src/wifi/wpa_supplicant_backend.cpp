// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant Wi-Fi backend: events and the control connection, the country, our
// networks in wpa_supplicant's list, IPv4, link loss and re-association (spec §3.2), status.

#include "wpa_backend_impl.hpp"

namespace wizfi250d {

namespace wpa_backend {

using wpa::Event;

// The module adds Google's resolver as a second server to the DHCP one (spec §2.2 WNET).
constexpr Ipv4 dhcp_extra_dns{{8, 8, 8, 8}};

// ---- events and connection state ----

void WpaSupplicantBackend::dispatch(const Event& event) {
    dispatch_to_waits(event);
    if (state_ == State::up) {
        if (event.name == "CTRL-EVENT-DISCONNECTED") {
            lose_link("disconnected: " + wpa::event_field(event.text, "reason").value_or("?"));
        } else if (event.name == "CTRL-EVENT-TERMINATING") {
            lose_link("wpa_supplicant is terminating");
        }
    } else if (state_ == State::lost) {
        if (event.name == "CTRL-EVENT-CONNECTED" && is_our_network(event)) {
            restore_link();
        } else if (restoring_ && event.name == "CTRL-EVENT-DISCONNECTED") {
            restoring_ = false;
            release_ip();  // gone again before the address came
        }
    }
}

void WpaSupplicantBackend::control_state(bool up) {
    // A restarted wpa_supplicant has forgotten the country it was told.
    sent_country_.reset();
    if (!up) {
        eap_key_mgmt_.reset();
        const Event down{0, std::string(control_down_event), std::string(control_down_event)};
        dispatch_to_waits(down);
        if (state_ == State::up) lose_link("the wpa_supplicant control connection went away");
        return;
    }
    apply_country();
    if (state_ == State::lost) reinstall_after_restart();
}

void WpaSupplicantBackend::apply_country() {
    if (country_.empty() || !control_.up() || sent_country_ == country_) return;
    sent_country_ = country_;
    request("SET country " + country_, [country = country_](std::optional<std::string> reply) {
        if (is_failure_reply(reply))
            spdlog::warn(
                "wpa_supplicant backend: SET country {} was refused; the radio keeps "
                "its regulatory domain",
                country);
    });
}

// ---- wpa_supplicant's network list ----

void WpaSupplicantBackend::run_all(std::shared_ptr<std::vector<std::string>> commands,
                                   std::size_t index, std::function<void(bool ok)> done) {
    if (index >= commands->size()) {
        done(true);
        return;
    }
    const std::string& command = (*commands)[index];
    request(command, [this, commands, index, done](std::optional<std::string> reply) {
        if (!reply || !wpa::is_ok(*reply)) {
            spdlog::warn("wpa_supplicant backend: '{}' failed",
                         wpa::redact_command((*commands)[index]));
            done(false);
            return;
        }
        run_all(commands, index + 1, done);
    });
}

void WpaSupplicantBackend::remove_our_networks(std::function<void()> done) {
    // Only networks carrying our id_str: whatever else the administrator configured stays.
    request("LIST_NETWORKS", [this, done](std::optional<std::string> reply) {
        if (!reply) {
            done();
            return;
        }
        auto ids = std::make_shared<std::vector<int>>();
        for (const auto& network : wpa::parse_list_networks(*reply))
            ids->push_back(network.id);
        remove_networks(ids, 0, done);
    });
}

void WpaSupplicantBackend::remove_networks(std::shared_ptr<std::vector<int>> ids, std::size_t index,
                                           std::function<void()> done) {
    if (index >= ids->size()) {
        done();
        return;
    }
    const std::string id = std::to_string((*ids)[index]);
    request("GET_NETWORK " + id + " id_str",
            [this, ids, index, done, id](std::optional<std::string> reply) {
                const bool ours =
                    reply && wpa::trim_reply(*reply) == "\"" + std::string(wpa::network_tag) + "\"";
                if (!ours) {
                    remove_networks(ids, index + 1, done);
                    return;
                }
                request("REMOVE_NETWORK " + id,
                        [this, ids, index, done](auto) { remove_networks(ids, index + 1, done); });
            });
}

void WpaSupplicantBackend::install_network(std::vector<wpa::NetworkField> fields,
                                           std::function<void(std::optional<int> id)> done) {
    remove_our_networks([this, fields = std::move(fields), done]() {
        request("ADD_NETWORK", [this, fields, done](std::optional<std::string> reply) {
            const auto id = parse_id(reply);
            if (!id) {
                spdlog::warn("wpa_supplicant backend: ADD_NETWORK failed");
                done(std::nullopt);
                return;
            }
            auto commands = std::make_shared<std::vector<std::string>>();
            for (const auto& field : fields)
                commands->push_back("SET_NETWORK " + std::to_string(*id) + " " + field.name + " " +
                                    field.value);
            run_all(commands, 0, [this, id, done](bool ok) {
                if (ok) {
                    done(id);
                    return;
                }
                request("REMOVE_NETWORK " + std::to_string(*id), [](auto) {});
                done(std::nullopt);
            });
        });
    });
}

// ---- IPv4 ----

void WpaSupplicantBackend::configure_ip(std::function<void(std::optional<IpLease>)> done) {
    const std::uint64_t attempt = ++ip_attempt_;
    ip_active_ = true;
    std::optional<StaticAddress> address;
    if (!dhcp_) address = static_address_;
    ip_->configure(interface(), address,
                   guarded([this, attempt, done](std::optional<IpLease> lease) {
                       if (attempt != ip_attempt_) return;  // released meanwhile
                       done(std::move(lease));
                   }));
}

void WpaSupplicantBackend::release_ip() {
    ++ip_attempt_;
    if (!ip_active_) return;
    ip_active_ = false;
    ip_->release(interface());
}

LinkInfo WpaSupplicantBackend::link_from(const IpLease& lease) const {
    LinkInfo link;
    link.interface = interface();
    link.ssid = ssid_;
    link.address = lease.address;
    link.gateway = lease.gateway;
    link.netmask = lease.netmask;
    link.dns_servers = lease.dns_servers;
    if (dhcp_) {
        if (std::find(link.dns_servers.begin(), link.dns_servers.end(), dhcp_extra_dns) ==
            link.dns_servers.end())
            link.dns_servers.push_back(dhcp_extra_dns);
    } else if (link.dns_servers.empty()) {
        link.dns_servers = static_address_.dns_servers;
    }
    return link;
}

// ---- link loss and re-association (spec §3.2) ----

void WpaSupplicantBackend::lose_link(std::string_view why) {
    spdlog::warn("wpa_supplicant backend: link lost ({})", why);
    state_ = State::lost;
    restoring_ = false;
    link_.reset();
    release_ip();
    if (link_lost_) link_lost_();
}

void WpaSupplicantBackend::restore_link() {
    if (restoring_) return;
    restoring_ = true;
    const unsigned operation = operation_;
    spdlog::info("wpa_supplicant backend: re-associated; configuring IPv4 again");
    configure_ip([this, operation](std::optional<IpLease> lease) {
        if (operation != operation_ || state_ != State::lost) return;
        restoring_ = false;
        if (!lease) {
            spdlog::warn(
                "wpa_supplicant backend: re-associated but got no IPv4 address; the "
                "link stays down");
            release_ip();
            return;
        }
        state_ = State::up;
        link_ = link_from(*lease);
        spdlog::info("wpa_supplicant backend: link restored on {}: {}", link_->interface,
                     link_->address.to_string());
        if (link_restored_) link_restored_(*link_);
    });
}

void WpaSupplicantBackend::reinstall_after_restart() {
    if (fields_.empty()) return;
    // wpa_supplicant came back (a restart forgets the network we added): add it again and
    // select it, as the module's radio keeps trying to re-associate by itself.
    const unsigned operation = operation_;
    spdlog::info("wpa_supplicant backend: wpa_supplicant is back; adding our network again");
    install_network(fields_, [this, operation](std::optional<int> id) {
        if (operation != operation_ || state_ != State::lost) {
            if (id) request("REMOVE_NETWORK " + std::to_string(*id), [](auto) {});
            return;
        }
        network_id_ = id;
        if (id) request("SELECT_NETWORK " + std::to_string(*id), [](auto) {});
    });
}

// ---- status ----

RadioStatus WpaSupplicantBackend::status() const {
    const RadioInfo info = radio_.query(interface());
    RadioStatus status;
    status.mac = info.mac;
    status.tx_power_dbm = info.tx_power_dbm;
    status.regulatory_domain = info.regulatory_domain;
    if (state_ == State::up) status.rssi_dbm = info.signal_dbm.value_or(0);
    return status;
}

}  // namespace wpa_backend

WpaBackendOptions wpa_backend_options(const DaemonSettings& settings) {
    WpaBackendOptions options;
    options.interface = settings.interface;
    options.ctrl_dir = settings.wpa_ctrl_dir;
    options.runtime_dir = settings.runtime_dir;
    options.eap_method = settings.wpa_eap_method;
    options.eap_identity = settings.wpa_eap_identity;
    options.ip.runtime_dir = settings.runtime_dir;
    options.ip.dhcp_client = settings.dhcp_client;
    return options;
}

std::unique_ptr<WifiBackend> make_wpa_supplicant_backend(
    boost::asio::io_context& io, WpaBackendOptions options,
    std::unique_ptr<IpConfigurator> ip_configurator) {
    return std::make_unique<wpa_backend::WpaSupplicantBackend>(io, std::move(options),
                                                               std::move(ip_configurator));
}

}  // namespace wizfi250d
