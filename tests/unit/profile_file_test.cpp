// SPDX-License-Identifier: Apache-2.0
// The profile's text form: every field round-trips, any byte in a string survives, and a bad
// text is refused with the line and the field named.

#include "wizfi250d/profile/profile_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

// Field by field, so a field the text form forgot shows up (comparing serialized texts would
// hide it).
void expect_same(const Profile& a, const Profile& b) {
    EXPECT_EQ(a.mac, b.mac);
    EXPECT_EQ(a.uart, b.uart);
    EXPECT_EQ(a.message_level, b.message_level);
    EXPECT_EQ(a.echo, b.echo);
    EXPECT_EQ(a.host_interface, b.host_interface);
    EXPECT_EQ(a.spi_mode, b.spi_mode);
    EXPECT_EQ(a.wifi_mode, b.wifi_mode);
    for (const auto& [x, y] : {std::pair{&a.station, &b.station}, {&a.soft_ap, &b.soft_ap}}) {
        EXPECT_EQ(x->ssid, y->ssid);
        EXPECT_EQ(x->bssid, y->bssid);
        EXPECT_EQ(x->channel, y->channel);
        EXPECT_EQ(x->security, y->security);
        EXPECT_EQ(x->key, y->key);
    }
    EXPECT_EQ(a.dhcp, b.dhcp);
    EXPECT_EQ(a.ip, b.ip);
    EXPECT_EQ(a.netmask, b.netmask);
    EXPECT_EQ(a.gateway, b.gateway);
    EXPECT_EQ(a.dns1, b.dns1);
    EXPECT_EQ(a.dns2, b.dns2);
    EXPECT_EQ(a.country, b.country);
    EXPECT_EQ(a.service.open_type, b.service.open_type);
    EXPECT_EQ(a.service.socket_type, b.service.socket_type);
    EXPECT_EQ(a.service.remote_ip, b.service.remote_ip);
    EXPECT_EQ(a.service.remote_port, b.service.remote_port);
    EXPECT_EQ(a.service.local_port, b.service.local_port);
    EXPECT_EQ(a.service.data_mode, b.service.data_mode);
    EXPECT_EQ(a.receive_format.flags, b.receive_format.flags);
    EXPECT_EQ(a.receive_format.start, b.receive_format.start);
    EXPECT_EQ(a.receive_format.delim, b.receive_format.delim);
    EXPECT_EQ(a.receive_format.end, b.receive_format.end);
    EXPECT_EQ(a.receive_format.trailer1, b.receive_format.trailer1);
    EXPECT_EQ(a.receive_format.trailer2, b.receive_format.trailer2);
    EXPECT_EQ(a.escape_timer_ms, b.escape_timer_ms);
    EXPECT_EQ(a.web_server_type, b.web_server_type);
    EXPECT_EQ(a.web_menu, b.web_menu);
    for (std::size_t i = 0; i < a.gpio.size(); ++i) {
        EXPECT_EQ(a.gpio[i].pin, b.gpio[i].pin) << i;
        EXPECT_EQ(a.gpio[i].config, b.gpio[i].config) << i;
        EXPECT_EQ(a.gpio[i].value, b.gpio[i].value) << i;
    }
    EXPECT_EQ(a.web_user, b.web_user);
    EXPECT_EQ(a.web_password, b.web_password);
    EXPECT_EQ(a.socket_options, b.socket_options);
    EXPECT_EQ(a.wifi_check, b.wifi_check);
    EXPECT_EQ(a.antenna, b.antenna);
    EXPECT_EQ(a.rf_mode, b.rf_mode);
    EXPECT_EQ(a.event_format, b.event_format);
    EXPECT_EQ(a.event_delay_ms, b.event_delay_ms);
    EXPECT_EQ(a.listen_event, b.listen_event);
    EXPECT_EQ(a.domain_name, b.domain_name);
    EXPECT_EQ(a.air_command.open_type, b.air_command.open_type);
    EXPECT_EQ(a.air_command.protocol, b.air_command.protocol);
    EXPECT_EQ(a.air_command.port, b.air_command.port);
    EXPECT_EQ(a.air_command.option, b.air_command.option);
    EXPECT_EQ(a.customer, b.customer);
    EXPECT_EQ(a.mqtt.user, b.mqtt.user);
    EXPECT_EQ(a.mqtt.password, b.mqtt.password);
    EXPECT_EQ(a.mqtt.client_id, b.mqtt.client_id);
    EXPECT_EQ(a.mqtt.keep_alive, b.mqtt.keep_alive);
    EXPECT_EQ(a.open_drain, b.open_drain);
}

