// SPDX-License-Identifier: Apache-2.0
// Spec §2.5 AT+FWEBS, AT+FWEBM, §2.4 AT+MCWUI: the web configuration server over HTTP, with real
// TCP connections to 127.0.0.1 (the link address after AT+WJOIN with --interface lo). Status
// codes, the login, the anti-forgery tokens, the forms (each change checked on the serial side
// with the AT query of the same setting), secrets never sent back, and the bounds: request size,
// header count, connections, idle time (a slow client).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "mqtt_peer.hpp"
#include "peers.hpp"
#include "web_daemon.hpp"

namespace wizfi250d::conformance {
namespace {

// A daemon with the web server on a free port, joined and started (AT+FWEBS=1).
class WebServerTest : public ::testing::Test {
protected:
    void start(std::string_view extra_config = {}) {
        web_ = std::make_unique<WebServerDaemon>(extra_config);
        ASSERT_NE(port(), 0);
        ASSERT_TRUE(start_and_join(d()));
        ASSERT_TRUE(d().transact("AT+FWEBS=1", "[OK]\r\n"));
    }
    Daemon& d() { return web_->daemon(); }
    std::uint16_t port() const { return web_->port(); }

    // Logs in and joins PageAP from the Wi-Fi page; the page answers with its progress page.
    ::testing::AssertionResult join_from_page(WebClient& client, const std::string& security,
                                              const std::string& key) {
        if (auto r = client.login("admin", "admin"); !r) return r;
        HttpResult result;
        if (auto r =
                client.submit("/wifi", "/wifi/join",
                              {{"ssid", "PageAP"}, {"security", security}, {"key", key}}, result);
            !r)
            return r;
        if (result.status != 200)
            return ::testing::AssertionFailure() << "POST /wifi/join answered " << result.status;
        return ::testing::AssertionSuccess();
    }

