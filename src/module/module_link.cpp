// The module's side of the Wi-Fi link: WJOIN's output, link-up and link-down events.

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "wizfi250d/module/module.hpp"

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
                    output_.event(Event::link_up);
                    output_.join_info("  IP Addr    : " + wifi_link_->address.to_string());
                    output_.join_info("  Gateway    : " + wifi_link_->gateway.to_string());
                    done(true);
                    // After the command's [OK]: the service socket (spec §2.2 WJOIN).
                    boost::asio::post(io_, [this] { run_service_check(); });
                });
}

void Module::leave() {
    close_all_sockets();
    const bool was_up = link_up();
    wifi_->leave();
    wifi_link_.reset();
    if (was_up) output_.event(Event::link_down);
}

void Module::link_lost() {
    if (!link_up()) return;
    spdlog::warn("Wi-Fi link lost");
    close_all_sockets();
    wifi_link_.reset();
    output_.event(Event::link_down);
}

}  // namespace wizfi250d