Profile round_trip(const Profile& profile) {
    ProfileError error;
    const auto parsed = parse_profile(serialize_profile(profile), error);
    EXPECT_TRUE(parsed) << error.to_string();
    return parsed.value_or(Profile{});
}

// parse_profile's error for a text, which must be refused.
ProfileError refused(const std::string& text) {
    ProfileError error;
    EXPECT_FALSE(parse_profile(text, error)) << text;
    return error;
}

const std::string schema_line = "schema = 1\n";

// One change away from the factory profile per entry: each must show in the text and come back.
struct Mutation {
    const char* name;
    std::function<void(Profile&)> apply;
};

const std::vector<Mutation>& mutations() {
    static const std::vector<Mutation> list{
        {"mac",
         [](Profile& p) {
             p.mac = MacAddress{{0x00, 0x08, 0xDC, 0x12, 0xAB, 0xEF}};
         }},
        {"uart.baud", [](Profile& p) { p.uart.baud = 921600; }},
        {"uart.parity", [](Profile& p) { p.uart.parity = Parity::even; }},
        {"uart.data_bits",
         [](Profile& p) {
             p.uart.parity = Parity::odd;
             p.uart.data_bits = 7;
         }},
        {"uart.stop_bits", [](Profile& p) { p.uart.stop_bits = StopBits::one_and_half; }},
        {"uart.stop_bits.half", [](Profile& p) { p.uart.stop_bits = StopBits::half; }},
        {"uart.stop_bits.two", [](Profile& p) { p.uart.stop_bits = StopBits::two; }},
        {"uart.rts_cts", [](Profile& p) { p.uart.rts_cts = true; }},
        {"message_level", [](Profile& p) { p.message_level = 3; }},
        {"echo", [](Profile& p) { p.echo = false; }},
        {"host_interface", [](Profile& p) { p.host_interface = 2; }},
        {"spi_mode", [](Profile& p) { p.spi_mode = 3; }},
        {"wifi_mode", [](Profile& p) { p.wifi_mode = WifiMode::soft_ap; }},
        {"station.ssid", [](Profile& p) { p.station.ssid = "Home"; }},
        {"station.bssid", [](Profile& p) { p.station.bssid = "00:11:22:AA:BB:CC"; }},
        {"station.channel", [](Profile& p) { p.station.channel = 0; }},
        {"station.security",
         [](Profile& p) {
             p.station.security = Security::open;
             p.station.key.clear();
         }},
        {"station.security.auto", [](Profile& p) { p.station.security = Security::automatic; }},
        {"station.security.wep",
         [](Profile& p) {
             p.station.security = Security::wep;
             p.station.key = "0123456789";
         }},
        {"station.security.wpa_tkip", [](Profile& p) { p.station.security = Security::wpa_tkip; }},
        {"station.security.wpa_aes", [](Profile& p) { p.station.security = Security::wpa_aes; }},
        {"station.security.wpa2_aes", [](Profile& p) { p.station.security = Security::wpa2_aes; }},
        {"station.security.wpa2_tkip",
         [](Profile& p) { p.station.security = Security::wpa2_tkip; }},
        {"station.key", [](Profile& p) { p.station.key = "correct horse battery staple"; }},
        {"soft_ap.ssid", [](Profile& p) { p.soft_ap.ssid = "MyAP"; }},
        {"soft_ap.bssid", [](Profile& p) { p.soft_ap.bssid = "02:00:00:00:00:01"; }},
        {"soft_ap.channel", [](Profile& p) { p.soft_ap.channel = 14; }},
        {"soft_ap.security", [](Profile& p) { p.soft_ap.security = Security::wpa2_aes; }},
        {"soft_ap.key", [](Profile& p) { p.soft_ap.key = "ap-passphrase"; }},
        {"dhcp", [](Profile& p) { p.dhcp = false; }},
        {"ip",
         [](Profile& p) {
             p.ip = Ipv4{{10, 1, 2, 3}};
         }},
        {"netmask",
         [](Profile& p) {
             p.netmask = Ipv4{{255, 255, 0, 0}};
         }},
        {"gateway",
         [](Profile& p) {
             p.gateway = Ipv4{{10, 1, 0, 1}};
         }},
        {"dns1",
         [](Profile& p) {
             p.dns1 = Ipv4{{8, 8, 8, 8}};
         }},
        {"dns2",
         [](Profile& p) {
             p.dns2 = Ipv4{{1, 1, 1, 1}};
         }},
        {"country", [](Profile& p) { p.country = "0B"; }},
        {"service.open_type", [](Profile& p) { p.service.open_type = "SO"; }},
        {"service.socket_type", [](Profile& p) { p.service.socket_type = "UCN"; }},
        {"service.remote_ip", [](Profile& p) { p.service.remote_ip = "0.0.0.0"; }},
        {"service.remote_port", [](Profile& p) { p.service.remote_port = 65535; }},
        {"service.local_port", [](Profile& p) { p.service.local_port = 0; }},
        {"service.data_mode", [](Profile& p) { p.service.data_mode = 0; }},
        {"receive_format.flags", [](Profile& p) { p.receive_format.flags = "010101010"; }},
        {"receive_format.start", [](Profile& p) { p.receive_format.start = '\0'; }},
        {"receive_format.delim", [](Profile& p) { p.receive_format.delim = '\xff'; }},
        {"receive_format.end", [](Profile& p) { p.receive_format.end = '#'; }},
        {"receive_format.trailer1", [](Profile& p) { p.receive_format.trailer1 = '\n'; }},
        {"receive_format.trailer2", [](Profile& p) { p.receive_format.trailer2 = ' '; }},
        {"escape_timer_ms", [](Profile& p) { p.escape_timer_ms = 10000; }},
        {"web_server_type", [](Profile& p) { p.web_server_type = 'A'; }},
        {"web_menu", [](Profile& p) { p.web_menu = "0123456"; }},
        {"gpio.0.config", [](Profile& p) { p.gpio[0].config = 0; }},
        {"gpio.1.value", [](Profile& p) { p.gpio[1].value = 1; }},
        {"gpio.2.config", [](Profile& p) { p.gpio[2].config = 5; }},
        {"gpio.3.value", [](Profile& p) { p.gpio[3].value = 1; }},
        {"gpio.4.config", [](Profile& p) { p.gpio[4].config = 2; }},
        {"gpio.pins", [](Profile& p) { std::swap(p.gpio[0].pin, p.gpio[4].pin); }},
        {"web_user", [](Profile& p) { p.web_user = "root"; }},
        {"web_password", [](Profile& p) { p.web_password = "p@ss, \"word\""; }},
        {"socket_options",
         [](Profile& p) { p.socket_options = {0, 20000, 7, 10, 3600, 10, 1000, 5, 1}; }},
        {"wifi_check",
         [](Profile& p) {
             p.wifi_check = {60, 5, 3, 1};
         }},
        {"wifi_check.off",
         [](Profile& p) {
             p.wifi_check = {0, 20, 20, 0};
         }},
        {"antenna", [](Profile& p) { p.antenna = 1; }},
        {"rf_mode", [](Profile& p) { p.rf_mode = 4; }},
        {"event_format", [](Profile& p) { p.event_format = "0120120120"; }},
        {"event_delay_ms", [](Profile& p) { p.event_delay_ms = 1000; }},
        {"listen_event", [](Profile& p) { p.listen_event = true; }},
        {"domain_name", [](Profile& p) { p.domain_name = "example.com"; }},
        {"air_command.open_type", [](Profile& p) { p.air_command.open_type = "S"; }},
        {"air_command.protocol", [](Profile& p) { p.air_command.protocol = 'U'; }},
        {"air_command.port", [](Profile& p) { p.air_command.port = 50001; }},
        {"air_command.option", [](Profile& p) { p.air_command.option = 0xffffffffu; }},
        {"customer", [](Profile& p) { p.customer = "COWAYB"; }},
        {"mqtt.user", [](Profile& p) { p.mqtt.user = "user"; }},
        {"mqtt.password", [](Profile& p) { p.mqtt.password = "secret"; }},
        {"mqtt.client_id", [](Profile& p) { p.mqtt.client_id = "client-1"; }},
        {"mqtt.keep_alive", [](Profile& p) { p.mqtt.keep_alive = 300; }},
        {"open_drain", [](Profile& p) { p.open_drain = true; }},
    };
    return list;
}

