// SPDX-License-Identifier: Apache-2.0
// AT+WWPS through wpa_supplicant: PBC or PIN, the credential handed to us, not joined.

#include "wpa_backend_impl.hpp"

namespace wizfi250d::wpa_backend {

using wpa::Event;

// ---- WPS ----

void WpaSupplicantBackend::wps(const std::string& pin, WpsDone done) {
    if (wps_done_ || join_ || !control_.taking_requests()) {
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    wps_done_ = std::move(done);
    wps_credential_.reset();
    // wps_cred_processing=1: wpa_supplicant hands the credential to us as a WPS-CRED-RECEIVED
    // event (hex of the Credential attribute) instead of adding a network and connecting; the
    // module only stores the credentials (spec §2.2 WWPS). GET_NETWORK would hide the PSK.
    request("SET wps_cred_processing 1", [this, pin](std::optional<std::string> reply) {
        if (!reply || !wpa::is_ok(*reply)) {
            spdlog::warn(
                "wpa_supplicant backend: WPS: wps_cred_processing cannot be set; the "
                "credentials would not be readable");
            finish_wps(std::nullopt);
            return;
        }
        control_.sync_events(guarded([this, pin](bool ok) {
            if (!ok) {
                finish_wps(std::nullopt);
                return;
            }
            const auto wait = wait_for(options_.wps_timeout, [this](const Event* event) {
                if (event == nullptr) {
                    spdlog::warn("wpa_supplicant backend: WPS: no result within {} ms",
                                 options_.wps_timeout.count());
                    request("WPS_CANCEL", [](auto) {});
                    finish_wps(wps_credential_);
                    return true;
                }
                const std::string& name = event->name;
                if (name == "WPS-CRED-RECEIVED") {
                    if (!wps_credential_) {
                        const std::string_view text = event->text;
                        const auto blank = text.find(' ');
                        if (blank != std::string_view::npos)
                            wps_credential_ = wpa::parse_wps_credential(text.substr(blank + 1));
                        if (!wps_credential_)
                            spdlog::warn(
                                "wpa_supplicant backend: WPS: a credential this module "
                                "cannot store (or a malformed one)");
                    }
                    return false;
                }
                if (name == "WPS-SUCCESS") {
                    finish_wps(wps_credential_);
                    return true;
                }
                if (name == "WPS-FAIL" || name == "WPS-TIMEOUT" || name == "WPS-OVERLAP-DETECTED" ||
                    name == control_down_event) {
                    spdlog::warn("wpa_supplicant backend: WPS: {}", name);
                    finish_wps(std::nullopt);
                    return true;
                }
                return false;
            });
            request(pin.empty() ? "WPS_PBC" : "WPS_PIN any " + pin,
                    [this, wait](std::optional<std::string> started) {
                        if (!is_failure_reply(started)) return;
                        if (waits_.count(wait) == 0) return;
                        cancel_wait(wait);
                        spdlog::warn("wpa_supplicant backend: WPS did not start");
                        finish_wps(std::nullopt);
                    });
        }));
    });
}

void WpaSupplicantBackend::finish_wps(std::optional<WifiNetwork> network) {
    if (!wps_done_) return;
    request("SET wps_cred_processing 0", [](auto) {});
    WpsDone done = std::move(*wps_done_);
    wps_done_.reset();
    wps_credential_.reset();
    if (network) spdlog::info("wpa_supplicant backend: WPS: credentials received");
    done(std::move(network));
}

}  // namespace wizfi250d::wpa_backend
