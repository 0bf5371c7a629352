// SPDX-License-Identifier: Apache-2.0
// AT+WSCAN through wpa_supplicant: SCAN, SCAN_RESULTS and each BSS's elements.

#include <cstdlib>
#include <map>

#include "wpa_backend_impl.hpp"

namespace wizfi250d::wpa_backend {

using wpa::Event;

constexpr std::size_t max_scan_results = 50;  // the firmware tracks at most 50 BSSIDs

// ---- scan ----

void WpaSupplicantBackend::raw_scan(
    const ScanFilter& filter, std::function<void(std::optional<std::vector<wpa::ScanLine>>)> done) {
    if (scanning_ || !control_.taking_requests()) {
        post([done] { done(std::nullopt); });
        return;
    }
    scanning_ = true;
    auto finish = [this, done](std::optional<std::vector<wpa::ScanLine>> lines) {
        scanning_ = false;
        done(std::move(lines));
    };
    const std::string command = wpa::scan_command(filter);
    control_.sync_events(guarded([this, command, finish](bool ok) {
        if (!ok) {
            finish(std::nullopt);
            return;
        }
        const auto wait = wait_for(options_.scan_timeout, [this, finish](const Event* event) {
            if (event == nullptr) {
                spdlog::warn("wpa_supplicant backend: no scan results within {} ms",
                             options_.scan_timeout.count());
                finish(std::nullopt);
                return true;
            }
            if (event->name == "CTRL-EVENT-SCAN-FAILED" || event->name == control_down_event) {
                finish(std::nullopt);
                return true;
            }
            if (event->name != "CTRL-EVENT-SCAN-RESULTS") return false;
            request("SCAN_RESULTS", [finish](std::optional<std::string> reply) {
                if (!reply) {
                    finish(std::nullopt);
                    return;
                }
                finish(wpa::parse_scan_results(*reply));
            });
            return true;
        });
        // The module reports what its own scan heard: wpa_supplicant's BSS table (and, without
        // only_new=1, the kernel's 30 s cache) would keep an AP that went away.
        request("BSS_FLUSH 0", [](auto) {});
        scan_started_ = std::chrono::steady_clock::now();
        request(command, [this, wait, finish](std::optional<std::string> reply) {
            // FAIL-BUSY: a scan is already running; its results will do.
            if (reply && (wpa::is_ok(*reply) || wpa::trim_reply(*reply) == "FAIL-BUSY")) return;
            if (waits_.count(wait) == 0) return;
            cancel_wait(wait);
            spdlog::warn("wpa_supplicant backend: the scan did not start");
            finish(std::nullopt);
        });
    }));
}

void WpaSupplicantBackend::scan(const ScanFilter& filter, ScanDone done) {
    raw_scan(filter, [this, filter, done](std::optional<std::vector<wpa::ScanLine>> lines) {
        if (!lines) {
            done(std::nullopt);
            return;
        }
        // De-duplicated by BSSID, at most 50, filtered before asking for each BSS's elements.
        auto selected = std::make_shared<std::vector<wpa::ScanLine>>();
        std::map<std::string, std::size_t> seen;  // BSSID → index in selected
        for (auto& line : *lines) {
            const auto result = wpa::to_scan_result(line, std::nullopt);
            if (!result || !wpa::matches(*result, filter)) continue;
            // After the match: a hidden AP is listed twice, without its SSID (its beacons) and
            // with it (the answer to a directed probe); the line that names it is kept.
            if (const auto it = seen.find(line.bssid); it != seen.end()) {
                auto& kept = (*selected)[it->second];
                if (kept.ssid.empty() && !line.ssid.empty()) kept = std::move(line);
                continue;
            }
            if (selected->size() >= max_scan_results) continue;
            seen.emplace(line.bssid, selected->size());
            selected->push_back(std::move(line));
        }
        describe(selected, 0, std::make_shared<std::vector<ScanResult>>(), done);
    });
}

void WpaSupplicantBackend::describe(std::shared_ptr<std::vector<wpa::ScanLine>> lines,
                                    std::size_t index,
                                    std::shared_ptr<std::vector<ScanResult>> results,
                                    ScanDone done) {
    if (index >= lines->size()) {
        done(std::move(*results));
        return;
    }
    // BSS <bssid> gives the information elements, from which the maximum rate is derived.
    request("BSS " + (*lines)[index].bssid,
            [this, lines, index, results, done](std::optional<std::string> reply) {
                std::optional<std::string> ies;
                bool heard = true;
                if (reply) {
                    const auto values = wpa::parse_key_values(*reply);
                    if (const auto hex = wpa::find_value(values, "ie")) ies = wpa::from_hex(*hex);
                    // Only what this scan heard: a BSS the kernel still reports from before it
                    // (a hidden AP's beacon entry outlives the flush) is older than the scan.
                    if (const auto age = wpa::find_value(values, "age")) {
                        const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - scan_started_);
                        heard = std::strtol(age->c_str(), nullptr, 10) <= elapsed.count() + 1;
                    }
                }
                if (!heard) {
                    spdlog::debug("wpa_supplicant backend: {} was not heard by this scan",
                                  (*lines)[index].bssid);
                } else if (auto result = wpa::to_scan_result((*lines)[index], ies)) {
                    results->push_back(std::move(*result));
                }
                describe(lines, index + 1, results, done);
            });
}

}  // namespace wizfi250d::wpa_backend