// Strings that break naive formats: blanks at the ends, '#', '=', quotes, commas, backslashes,
// text that looks like an escape, control bytes, NUL, bytes above 0x7f.
const std::vector<std::string>& nasty_strings() {
    static const std::vector<std::string> list{
        " leading",
        "trailing ",
        "  both  ",
        " ",
        "   ",
        "\t",
        "#comment-like",
        "# ",
        "a # b",
        "key = value",
        "=",
        "\"quoted, with comma\"",
        "'single'",
        "a,b,,c,",
        "back\\slash\\",
        "\\",
        "\\x41 is not A",
        "\\n",
        "line\nbreak",
        "cr\rlf\r\n",
        std::string("nul\0byte", 8),
        std::string(1, '\0'),
        "\x01\x02\x1f\x7f",
        "caf\xc3\xa9 \xe2\x98\x83",
        "\xff\xfe\x80",
        "12345678",
    };
    return list;
}

TEST(ProfileFile, FactoryText) {
    const std::string text = serialize_profile(Profile{});
    EXPECT_EQ(text.substr(0, 2), "# ");
    EXPECT_NE(text.find("\nschema = 1\nmac = 00:08:DC:00:00:00\nuart = 115200,N,8,1,N\n"),
              std::string::npos);
    for (const char* line :
         {"\nstation.ssid = WizFiAP\n", "\nstation.bssid =\n", "\nstation.channel = 6\n",
          "\nstation.security = WPA2\n", "\nstation.key = 12345678\n", "\ndns1 =\n",
          "\nservice.remote_ip =\n", "\nreceive_format.start = 7b\n", "\ngpio.0 = 1,3,0\n",
          "\ngpio.4 = 8,3,0\n", "\nsocket_options = 5000,5000,5,100,0,0,0,0,0\n",
          "\nwifi_check = 0,0,0,0\n", "\ncustomer = WIZNET   \\x20\n", "\nair_command.protocol =\n",
          "\nopen_drain = 0\n"})
        EXPECT_NE(text.find(line), std::string::npos) << line;
    EXPECT_EQ(text.back(), '\n');
}

