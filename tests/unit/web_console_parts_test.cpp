// SPDX-License-Identifier: Apache-2.0
// The web console's parts that need no socket: form and cookie parsing, the login guard
// (constant-time comparison, tokens, sessions, the failure delays) and the AT command lines the
// forms build (spec §2.2, §2.4, §2.5).

#include <boost/asio/io_context.hpp>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "../../src/web/form_data.hpp"
#include "../../src/web/login_guard.hpp"
#include "../../src/web/web_actions.hpp"
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {
namespace {

TEST(WebForm, DecodesFieldsAndKeepsTheFirstOfTwins) {
    const auto form = parse_form("a=1&b=%41+c&&a=2&empty=&flag");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->at("a"), "1");
    EXPECT_EQ(form->at("b"), "A c");
    EXPECT_EQ(form->at("empty"), "");
    EXPECT_EQ(form->at("flag"), "");
    EXPECT_EQ(form->size(), 4U);
}

TEST(WebForm, RefusesBadEscapesAndTooManyFields) {
    EXPECT_FALSE(parse_form("a=%4"));
    EXPECT_FALSE(parse_form("a=%zz"));
    EXPECT_FALSE(parse_form("%=1"));
    std::string many;
    for (int i = 0; i < 33; ++i)
        many += "f" + std::to_string(i) + "=1&";
    EXPECT_FALSE(parse_form(many));
    EXPECT_TRUE(parse_form(""));
}

TEST(WebForm, CookiesTargetsAndEncoding) {
    EXPECT_EQ(cookie_value("x=1; wizfi250d_session=abc; y=2", "wizfi250d_session"), "abc");
    EXPECT_EQ(cookie_value("wizfi250d_session_old=abc", "wizfi250d_session"), "");
    EXPECT_EQ(cookie_value("", "x"), "");
    EXPECT_EQ(target_path("/wifi?scan=1"), "/wifi");
    EXPECT_EQ(target_query("/wifi?scan=1"), "scan=1");
    EXPECT_EQ(target_query("/wifi"), "");
    EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(WebLogin, SecretsCompareWhateverTheirLength) {
    EXPECT_TRUE(same_secret("admin", "admin"));
    EXPECT_FALSE(same_secret("admin", "admiN"));
    EXPECT_FALSE(same_secret("admin", "admin2"));
    EXPECT_FALSE(same_secret("", "x"));
    EXPECT_TRUE(same_secret("", ""));
}

TEST(WebLogin, TokensAre128RandomBits) {
    std::set<std::string> seen;
    for (int i = 0; i < 16; ++i) {
        const std::string token = random_token();
        EXPECT_EQ(token.size(), 32U);
        EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 16U);
}

TEST(WebLogin, FailureDelayDoublesUpTo16Seconds) {
    using std::chrono::milliseconds;
    EXPECT_EQ(LoginGuard::failure_delay(0), milliseconds(0));
    EXPECT_EQ(LoginGuard::failure_delay(1), milliseconds(1000));
    EXPECT_EQ(LoginGuard::failure_delay(2), milliseconds(2000));
    EXPECT_EQ(LoginGuard::failure_delay(5), milliseconds(16000));
    EXPECT_EQ(LoginGuard::failure_delay(40), milliseconds(16000));
}

TEST(WebLogin, SessionsEndWhenTheCredentialsChange) {
    boost::asio::io_context io;
    LoginGuard guard(io);
    const std::string id = guard.open("admin", "admin").id;
    EXPECT_NE(guard.find(id, "admin", "admin"), nullptr);
    EXPECT_EQ(guard.find(id, "admin", "other"), nullptr);
    EXPECT_EQ(guard.find("0123", "admin", "admin"), nullptr);
    EXPECT_EQ(guard.find("", "admin", "admin"), nullptr);
    EXPECT_NE(guard.by_id(id), nullptr);
    guard.close(id);
    EXPECT_EQ(guard.find(id, "admin", "admin"), nullptr);
}

TEST(WebLogin, TheSessionTableIsBounded) {
    boost::asio::io_context io;
    LoginGuard guard(io);
    const std::string first = guard.open("u", "p").id;
    for (int i = 0; i < 4; ++i)
        guard.open("u", "p");
    EXPECT_EQ(guard.by_id(first), nullptr);  // the oldest went
}

TEST(WebLogin, AGoodAttemptPassesAtOnce) {
    boost::asio::io_context io;
    LoginGuard guard(io);
    std::optional<bool> result;
    guard.attempt(
        "admin", "admin", [] { return std::make_pair(std::string("admin"), std::string("admin")); },
        [&result](bool ok) { result = ok; });
    io.run();
    ASSERT_TRUE(result);
    EXPECT_TRUE(*result);
}

// ---- the command lines of the forms ------------------------------------------------------------

web::ActionResult build(std::string_view path, const FormData& form, bool link_up = true) {
    const web::Action* action = web::find_action(path);
    EXPECT_NE(action, nullptr) << path;
    if (action == nullptr) return {};
    return action->build(form, Profile{}, link_up);
}

TEST(WebActions, JoinRunsWsetWsecThenLeavesAndJoins) {
    auto result = build("/wifi/join", {{"ssid", "Net"}, {"security", "WPA2"}, {"key", "a,b c"}});
    ASSERT_TRUE(result.plan) << result.problem;
    // The WSEC key is the rest of the line (Q20): commas are fine there.
    EXPECT_EQ(result.plan->commands, "AT+WSET=0,Net\rAT+WSEC=0,WPA2,a,b c\r");
    EXPECT_EQ(result.plan->then, "AT+WLEAVE\rAT+WJOIN\r");
    result = build("/wifi/join", {{"ssid", "Net"}, {"security", ""}, {"key", ""}}, false);
    ASSERT_TRUE(result.plan);
    // An empty key keeps the stored one (factory 12345678); no link: no AT+WLEAVE.
    EXPECT_EQ(result.plan->commands, "AT+WSET=0,Net\rAT+WSEC=0,,12345678\r");
    EXPECT_EQ(result.plan->then, "AT+WJOIN\r");
}

TEST(WebActions, ValuesThatWouldBreakTheCommandLineAreRefused) {
    EXPECT_FALSE(build("/wifi/join", {{"ssid", "a,b"}, {"security", "WPA2"}}).plan);
    EXPECT_FALSE(build("/wifi/join", {{"ssid", "\"q"}, {"security", "WPA2"}}).plan);
    EXPECT_FALSE(build("/wifi/join", {{"ssid", ""}, {"security", "WPA2"}}).plan);
    EXPECT_FALSE(build("/wifi/join", {{"ssid", std::string(33, 'x')}, {"security", "WPA2"}}).plan);
    EXPECT_FALSE(
        build("/wifi/join", {{"ssid", "a"}, {"security", "WPA2"}, {"key", "k\rAT+MFDEF=FR"}}).plan);
    EXPECT_FALSE(build("/wifi/join", {{"ssid", "a"}, {"security", "WPA3"}}).plan);
    EXPECT_FALSE(build("/wifi/ap", {{"ssid", "a"}, {"channel", "6"}, {"security", "WEP"}}).plan);
    EXPECT_FALSE(build("/network", {{"dhcp", "0"}, {"ip", "1.2.3.4\r"}}).plan);
    EXPECT_FALSE(build("/network", {{"dhcp", "2"}}).plan);
    EXPECT_FALSE(build("/system/web", {{"type", "F"}}).plan);  // no FUNCTION button from a page
}

TEST(WebActions, NetworkSerialServiceAirAndSystem) {
    auto r = build("/network", {{"dhcp", "0"},
                                {"ip", "10.0.0.2"},
                                {"netmask", "255.0.0.0"},
                                {"gateway", "10.0.0.1"},
                                {"dns1", "10.0.0.53"},
                                {"dns2", ""}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+WNET=0,10.0.0.2,255.0.0.0,10.0.0.1\rAT+WADNS=10.0.0.53,\r");
    r = build("/network", {{"dhcp", "1"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+WNET=1\r");
    r = build("/serial", {{"baud", "9600"},
                          {"parity", "E"},
                          {"bits", "7"},
                          {"stop", "2"},
                          {"flow", "HW"},
                          {"apply", "later"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+USET=9600,E,7,2,HW,W\r");
    EXPECT_FALSE(r.plan->after_response);
    r = build("/serial", {{"baud", "9600"},
                          {"parity", "N"},
                          {"bits", "8"},
                          {"stop", "1"},
                          {"flow", "N"},
                          {"apply", "now"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+USET=9600,N,8,1,N\r");
    EXPECT_TRUE(r.plan->after_response);  // AT+USET reboots: the page goes out first
    r = build("/service", {{"open_type", "SO"},
                           {"socket_type", "TCN"},
                           {"remote_ip", "10.0.0.9"},
                           {"remote_port", "80"},
                           {"local_port", ""},
                           {"data_mode", "1"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+SCON=SO,TCN,10.0.0.9,80,,1\r");
    EXPECT_FALSE(build("/service", {{"open_type", "O"}, {"socket_type", "TCN"}}).plan);
    r = build("/air", {{"open_type", "S"}, {"protocol", "U"}, {"port", "50001"}, {"option", "0"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+MAIRCMD=S,U,50001,0\r");
    r = build("/system/login", {{"user", "root"},
                                {"current_password", "admin"},
                                {"new_password", "pw"},
                                {"confirm_password", "pw"}});
    ASSERT_TRUE(r.plan);
    EXPECT_EQ(r.plan->commands, "AT+MCWUI=admin,admin,root,pw\r");
    EXPECT_FALSE(build("/system/login", {{"user", "root"},
                                         {"current_password", "admin"},
                                         {"new_password", "pw"},
                                         {"confirm_password", "pX"}})
                     .plan);
    EXPECT_EQ(build("/system/save", {}).plan->commands, "AT+MPROF=S\r");
    EXPECT_TRUE(build("/system/reboot", {}).plan->after_response);
    EXPECT_FALSE(build("/system/reset", {}).plan);  // the box is not ticked
    EXPECT_EQ(build("/system/reset", {{"confirm", "yes"}}).plan->commands, "AT+MFDEF=FR\r");
    EXPECT_EQ(web::find_action("/nothing"), nullptr);
}

}  // namespace
}  // namespace wizfi250d
