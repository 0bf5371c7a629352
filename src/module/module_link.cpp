// SPDX-License-Identifier: Apache-2.0
// The module's side of the Wi-Fi link: WJOIN's output, link-up and link-down events.

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <utility>
#include <vector>

#include "wizfi250d/module/module.hpp"
#include "wizfi250d/net/dns_client.hpp"

namespace wizfi250d {

void Module::join(std::function<void(bool up)> done) {
    JoinReporter reporter{[this](std::string_view line) { output_.join_info(line); },
                          [this] { return take_escape(); }};
    wifi_->join(images_.ram, reporter,
                [this, done = std::move(done)](std::optional<LinkInfo> link) {
                    if (!link) {
                        done(false);
                        return;
                    }
                    wifi_link_ = std::move(link);
                    report_link_up();
                    done(true);
                    // After the command's [OK]: the service socket (spec §2.2 WJOIN) and the Air
                    // command server of an "S" record (Q14 fixed: at every link-up).
                    boost::asio::post(io_, [this] {
                        run_service_check();
                        if (images_.ram.air_command.open_type == "S" && !air_server_)
                            start_air_command();
                        start_web_server_of_type_a();
                    });
                });
}

void Module::report_link_up() {
    output_.event(Event::link_up);
    output_.join_info("  IP Addr    : " + wifi_link_->address.to_string());
    output_.join_info("  Gateway    : " + wifi_link_->gateway.to_string());
}

void Module::link_restored(LinkInfo link) {
    if (link_up() || state_ == ModuleState::rebooting) return;
    spdlog::info("Wi-Fi link back on {}", link.interface);
    wifi_link_ = std::move(link);
    report_link_up();
    // As after every link-up: the service socket and an "S" Air command server.
    run_service_check();
    if (images_.ram.air_command.open_type == "S" && !air_server_) start_air_command();
    start_web_server_of_type_a();
}

std::unique_ptr<NameLookup> Module::make_name_lookup() {
    if (wifi_link_ && !wifi_link_->dns_servers.empty()) {
        return make_dns_name_lookup(io_, [servers = wifi_link_->dns_servers] { return servers; });
    }
    return make_system_name_lookup(io_);
}

void Module::apply_wadns_servers() {
    if (!wifi_link_) return;
    std::vector<Ipv4> servers;
    for (const auto& server : {images_.ram.dns1, images_.ram.dns2})
        if (server) servers.push_back(*server);
    if (servers.empty()) return;
    // The WADNS servers replace the link's list, the 8.8.8.8 a DHCP link adds included: the
    // spec gives DHCP links "DHCP's server plus 8.8.8.8" and static links "the WADNS servers",
    // never a mix, and a host that sets name servers expects exactly those to be asked. The
    // next join (or a link that comes back by itself) starts again from the spec's rule.
    wifi_link_->dns_servers = std::move(servers);
}

void Module::leave() {
    stop_web_server();  // spec §2.2 AT+WLEAVE: the web server first
    // Then MQTT ("[MQTT DISCONNECT]"), as the firmware's WLEAVE does, then the sockets.
    mqtt_.disconnect();
    close_all_sockets();
    air_server_.reset();
    const bool was_up = link_up();
    wifi_->leave();
    wifi_link_.reset();
    if (was_up) output_.event(Event::link_down);
}

void Module::link_lost() {
    if (!link_up()) return;
    spdlog::warn("Wi-Fi link lost");
    mqtt_.end_with_event("the Wi-Fi link went down");
    close_all_sockets();
    air_server_.reset();
    stop_web_server();
    wifi_link_.reset();
    output_.event(Event::link_down);
}

}  // namespace wizfi250d