TEST(ProfileFile, EveryKeyOnceInOrder) {
    const std::vector<std::string_view> keys = profile_keys();
    const std::set<std::string_view> unique(keys.begin(), keys.end());
    EXPECT_EQ(unique.size(), keys.size());
    EXPECT_EQ(keys.size(), 64u);

    const std::string text = serialize_profile(Profile{});
    std::vector<std::string> written;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        written.push_back(line.substr(0, line.find(' ')));
    }
    ASSERT_EQ(written.size(), keys.size() + 1);
    EXPECT_EQ(written[0], "schema");
    for (std::size_t i = 0; i < keys.size(); ++i)
        EXPECT_EQ(written[i + 1], keys[i]);
}

TEST(ProfileFile, FactoryRoundTrip) {
    expect_same(round_trip(Profile{}), Profile{});
}

TEST(ProfileFile, EachFieldShowsInTheTextAndRoundTrips) {
    const std::string factory_text = serialize_profile(Profile{});
    for (const Mutation& mutation : mutations()) {
        SCOPED_TRACE(mutation.name);
        Profile changed;
        mutation.apply(changed);
        EXPECT_NE(serialize_profile(changed), factory_text);
        expect_same(round_trip(changed), changed);
    }
}

TEST(ProfileFile, AllFieldsChangedAtOnceRoundTrip) {
    Profile changed;
    for (const Mutation& mutation : mutations()) {
        // The security/key pairs and the "off" WCHECK conflict with their neighbours: skip them.
        const std::string name = mutation.name;
        if (name.rfind("station.security", 0) == 0 || name == "wifi_check.off" ||
            name == "uart.stop_bits.half" || name == "uart.stop_bits.two")
            continue;
        mutation.apply(changed);
    }
    const std::string text = serialize_profile(changed);
    ProfileError error;
    const auto parsed = parse_profile(text, error);
    ASSERT_TRUE(parsed) << error.to_string();
    expect_same(*parsed, changed);
    EXPECT_EQ(serialize_profile(*parsed), text);
}

