// SPDX-License-Identifier: Apache-2.0
// AT+WREG and the radio's regulatory domain (spec §2.2 WREG, §7 "Country"): the query reports
// the domain nl80211 gives when it is one of the module's countries, else the profile's; a new
// country and every scan reach the radio. The radio is a stand-in (no nl80211 here), named as
// such: it reports a chosen domain and records what it is told.

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../src/commands/handlers.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d::testing {
namespace {

class RegulatoryStandIn final : public WifiBackend {
public:
    void join(const Profile& /*profile*/, JoinReporter /*reporter*/, JoinDone done) override {
        done(std::nullopt);
    }
    std::chrono::milliseconds join_time_limit() const override { return {}; }
    void leave() override {}
    void scan(const ScanFilter& /*filter*/, ScanDone done) override {
        done(std::vector<ScanResult>{});
    }
    void wps(const std::string& /*pin*/, WpsDone done) override { done(std::nullopt); }
    RadioStatus status() const override {
        RadioStatus status;
        status.regulatory_domain = domain;
        return status;
    }
    void set_country(const std::string& country) override { told.push_back(country); }
    void on_link_lost(LinkLost /*callback*/) override {}
    std::string_view name() const override { return "regulatory stand-in"; }

    std::optional<std::string> domain;
    std::vector<std::string> told;
};

class WifiRegulatory : public ::testing::Test {
protected:
    WifiRegulatory() {
        spdlog::set_level(spdlog::level::warn);
        std::string pattern = ::testing::TempDir() + "wizfi250d-regulatory-XXXXXX";
        if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
        link_ = std::make_unique<SerialLink>(io_, SerialSpec{SerialSpec::Kind::pty, dir_ + "/tty"});
        DaemonSettings settings;
        settings.state_dir = dir_ + "/state";
        auto radio = std::make_unique<RegulatoryStandIn>();
        radio_ = radio.get();
        module_ = std::make_unique<Module>(io_, settings, *link_, std::move(radio));
        link_->start(
            module_->profile().uart, [](std::string_view) {}, [] {});
    }
    ~WifiRegulatory() override {
        module_.reset();
        link_.reset();
        std::filesystem::remove_all(dir_);
    }

    // Runs a handler as the dispatcher does; the host's bytes come from the output capture (the
    // Air-command path), so no pty reader is needed.
    std::string run(CommandHandler handler, std::string_view args) {
        module_->output().begin_capture(1450, CaptureMode::everything);
        const ResultCode code = handler(*module_, args);
        if (code != ResultCode::none && code != ResultCode::pending) module_->output().result(code);
        io_.poll();
        io_.restart();
        return module_->output().end_capture();
    }

    boost::asio::io_context io_;
    std::string dir_;
    std::unique_ptr<SerialLink> link_;
    std::unique_ptr<Module> module_;
    RegulatoryStandIn* radio_ = nullptr;
};

TEST_F(WifiRegulatory, QueryReportsTheRadiosDomain) {
    radio_->domain = "DE";
    EXPECT_EQ(run(commands::wreg, "?"), "DE\r\n[OK]\r\n");
}

TEST_F(WifiRegulatory, QueryWithoutARadioReportsTheProfile) {
    EXPECT_EQ(run(commands::wreg, "?"), "AU\r\n[OK]\r\n");
    module_->profile().country = "KR";
    EXPECT_EQ(run(commands::wreg, "?"), "KR\r\n[OK]\r\n");
}

TEST_F(WifiRegulatory, TheWorldDomainIsNotAModuleCountry) {
    radio_->domain = "00";
    EXPECT_EQ(run(commands::wreg, "?"), "AU\r\n[OK]\r\n");
}

TEST_F(WifiRegulatory, SetTellsTheRadioBeforeTheReboot) {
    EXPECT_EQ(run(commands::wreg, "US"), "[OK]\r\n");
    EXPECT_EQ(radio_->told, std::vector<std::string>{"US"});
    EXPECT_EQ(module_->images().saved.country, "US");
}

TEST_F(WifiRegulatory, RefusedCountryDoesNotReachTheRadio) {
    EXPECT_EQ(run(commands::wreg, "us"), "[ERROR: INVALID INPUT]\r\n");
    EXPECT_TRUE(radio_->told.empty());
}

TEST_F(WifiRegulatory, ScanRunsUnderTheProfileCountry) {
    module_->profile().country = "JP";
    EXPECT_EQ(run(commands::wscan, ""), "Index/SSID/RSSI(-dBm)/Security/Channel\r\n[OK]\r\n");
    EXPECT_EQ(radio_->told, std::vector<std::string>{"JP"});
}

}  // namespace
}  // namespace wizfi250d::testing