    // A raw request on a new connection; the response, or the connection's end.
    HttpResult raw(std::string_view request) {
        TcpConnection connection;
        EXPECT_TRUE(connection.connect(port()));
        EXPECT_TRUE(connection.send(request));
        HttpResult result;
        EXPECT_TRUE(read_response(connection, result));
        return result;
    }

private:
    std::unique_ptr<WebServerDaemon> web_;
};

// ---- login ------------------------------------------------------------------------------------

TEST_F(WebServerTest, EveryPageNeedsTheLogin) {
    start();
    WebClient client(port());
    for (const char* path : {"/", "/wifi", "/network", "/serial", "/service", "/air", "/system"}) {
        HttpResult result;
        ASSERT_TRUE(client.get(path, result));
        EXPECT_EQ(result.status, 303) << path;
        EXPECT_EQ(result.header("Location"), "/login") << path;
    }
    // A form posted without a session changes nothing.
    HttpResult result;
    ASSERT_TRUE(client.post("/network", "dhcp=0&ip=10.1.2.3", result));
    EXPECT_EQ(result.status, 403);
    ASSERT_TRUE(
        d().transact("AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
}

TEST_F(WebServerTest, FactoryLoginOpensTheStatusPage) {
    start();
    WebClient client(port());
    HttpResult login_page;
    ASSERT_TRUE(client.get("/login", login_page));
    EXPECT_EQ(login_page.status, 200);
    EXPECT_FALSE(login_page.form_token().empty());
    EXPECT_NE(login_page.header("Content-Security-Policy").find("default-src 'none'"),
              std::string::npos);
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult status;
    ASSERT_TRUE(client.get("/", status));
    ASSERT_EQ(status.status, 200);
    EXPECT_NE(status.body.find("127.0.0.1"), std::string::npos);
    EXPECT_NE(status.body.find("1.0.5.2/WizFi250 Rev 1.0"), std::string::npos);
    // The factory credentials are pointed out on every page.
    EXPECT_NE(status.body.find("factory login (admin/admin) is in use"), std::string::npos);
    EXPECT_NE(d().log_text().find("factory login admin/admin is in use"), std::string::npos);
}

TEST_F(WebServerTest, WrongPasswordIsRefusedAfterADelay) {
    start();
    WebClient client(port());
    HttpResult page;
    ASSERT_TRUE(client.get("/login", page));
    HttpResult result;
    ASSERT_TRUE(client.post(
        "/login", form_body({{"_token", page.form_token()}, {"user", "admin"}, {"password", "x"}}),
        result));
    EXPECT_EQ(result.status, 401);
    EXPECT_NE(result.body.find("Wrong user or password"), std::string::npos);
    EXPECT_TRUE(client.cookie_header().find("wizfi250d_session") == std::string::npos);
    EXPECT_NE(d().log_text().find("failed login (1 in a row)"), std::string::npos);
    // The right one still works afterwards (after its own wait).
    ASSERT_TRUE(client.login("admin", "admin"));
}

TEST_F(WebServerTest, LoginWithoutItsTokenIsRefused) {
    start();
    WebClient client(port());
    HttpResult page;
    ASSERT_TRUE(client.get("/login", page));
    HttpResult result;
    ASSERT_TRUE(client.post("/login", "user=admin&password=admin", result));
    EXPECT_EQ(result.status, 403);
    ASSERT_TRUE(client.post("/login",
                            form_body({{"_token", "0123456789abcdef0123456789abcdef"},
                                       {"user", "admin"},
                                       {"password", "admin"}}),
                            result));
    EXPECT_EQ(result.status, 403);
}

TEST_F(WebServerTest, McwuiGuardsThePagesAndAChangeEndsTheSessions) {
    start();
    ASSERT_TRUE(d().transact("AT+MCWUI=admin,admin,operator,S3cretPw", "[OK]\r\n"));
    WebClient client(port());
    HttpResult page;
    ASSERT_TRUE(client.get("/login", page));
    HttpResult result;
    ASSERT_TRUE(client.post(
        "/login",
        form_body({{"_token", page.form_token()}, {"user", "admin"}, {"password", "admin"}}),
        result));
    EXPECT_EQ(result.status, 401);
    ASSERT_TRUE(client.login("operator", "S3cretPw"));
    // Neither the MCWUI password nor the Wi-Fi key (factory 12345678) is ever sent back.
    for (const char* path : {"/", "/wifi", "/network", "/serial", "/service", "/air", "/system"}) {
        HttpResult shown;
        ASSERT_TRUE(client.get(path, shown));
        ASSERT_EQ(shown.status, 200) << path;
        EXPECT_EQ(shown.body.find("S3cretPw"), std::string::npos) << path;
        EXPECT_EQ(shown.body.find("12345678"), std::string::npos) << path;
        EXPECT_EQ(shown.body.find("factory login"), std::string::npos) << path;
    }
    // A change by AT logs the browser out.
    ASSERT_TRUE(d().transact("AT+MCWUI=operator,S3cretPw,operator,0ther", "[OK]\r\n"));
    HttpResult after;
    ASSERT_TRUE(client.get("/", after));
    EXPECT_EQ(after.status, 303);
    EXPECT_EQ(after.header("Location"), "/login");
}

// ---- forms ------------------------------------------------------------------------------------

TEST_F(WebServerTest, NetworkFormRunsWnetAndShowsOnTheSerialSide) {
    start();
    WebClient client(port());
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult result;
    ASSERT_TRUE(client.submit("/network", "/network",
                              {{"dhcp", "0"},
                               {"ip", "127.0.0.1"},
                               {"netmask", "255.0.0.0"},
                               {"gateway", "127.0.0.254"},
                               {"dns1", "127.0.0.53"},
                               {"dns2", ""}},
                              result));
    EXPECT_EQ(result.status, 303);
    EXPECT_EQ(result.header("Location"), "/network");
    // At once, through the same command: AT+WNET=? and AT+WADNS=? show the change.
    ASSERT_TRUE(d().transact("AT+WNET=?", "0,127.0.0.1,255.0.0.0,127.0.0.254\r\n[OK]\r\n"));
    ASSERT_TRUE(d().transact("AT+WADNS=?", "127.0.0.53,\r\n[OK]\r\n"));
    HttpResult page;
    ASSERT_TRUE(client.get("/network", page));
    EXPECT_NE(page.body.find("Network settings: done"), std::string::npos);
    // A change by AT shows on the next page load.
    ASSERT_TRUE(d().transact("AT+WNET=1", "[OK]\r\n"));
    ASSERT_TRUE(client.get("/network", page));
    EXPECT_NE(page.body.find("<option value=\"1\" selected>DHCP"), std::string::npos);
}

TEST_F(WebServerTest, BadValuesGetTheCommandsError) {
    start();
    WebClient client(port());
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult result;
    ASSERT_TRUE(client.submit("/network", "/network",
                              {{"dhcp", "0"},
                               {"ip", "300.1.1.1"},
                               {"netmask", ""},
                               {"gateway", ""},
                               {"dns1", ""},
                               {"dns2", ""}},
                              result));
    EXPECT_EQ(result.status, 303);
    HttpResult page;
    ASSERT_TRUE(client.get("/network", page));
    EXPECT_NE(page.body.find("Network settings: refused\n[ERROR: INVALID INPUT]"),
              std::string::npos);
    ASSERT_TRUE(
        d().transact("AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
    // A value that would break the command line is refused before anything runs.
    ASSERT_TRUE(client.submit("/service", "/service",
                              {{"open_type", "S"},
                               {"socket_type", "TSN"},
                               {"remote_ip", "1,2"},
                               {"remote_port", ""},
                               {"local_port", "5000"},
                               {"data_mode", "0"}},
                              result));
    ASSERT_TRUE(client.get("/service", page));
    EXPECT_NE(page.body.find("cannot hold commas"), std::string::npos);
    ASSERT_TRUE(d().transact("AT+SCON=?", "O,TSN,,0,5000,1\r\n[OK]\r\n"));
}

TEST_F(WebServerTest, ForgedFormPostIsRefused) {
    start();
    WebClient client(port());
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult result;
    // Logged in (the cookie goes along, as a cross-site form would send it) but no token.
    ASSERT_TRUE(client.post("/system/save", "", result));
    EXPECT_EQ(result.status, 403);
    ASSERT_TRUE(client.post("/network", "_token=00000000000000000000000000000000&dhcp=0", result));
    EXPECT_EQ(result.status, 403);
    // Another site's form, even with a token.
    HttpResult page;
    ASSERT_TRUE(client.get("/network", page));
    TcpConnection connection;
    ASSERT_TRUE(connection.connect(port()));
    const std::string body = "_token=" + page.form_token() + "&dhcp=0";
    ASSERT_TRUE(
        connection.send("POST /network HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                        "\r\nOrigin: http://evil.example\r\nCookie: " + client.cookie_header() +
                        "\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n" + body));
    ASSERT_TRUE(read_response(connection, result));
    EXPECT_EQ(result.status, 403);
    ASSERT_TRUE(
        d().transact("AT+WNET=?", "1,192.168.12.101,255.255.255.0,192.168.12.1\r\n[OK]\r\n"));
}

// ---- a join from the page: its events reach the UART ------------------------------------------

// The join lines and the Link-Up block of a join to PageAP on loopback (spec §2.2 WJOIN).
constexpr std::string_view kPageJoinEvents =
    "Joining : PageAP\r\n"
    "Successfully joined : PageAP\r\n"
    "\r\n[Link-Up Event]\r\n"
    "  IP Addr    : 127.0.0.1\r\n"
    "  Gateway    : 0.0.0.0\r\n";

// The web server answers again (it stops with AT+WLEAVE and comes back with the link).
::testing::AssertionResult serves_again(WebClient& client, HttpResult& page) {
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        TcpConnection probe;
        if (probe.connect(client.port())) return client.get("/", page);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ::testing::AssertionFailure() << "the web server did not come back";
}

// Spec §2.2 WLEAVE/WJOIN, §3.1: the module prints its asynchronous events on the UART whatever
// started them. A join from the page shows the host the socket's [DISCONNECT 0], the
// [Link-Down Event], the join lines and the Link-Up block, byte for byte as after its own
// AT+WLEAVE and AT+WJOIN, but no echo and no [OK] (the host sent no command); the page gets the
// commands' whole output.
TEST_F(WebServerTest, JoinFromThePageShowsItsEventsOnTheUart) {
    start();
    TcpServer peer;
    ASSERT_TRUE(peer.listen());
    TcpConnection accepted;
    ASSERT_TRUE(open_tcp_client(d(), peer, accepted));
    WebClient client(port());
    ASSERT_TRUE(join_from_page(client, "WPA2AES", "page-key-1"));
    ASSERT_TRUE(
        d().expect(disconnect_event(0) + "\r\n[Link-Down Event]\r\n" + std::string(kPageJoinEvents),
                   kBootTimeout));
    EXPECT_TRUE(d().expect_nothing());
    // The host's session goes on as before, and sees the page's settings at once.
    ASSERT_TRUE(d().transact("AT+WSET=?", "0,PageAP,00:00:00:00:00:00,0\r\n[OK]\r\n"));
    HttpResult page;
    ASSERT_TRUE(serves_again(client, page));
    EXPECT_NE(page.body.find("Join\n[DISCONNECT 0]\n\n[Link-Down Event]\n[OK]\nJoining : PageAP\n"
                             "Successfully joined : PageAP\n\n[Link-Up Event]\n"
                             "  IP Addr    : 127.0.0.1\n  Gateway    : 0.0.0.0\n[OK]"),
              std::string::npos)
        << page.body;
}

// Spec §2.2 WLEAVE stops MQTT first: the host learns that the page's join ended its MQTT
// session (§2.6) as after its own AT+WLEAVE.
TEST_F(WebServerTest, JoinFromThePageEndsTheMqttSessionOnTheUart) {
    std::string why;
    if (!MosquittoBroker::available(why)) GTEST_SKIP() << why;
    MosquittoBroker broker;
    ASSERT_TRUE(broker.start());
    start();
    ASSERT_TRUE(d().transact("AT+MQTTCON=1,127.0.0.1," + broker.port_text() + ",0",
                             "[MQTT CONNECT]\r\n[OK]\r\n"));
    WebClient client(port());
    ASSERT_TRUE(join_from_page(client, "OPEN", ""));
    ASSERT_TRUE(
        d().expect("[MQTT DISCONNECT]\r\n\r\n[Link-Down Event]\r\n" + std::string(kPageJoinEvents),
                   kBootTimeout));
    EXPECT_TRUE(d().expect_nothing());
    ASSERT_TRUE(d().transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

// The events take the host's AT+MEVTFORM (spec §3.4) and AT+MMSG (§1.7) settings, as after the
// host's own commands: short forms, and no join lines at digit 10 = 0.
TEST_F(WebServerTest, JoinFromThePageUsesTheHostsEventFormat) {
    start();
    ASSERT_TRUE(d().transact("AT+MEVTFORM=1122211110", "[OK]\r\n"));
    TcpServer peer;
    ASSERT_TRUE(peer.listen());
    TcpConnection accepted;
    ASSERT_TRUE(d().transact("AT+SCON=O,TCN,127.0.0.1," + port_text(peer.port()) + ",,0",
                             "[OK]\r\n" + connect_event(0)));
    ASSERT_TRUE(peer.accept(accepted));
    WebClient client(port());
    ASSERT_TRUE(join_from_page(client, "OPEN", ""));
    ASSERT_TRUE(d().expect("\r\n[2]\r\n\r\n[4]\r\n\r\n[3]\r\n", kBootTimeout));
    EXPECT_TRUE(d().expect_nothing());
    ASSERT_TRUE(d().transact("AT", "[OK]\r\n"));
}

TEST_F(WebServerTest, FwebmHidesMenuItemsAndTheirPages) {
    start();
    // Digit 2 is the Wi-Fi page, digit 5 the socket service page.
    ASSERT_TRUE(d().transact("AT+FWEBM=1011011", "[OK]\r\n"));
    WebClient client(port());
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult result;
    ASSERT_TRUE(client.get("/", result));
    EXPECT_EQ(result.body.find("href=\"/wifi\""), std::string::npos);
    EXPECT_EQ(result.body.find("href=\"/service\""), std::string::npos);
    EXPECT_NE(result.body.find("href=\"/network\""), std::string::npos);
    ASSERT_TRUE(client.get("/wifi", result));
    EXPECT_EQ(result.status, 404);
    ASSERT_TRUE(client.get("/service", result));
    EXPECT_EQ(result.status, 404);
    ASSERT_TRUE(client.post("/wifi/join", "_token=x", result));
    EXPECT_EQ(result.status, 403);  // the token is checked first
}

TEST_F(WebServerTest, OpenSocketsShowWithPeersAndByteCounts) {
    start();
    TcpServer peer;
    ASSERT_TRUE(peer.listen());
    ASSERT_TRUE(d().transact("AT+SCON=O,TCN,127.0.0.1," + port_text(peer.port()) + ",,0",
                             "[OK]\r\n" + connect_event(0)));
    TcpConnection accepted;
    ASSERT_TRUE(peer.accept(accepted));
    ASSERT_TRUE(accepted.send("Hello"));
    ASSERT_TRUE(d().expect(frame(0, peer.port(), "Hello")));
    WebClient client(port());
    ASSERT_TRUE(client.login("admin", "admin"));
    HttpResult result;
    ASSERT_TRUE(client.get("/", result));
    const std::string row =
        "<tr><td>0</td><td>TCN</td><td>127.0.0.1:" + std::to_string(peer.port()) + "</td>";
    EXPECT_NE(result.body.find(row), std::string::npos) << result.body;
    EXPECT_NE(result.body.find("<td>5</td><td>0</td></tr>"), std::string::npos);
}

TEST_F(WebServerTest, UnknownPathsAndMethods) {
    start();
    EXPECT_EQ(
        raw("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status,
        303);  // before the login everything leads to /login
    EXPECT_EQ(raw("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n").status, 405);
    EXPECT_EQ(raw("GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 200);
    EXPECT_EQ(raw("GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 303);
    EXPECT_EQ(raw("GET /?a=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 400);
}

TEST_F(WebServerTest, HostNamesAreRefusedAgainstDnsRebinding) {
    start();
    EXPECT_EQ(raw("GET /login HTTP/1.1\r\nHost: evil.example\r\n\r\n").status, 421);
    EXPECT_EQ(
        raw("GET /login HTTP/1.1\r\nHost: evil.example:" + std::to_string(port()) + "\r\n\r\n")
            .status,
        421);
    EXPECT_EQ(raw("GET /login HTTP/1.0\r\n\r\n").status, 421);
    EXPECT_EQ(
        raw("GET /login HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) + "\r\n\r\n").status,
        200);
}

// ---- bounds -----------------------------------------------------------------------------------

TEST_F(WebServerTest, MalformedRequestIsBadRequest) {
    start();
    EXPECT_EQ(raw("NONSENSE\r\n\r\n").status, 400);
    EXPECT_EQ(raw("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n").status, 400);
}

TEST_F(WebServerTest, OversizedHeaderIs431) {
    start();
    const std::string big(10000, 'a');
    EXPECT_EQ(raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + big + "\r\n\r\n").status, 431);
}

TEST_F(WebServerTest, TooManyHeaderFieldsIs431) {
    start();
    std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 0; i < 60; ++i)
        request += "X-" + std::to_string(i) + ": 1\r\n";
    EXPECT_EQ(raw(request + "\r\n").status, 431);
}

TEST_F(WebServerTest, OversizedBodyIs413) {
    start();
    EXPECT_EQ(
        raw("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n").status,
        413);
}

TEST_F(WebServerTest, SlowClientIsDisconnectedAfterTheIdleTime) {
    start("web_server_idle_timeout_s = 1\n");
    TcpConnection slow;
    ASSERT_TRUE(slow.connect(port()));
    // Half a request, then a byte now and then: the whole request has one deadline.
    ASSERT_TRUE(slow.send("GET / HTTP/1.1\r\nHo"));
    ASSERT_TRUE(slow.expect_closed(Millis{10000}));
    // The server still serves others.
    EXPECT_EQ(raw("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 200);
}

TEST_F(WebServerTest, ConnectionsBeyondTheLimitWait) {
    start("web_server_max_connections = 2\n");
    TcpConnection first;
    TcpConnection second;
    ASSERT_TRUE(first.connect(port()));
    ASSERT_TRUE(second.connect(port()));
    ASSERT_TRUE(first.send("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    HttpResult result;
    ASSERT_TRUE(read_response(first, result));  // both are being served
    ASSERT_TRUE(second.send("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_TRUE(read_response(second, result));
    // A third one waits in the kernel's queue: no answer while the two stay open.
    TcpConnection third;
    ASSERT_TRUE(third.connect(port()));
    ASSERT_TRUE(third.send("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    ASSERT_TRUE(third.expect_nothing(Millis{500}));
    first.close();
    ASSERT_TRUE(read_response(third, result, Millis{10000}));
    EXPECT_EQ(result.status, 200);
}

TEST_F(WebServerTest, ClientsOutsideTheAllowListAreRefused) {
    start("web_server_allow = 10.0.0.0/8\n");
    TcpConnection connection;
    ASSERT_TRUE(connection.connect(port()));
    ASSERT_TRUE(connection.send("GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_TRUE(connection.expect_closed());
    EXPECT_NE(d().log_text().find("refused by web_server_allow"), std::string::npos);
}

}  // namespace
}  // namespace wizfi250d::conformance
