// SPDX-License-Identifier: Apache-2.0
// The daemon config file: `key = value` lines into DaemonSettings.

#include "wizfi250d/module/daemon_config.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace wizfi250d {
namespace {

struct Applied {
    bool ok = false;
    DaemonSettings settings;
    std::string error;
};

Applied apply(std::string_view text) {
    Applied result;
    std::string log_level;
    result.ok = apply_config_text(text, "test.conf", result.settings, log_level, result.error);
    return result;
}

TEST(DaemonConfig, CommentsAndBlankLinesAreSkipped) {
    const auto r = apply("# a comment\n\n   \n#data_flush = immediate\n");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_FALSE(r.settings.flush_when_idle);
}

TEST(DaemonConfig, DataStallLimitDefaultsToTenSecondsAndTakesMilliseconds) {
    const DaemonSettings defaults;
    EXPECT_EQ(defaults.data_stall_limit, std::chrono::milliseconds(10000));
    const auto r = apply("data_stall_limit_ms = 2500\n");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.settings.data_stall_limit, std::chrono::milliseconds(2500));
    const auto off = apply("data_stall_limit_ms = 0\n");
    ASSERT_TRUE(off.ok) << off.error;
    EXPECT_EQ(off.settings.data_stall_limit, std::chrono::milliseconds(0));
}

TEST(DaemonConfig, DhcpClientDefaultsToAutoAndNamesOneOfThree) {
    const DaemonSettings defaults;
    EXPECT_EQ(defaults.dhcp_client, "auto");
    for (const char* client : {"auto", "udhcpc", "dhcpcd", "dhclient"}) {
        const auto r = apply(std::string("dhcp_client = ") + client + "\n");
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.settings.dhcp_client, client);
    }
    const auto bad = apply("dhcp_client = pump\n");
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.error, "test.conf:1: dhcp_client: expected auto, udhcpc, dhcpcd or dhclient");
}

TEST(DaemonConfig, MqttTlsIsOffAndPublishesAtQosZeroByDefault) {
    const DaemonSettings defaults;
    EXPECT_FALSE(defaults.mqtt_tls);
    EXPECT_EQ(defaults.mqtt_publish_qos, 0u);
    const auto r = apply("mqtt_tls = on\nmqtt_publish_qos = 2\n");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.settings.mqtt_tls);
    EXPECT_EQ(r.settings.mqtt_publish_qos, 2u);
}

TEST(DaemonConfig, BadValuesNameTheFileLineAndKey) {
    struct Case {
        const char* text;
        const char* error;
    };
    const Case cases[] = {
        {"data_stall_limit_ms = 3600001\n", "test.conf:1: data_stall_limit_ms: expected 0-3600000"},
        {"\ndata_stall_limit_ms = soon\n", "test.conf:2: data_stall_limit_ms: expected 0-3600000"},
        {"data_flush = sometimes\n", "test.conf:1: data_flush: expected timer or immediate"},
        {"reboot_delay_ms = 10001\n", "test.conf:1: reboot_delay_ms: expected 0-10000"},
        {"mqtt_publish_qos = 3\n", "test.conf:1: mqtt_publish_qos: expected 0, 1 or 2"},
        {"mqtt_tls = maybe\n", "test.conf:1: mqtt_tls: expected on or off"},
        {"no_such_key = 1\n", "test.conf:1: unknown key 'no_such_key'"},
        {"data_flush\n", "test.conf:1: expected key = value"},
    };
    for (const auto& c : cases) {
        const auto r = apply(c.text);
        EXPECT_FALSE(r.ok) << c.text;
        EXPECT_EQ(r.error, c.error) << c.text;
    }
}

// A config file named on the command line that is missing, or larger than any real one (1 MiB),
// stops the start with the file's name and why; the default file may be missing.
TEST(DaemonConfig, ConfigFileThatCannotBeReadStopsTheStart) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("wizfi250d-config-" + std::to_string(::getpid()) + ".conf");
    const auto resolve = [](const std::string& file, std::string& error) {
        CommandLine command_line;
        command_line.config_file = file;
        std::string log_level;
        return resolve_settings(command_line, log_level, error);
    };
    std::string error;
    EXPECT_FALSE(resolve(path.string(), error));
    EXPECT_EQ(error, path.string() + ": No such file or directory");

    std::ofstream(path) << "data_flush = immediate\n" << std::string(1 << 20, '#') << "\n";
    EXPECT_FALSE(resolve(path.string(), error));
    EXPECT_EQ(error, path.string() + ": File too large");

    std::ofstream(path) << "data_flush = immediate\n";
    const auto settings = resolve(path.string(), error);
    ASSERT_TRUE(settings) << error;
    EXPECT_TRUE(settings->flush_when_idle);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace wizfi250d