TEST(ProfileFile, EscapesOnlyWhatMustBeEscaped) {
    EXPECT_EQ(escape_profile_value("WizFiAP"), "WizFiAP");
    EXPECT_EQ(escape_profile_value("a b"), "a b");
    EXPECT_EQ(escape_profile_value(" a b "), "\\x20a b\\x20");
    EXPECT_EQ(escape_profile_value("#a#"), "\\x23a#");
    EXPECT_EQ(escape_profile_value("a\\b"), "a\\\\b");
    EXPECT_EQ(escape_profile_value("\t\r\n"), "\\t\\r\\n");
    EXPECT_EQ(escape_profile_value(std::string("\0\x7f\x80\xff", 4)), "\\x00\\x7f\\x80\\xff");
    EXPECT_EQ(escape_profile_value("\"x,y\"=z"), "\"x,y\"=z");
    EXPECT_EQ(escape_profile_value(""), "");
}

TEST(ProfileFile, UnescapeRefusesBadEscapes) {
    EXPECT_EQ(unescape_profile_value("a\\x41\\x6a"), "aAj");
    EXPECT_EQ(unescape_profile_value("\\X41"), std::nullopt);
    EXPECT_EQ(unescape_profile_value("\\x4"), std::nullopt);
    EXPECT_EQ(unescape_profile_value("\\x4g"), std::nullopt);
    EXPECT_EQ(unescape_profile_value("\\"), std::nullopt);
    EXPECT_EQ(unescape_profile_value("\\q"), std::nullopt);
    EXPECT_EQ(unescape_profile_value("\\0"), std::nullopt);
}

TEST(ProfileFile, EveryByteValueRoundTrips) {
    std::string all;
    for (int byte = 0; byte < 256; ++byte)
        all += static_cast<char>(byte);
    const std::string escaped = escape_profile_value(all);
    EXPECT_EQ(unescape_profile_value(escaped), all);
    for (const char c : escaped)
        EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << static_cast<int>(c);

    // Through the file, 32 bytes at a time as SSIDs (binary-safe, WSET2).
    for (std::size_t offset = 0; offset < all.size(); offset += 32) {
        Profile profile;
        profile.station.ssid = all.substr(offset, 32);
        profile.soft_ap.ssid = all.substr(all.size() - offset - 32, 32);
        expect_same(round_trip(profile), profile);
    }
}

TEST(ProfileFile, NastyStringsRoundTrip) {
    for (const std::string& nasty : nasty_strings()) {
        SCOPED_TRACE(escape_profile_value(nasty));
        Profile profile;
        profile.station.ssid = nasty;
        profile.soft_ap.ssid = nasty + "|";
        // WPA keys are 8-63 bytes of anything.
        profile.station.key = nasty + std::string(8, '*');
        profile.soft_ap.key = std::string(8, '*') + nasty;
        profile.web_user = nasty.empty() ? "x" : nasty;
        profile.web_password = nasty;
        profile.domain_name = nasty;
        profile.mqtt.user = nasty;
        profile.mqtt.password = nasty + nasty;
        profile.mqtt.client_id = nasty;
        const std::string text = serialize_profile(profile);
        // Nothing can break a line or start a comment: one line per key.
        EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')),
                  profile_keys().size() + 2);
        expect_same(round_trip(profile), profile);
    }
}

TEST(ProfileFile, LongestStringsRoundTrip) {
    Profile profile;
    profile.station.ssid = std::string(32, '\xff');
    profile.station.key = std::string(63, ',');
    profile.soft_ap.key.clear();
    for (int i = 0; i < 64; ++i)
        profile.soft_ap.key += "61";  // 128 hex digits: a raw PSK of 64 hex digits ('a')
    profile.soft_ap.security = Security::wpa2_aes;
    profile.web_password = std::string(20, ' ');
    profile.domain_name = std::string(49, '.');
    profile.mqtt.client_id = std::string(50, '"');
    expect_same(round_trip(profile), profile);
}

TEST(ProfileFile, ToleratesCommentsBlanksAndCrlf) {
    const std::string text =
        "# a comment\r\n"
        "\r\n"
        "   # an indented comment\n"
        "\tschema=1\n"
        "station.ssid   =   My Net  \r\n"
        "station.key=  a b c d e f  \n"
        "uart = 9600, E, 7, 2, HW\n"
        "country = KR";  // no final newline
    ProfileError error;
    const auto profile = parse_profile(text, error);
    ASSERT_TRUE(profile) << error.to_string();
    EXPECT_EQ(profile->station.ssid, "My Net");
    EXPECT_EQ(profile->station.key, "a b c d e f");
    EXPECT_EQ(profile->uart.to_string(), "9600,E,7,2,HW");
    EXPECT_EQ(profile->country, "KR");
}

TEST(ProfileFile, MissingKeysTakeFactoryValues) {
    ProfileError error;
    const auto profile =
        parse_profile(schema_line + "station.ssid = Home\nmessage_level = 1\n", error);
    ASSERT_TRUE(profile) << error.to_string();
    Profile expected;
    expected.station.ssid = "Home";
    expected.message_level = 1;
    expect_same(*profile, expected);

    // Only the schema: all factory.
    const auto bare = parse_profile(schema_line, error);
    ASSERT_TRUE(bare) << error.to_string();
    expect_same(*bare, Profile{});
}

TEST(ProfileFile, NormalisesEquivalentForms) {
    ProfileError error;
    const auto profile = parse_profile(schema_line +
                                           "mac = 0:8:dc:1:2:3\n"
                                           "station.bssid = aa:bb:cc:dd:ee:01\n"
                                           "station.security = wpa2aes\n"
                                           "service.remote_ip = 010.000.000.001\n"
                                           "receive_format.start = A\n",
                                       error);
    ASSERT_TRUE(profile) << error.to_string();
    EXPECT_EQ(profile->mac.to_upper(), "00:08:DC:01:02:03");
    EXPECT_EQ(profile->station.bssid, "AA:BB:CC:DD:EE:01");
    EXPECT_EQ(profile->station.security, Security::wpa2_aes);
    EXPECT_EQ(profile->service.remote_ip, "10.0.0.1");
    EXPECT_EQ(profile->receive_format.start, '\n');
}

TEST(ProfileFile, SchemaIsRequired) {
    for (const std::string text : {"", "\n\n# only comments\n", "station.ssid = x\n"}) {
        const ProfileError error = refused(text);
        EXPECT_EQ(error.line, 0u);
        EXPECT_EQ(error.field, "schema");
        EXPECT_NE(error.message.find("missing"), std::string::npos) << error.message;
    }
    for (const std::string value : {"0", "one", "-1", "1.0", "", "99999999999"}) {
        const ProfileError error = refused("# c\nschema = " + value + "\n");
        EXPECT_EQ(error.line, 2u);
        EXPECT_EQ(error.field, "schema");
    }
}

TEST(ProfileFile, NewerSchemaIsRefusedBeforeItsKeys) {
    const ProfileError error =
        refused("# from the future\nschema = 2\nstation.ssid = x\nnew.field = 1\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_EQ(error.field, "schema");
    EXPECT_NE(error.message.find("newer"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("schema 2"), std::string::npos) << error.message;
    EXPECT_EQ(error.to_string(), "line 2 (schema): " + error.message);
}

TEST(ProfileFile, UnknownKeyIsAnError) {
    const ProfileError error = refused(schema_line + "echo = 1\nstation.sid = x\n");
    EXPECT_EQ(error.line, 3u);
    EXPECT_EQ(error.field, "station.sid");
    EXPECT_EQ(error.message, "unknown key");
    EXPECT_EQ(error.to_string(), "line 3 (station.sid): unknown key");
}

TEST(ProfileFile, RepeatedKeyIsAnError) {
    const ProfileError error = refused(schema_line + "echo = 1\n\necho = 0\n");
    EXPECT_EQ(error.line, 4u);
    EXPECT_EQ(error.field, "echo");
    EXPECT_NE(error.message.find("line 2"), std::string::npos) << error.message;

    const ProfileError schema_twice = refused(schema_line + schema_line);
    EXPECT_EQ(schema_twice.line, 2u);
    EXPECT_EQ(schema_twice.field, "schema");
}

TEST(ProfileFile, LineWithoutKeyIsAnError) {
    ProfileError error = refused(schema_line + "echo 1\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_EQ(error.field, "");
    EXPECT_EQ(error.to_string(), "line 2: expected `key = value`");

    error = refused(schema_line + " = 1\n");
    EXPECT_EQ(error.line, 2u);
}

TEST(ProfileFile, BadEscapeIsAnError) {
    const ProfileError error = refused(schema_line + "station.ssid = a\\qb\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_EQ(error.field, "station.ssid");
    EXPECT_NE(error.message.find("escape"), std::string::npos);
}

// Values the AT commands would refuse are refused, naming the line and the field.
TEST(ProfileFile, ValuesOutOfRange) {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"mac", "00:00:00:00:00:00"},
        {"mac", "FF:FF:FF:FF:FF:FF"},
        {"mac", "00:08:DC:00:00"},
        {"uart", "115200,N,8,1"},
        {"uart", "0,N,8,1,N"},
        {"uart", "x,N,8,1,N"},
        {"uart", "115200,X,8,1,N"},
        {"uart", "115200,N,7,1,N"},
        {"uart", "115200,E,6,1,N"},
        {"uart", "115200,N,8,3,N"},
        {"uart", "115200,N,8,1,RTS"},
        {"message_level", "0"},
        {"message_level", "4"},
        {"message_level", " "},
        {"message_level", "2x"},
        {"message_level", "+2"},
        {"message_level", "4294967296"},
        {"echo", "2"},
        {"echo", "true"},
        {"host_interface", "3"},
        {"spi_mode", "5"},
        {"spi_mode", "12"},
        {"wifi_mode", "1"},
        {"station.ssid", ""},
        {"station.ssid", std::string(33, 'x')},
        {"station.bssid", "00:00:00:00:00:00"},
        {"station.bssid", "zz"},
        {"station.channel", "15"},
        {"station.security", "WPA3"},
        {"soft_ap.ssid", ""},
        {"ip", "192.168.1"},
        {"ip", "192.168.1.256"},
        {"ip", ""},
        {"netmask", "a.b.c.d"},
        {"gateway", "1.2.3.4.5"},
        {"dns1", "8.8.8"},
        {"country", "A"},
        {"country", "au"},
        {"service.open_type", "X"},
        {"service.open_type", "o"},
        {"service.socket_type", "USS"},
        {"service.remote_ip", "host"},
        {"service.remote_port", "65536"},
        {"service.local_port", "-1"},
        {"service.data_mode", "2"},
        {"receive_format.flags", "11111111"},
        {"receive_format.flags", "111111112"},
        {"receive_format.end", "100"},
        {"receive_format.end", "g"},
        {"receive_format.end", ""},
        {"escape_timer_ms", "0"},
        {"escape_timer_ms", "10001"},
        {"web_server_type", "F"},
        {"web_menu", "111111"},
        {"web_menu", "11111a1"},
        {"gpio.0", "1,3"},
        {"gpio.0", "2,3,0"},
        {"gpio.0", "1,6,0"},
        {"gpio.0", "1,3,2"},
        {"web_user", ""},
        {"web_user", std::string(21, 'u')},
        {"socket_options", "5000,5000,5,100,0,0,0,0"},
        {"socket_options", "1000,5000,5,100,0,0,0,0,0"},
        {"socket_options", "5000,5000,5,0,0,0,0,0,0"},
        {"socket_options", "5000,5000,5,100,4,0,0,0,0"},
        {"wifi_check", "5,5,3,0"},
        {"wifi_check", "60,4,3,0"},
        {"wifi_check", "60,5,3,2"},
        {"wifi_check", "0,4,0,0"},
        {"wifi_check", "0,0,0"},
        {"antenna", "2"},
        {"rf_mode", "5"},
        {"event_format", "111111111"},
        {"event_format", "1111111113"},
        {"event_delay_ms", "1001"},
        {"listen_event", "yes"},
        {"domain_name", std::string(50, 'd')},
        {"air_command.open_type", "SO"},
        {"air_command.protocol", "X"},
        {"air_command.port", "-1"},
        {"customer", "ACME"},
        {"customer", "WIZNET "},
        {"mqtt.user", std::string(51, 'm')},
        {"mqtt.keep_alive", "29"},
        {"mqtt.keep_alive", "301"},
    };
    for (const auto& [key, value] : bad) {
        const std::string text =
            "# c\n" + schema_line + "echo = 1\n" + key + " = " + escape_profile_value(value) + "\n";
        SCOPED_TRACE(key + " = " + value);
        const ProfileError error = refused(text);
        EXPECT_EQ(error.line, 4u);
        EXPECT_EQ(error.field, key);
        EXPECT_FALSE(error.message.empty());
    }
}

TEST(ProfileFile, ErrorMessagesSayWhatIsWrong) {
    ProfileError error = refused(schema_line + "station.channel = 15\n");
    EXPECT_EQ(error.to_string(), "line 2 (station.channel): 15 is out of range 0-14");
    error = refused(schema_line + "message_level = two\n");
    EXPECT_EQ(error.to_string(), "line 2 (message_level): \"two\" is not a decimal number");
    error = refused(schema_line + "station.ssid = " + std::string(40, 's') + "\n");
    EXPECT_EQ(error.to_string(), "line 2 (station.ssid): is 40 bytes long; 1-32 bytes allowed");
}

TEST(ProfileFile, KeyMustSuitTheSecurityType) {
    // WEP: 5/13 ASCII or 10/26 hex digits.
    ProfileError error = refused(schema_line + "station.security = WEP\nstation.key = 123456\n");
    EXPECT_EQ(error.line, 3u);
    EXPECT_EQ(error.field, "station.key");
    // A missing key takes the factory "12345678", which WEP does not accept: the security line
    // is named.
    error = refused(schema_line + "echo = 1\nstation.security = WEP\n");
    EXPECT_EQ(error.line, 3u);
    EXPECT_EQ(error.field, "station.key");
    // WPA: 8-63 bytes.
    error = refused(schema_line + "soft_ap.key = short\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_EQ(error.field, "soft_ap.key");
    // The soft AP cannot use WEP.
    error = refused(schema_line + "soft_ap.security = WEP\nsoft_ap.key = 12345\n");
    EXPECT_EQ(error.line, 2u);
    EXPECT_EQ(error.field, "soft_ap.security");
    // OPEN takes any key.
    ProfileError none;
    EXPECT_TRUE(parse_profile(schema_line + "station.security = OPEN\nstation.key =\n", none));
}

TEST(ProfileFile, DuplicateGpioPinIsAnError) {
    const ProfileError error = refused(schema_line + "gpio.0 = 1,3,0\ngpio.3 = 1,0,0\n");
    EXPECT_EQ(error.line, 3u);
    EXPECT_EQ(error.field, "gpio.3");
}

TEST(ProfileFile, SecretsNeverInErrorMessages) {
    const std::string secret = "SuperSecretPassphrase-" + std::string(50, 'Z');  // > 63 bytes
    for (const std::string key : {"station.key", "soft_ap.key", "web_password", "mqtt.password"}) {
        SCOPED_TRACE(key);
        const ProfileError error = refused(schema_line + key + " = " + secret + "\n");
        EXPECT_EQ(error.field, key);
        EXPECT_EQ(error.to_string().find("SuperSecret"), std::string::npos) << error.to_string();
    }
}

}  // namespace
}  // namespace wizfi250d
