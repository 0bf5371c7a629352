// SPDX-License-Identifier: Apache-2.0
// Spec §2.6: the MQTT client of firmware 1.0.5.2 (AT+MQTTSET, AT+MQTTCON, AT+MQTTSUB,
// AT+MQTTPUB) against a real mosquitto on 127.0.0.1, started and stopped by PID by each test.
// docs/mqtt.md has the decisions where the spec is silent; each one is tested here.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "mqtt_peer.hpp"
#include "peers.hpp"
#include "tls_peer.hpp"

namespace wizfi250d::conformance {
namespace {

constexpr std::string_view kMqttConnect = "[MQTT CONNECT]\r\n";
constexpr std::string_view kMqttDisconnect = "[MQTT DISCONNECT]\r\n";
// A session that ends by itself (broker gone, keep-alive, link lost): an asynchronous event.
constexpr std::string_view kMqttDisconnectEvent = "\r\n[MQTT DISCONNECT]\r\n";

std::string mqttcon(std::uint16_t port, unsigned ssl = 0) {
    return "AT+MQTTCON=1,127.0.0.1," + std::to_string(port) + "," + std::to_string(ssl);
}

// "{Q,<topic>,,<len>}<payload>\r\n"
std::string q_frame(std::string_view topic, std::string_view payload) {
    return "{Q," + std::string(topic) + ",," + std::to_string(payload.size()) + "}" +
           std::string(payload) + "\r\n";
}

// H> AT+MQTTPUB=<topic>,<n>\r   M< AT+MQTTPUB=<topic>,<n>\r\n[<n>]\r\n
// H> <payload>                  M< [OK]\r\n
::testing::AssertionResult mqttpub(Daemon& d, std::string_view topic, std::string_view payload) {
    const std::string command =
        "AT+MQTTPUB=" + std::string(topic) + "," + std::to_string(payload.size());
    if (auto r = d.send(command + "\r"); !r) return r;
    if (auto r = d.expect(command + "\r\n[" + std::to_string(payload.size()) + "]\r\n"); !r)
        return r;
    if (auto r = d.send(payload); !r) return r;
    return d.expect(kOk, kBulkTimeout);
}

// Reads exactly expected.size() bytes from the serial line and compares them; a mismatch shows
// only the first difference (these transfers are megabytes).
::testing::AssertionResult expect_bulk(Daemon& d, const std::string& expected) {
    SerialLine line;
    if (auto r = line.open(d.link()); !r) return r;
    std::string got;
    const auto r = line.read_exactly(expected.size(), got, kBulkTimeout);
    const auto at = std::mismatch(got.begin(), got.end(), expected.begin()).first - got.begin();
    if (r && got == expected) return ::testing::AssertionSuccess();
    const auto from = at > 40 ? at - 40 : 0;
    return ::testing::AssertionFailure()
           << "received " << got.size() << " of " << expected.size()
           << " bytes; first difference at offset " << at
           << ":\n  expected: " << escape_bytes(std::string_view(expected).substr(from, 120))
           << "\n  received: " << escape_bytes(std::string_view(got).substr(from, 120))
           << (r ? "" : "\n" + std::string(r.message()));
}

class Mqtt : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        if (!MosquittoBroker::available(why)) GTEST_SKIP() << why;
    }

    // Broker up, daemon up and joined on loopback.
    ::testing::AssertionResult start(const BrokerOptions& broker_options = {},
                                     DaemonOptions options = loopback_options()) {
        if (auto r = broker.start(broker_options); !r) return r;
        daemon = std::make_unique<Daemon>(std::move(options));
        return start_and_join(*daemon);
    }

    ::testing::AssertionResult connect() {
        return daemon->transact(mqttcon(broker.port()),
                                std::string(kMqttConnect) + std::string(kOk));
    }

    MosquittoBroker broker;
    std::unique_ptr<Daemon> daemon;
};

// ---- AT+MQTTSET
// ----------------------------------------------------------------------------------

TEST_F(Mqtt, MqttsetStoresLoginAndKeepsEmptyFields) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // Factory: empty strings, keep-alive 60.
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", ",,,60\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MQTTSET=user,secret,client1,120", kOk));
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", "user,secret,client1,120\r\n[OK]\r\n"));
    // Empty fields keep the old value.
    ASSERT_TRUE(d.transact("AT+MQTTSET=,,client2", kOk));
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", "user,secret,client2,120\r\n[OK]\r\n"));
    // Limits: strings up to 50 characters, keep-alive 30-300.
    ASSERT_TRUE(d.transact("AT+MQTTSET=" + std::string(50, 'u'), kOk));
    ASSERT_TRUE(d.transact("AT+MQTTSET=" + std::string(51, 'u'), kInvalidInput));
    ASSERT_TRUE(d.transact("AT+MQTTSET=,," + std::string(51, 'c'), kInvalidInput));
    for (const char* bad : {"AT+MQTTSET=a,b,c,29", "AT+MQTTSET=a,b,c,301", "AT+MQTTSET=a,b,c,x"})
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    ASSERT_TRUE(d.transact("AT+MQTTSET=a,b,c,30", kOk));
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", "a,b,c,30\r\n[OK]\r\n"));
}

TEST_F(Mqtt, MqttsetIsSavedByMprofAndResetByMfdef) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MQTTSET=user,secret,client1,90", kOk));
    // RAM only until AT+MPROF=S: a reset brings back the saved values.
    ASSERT_TRUE(d.transact("AT+MRESET", kOk));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", ",,,60\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MQTTSET=user,secret,client1,90", kOk));
    ASSERT_TRUE(d.transact("AT+MPROF=S", kOk));
    ASSERT_TRUE(d.transact("AT+MRESET", kOk));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", "user,secret,client1,90\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MFDEF=FR", kOk));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", ",,,60\r\n[OK]\r\n"));
}

// ---- without a link
// ------------------------------------------------------------------------------

TEST_F(Mqtt, CommandsWithoutALink) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MQTTCON=1,127.0.0.1,1883,0", kWifiStatus));
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", kWifiStatus));
    ASSERT_TRUE(d.transact("AT+MQTTCON=x", kWifiStatus));  // the link is checked first
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,topic", kWifiStatus));
    // MQTTPUB looks at the broker connection first.
    ASSERT_TRUE(d.transact("AT+MQTTPUB=topic,5", kError));
}

// ---- AT+MQTTCON
// ----------------------------------------------------------------------------------

TEST_F(Mqtt, ConnectQueryAndDisconnect) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(d.transact("AT+MQTTSET=,,wizfi-test,60", kOk));
    // H> AT+MQTTCON=1,127.0.0.1,<port>,0   M< [MQTT CONNECT]\r\n[OK]\r\n
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Connected(127.0.0.1)\r\n[OK]\r\n"));
    // While connected: MQTTSET and a second connect are refused.
    ASSERT_TRUE(d.transact("AT+MQTTSET=a,b,c,60", kError));
    ASSERT_TRUE(d.transact(mqttcon(broker.port()), kError));
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", std::string(kMqttDisconnect) + std::string(kOk)));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    // Nothing to disconnect.
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", kError));
    // Again, after a disconnect.
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", std::string(kMqttDisconnect) + std::string(kOk)));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Mqtt, ConnectErrors) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    const std::string port = broker.port_text();
    const std::vector<std::string> bad_commands{
        "AT+MQTTCON=", "AT+MQTTCON=2", "AT+MQTTCON=x", "AT+MQTTCON=1", "AT+MQTTCON=1,127.0.0.1",
        "AT+MQTTCON=1,127.0.0.1," + port, "AT+MQTTCON=1,127.0.0.1,0,0",
        "AT+MQTTCON=1,127.0.0.1,65536,0", "AT+MQTTCON=1,localhost," + port + ",0",
        "AT+MQTTCON=1,127.0.0.256," + port + ",0", "AT+MQTTCON=1,127.0.0.1," + port + ",x",
        // SSL=1: "MQTTS NOT Support" (the daemon's mqtt_tls option is off by default).
        "AT+MQTTCON=1,127.0.0.1," + port + ",1", "AT+MQTTCON=1,127.0.0.1," + port + ",2"};
    for (const std::string& bad : bad_commands)
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    // A port where nothing listens: the connect fails, [ERROR] and no event.
    const std::uint16_t closed = free_tcp_port();
    ASSERT_TRUE(d.transact(mqttcon(closed), kError));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Mqtt, NoConnackWithinFiveSecondsIsAnError) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    // A listener that takes the connection and never answers the CONNECT.
    RawTcpListener silent;
    ASSERT_TRUE(silent.listen());
    ASSERT_TRUE(d.transact(mqttcon(silent.port()), kError, Millis{15000}));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Mqtt, NoSubackInTimeEndsTheSession) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(connect());
    // The broker stops answering: after 5 s the firmware gives up and frees the session.
    broker.freeze();
    const auto answered =
        d.transact("AT+MQTTSUB=1,topic", std::string(kMqttDisconnectEvent) + std::string(kError),
                   Millis{15000});
    broker.thaw();
    ASSERT_TRUE(answered);
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

TEST_F(Mqtt, ConnectRefusedBesideATlsSocket) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    // A TCS socket to a listener that never answers the handshake holds CID 0 as a TLS socket.
    RawTcpListener silent;
    ASSERT_TRUE(silent.listen());
    ASSERT_TRUE(d.transact("AT+SCON=O,TCS,127.0.0.1," + port_text(silent.port()) + ",,0", kOk));
    ASSERT_TRUE(d.transact(mqttcon(broker.port()), kError));
}

TEST_F(Mqtt, MessageLevelOneHidesOkButNotTheMqttLines) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(d.transact("AT+MMSG=1", ""));
    // [MQTT CONNECT] / [MQTT DISCONNECT] are RSP class (spec §1.7): printed at level 1.
    ASSERT_TRUE(d.transact(mqttcon(broker.port()), kMqttConnect));
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", kMqttDisconnect));
}

// ---- AT+MQTTSUB / AT+MQTTPUB
// ---------------------------------------------------------------------

TEST_F(Mqtt, SubscribeErrors) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    // Not connected: parameters first, then [ERROR].
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,topic", kError));
    ASSERT_TRUE(d.transact("AT+MQTTSUB=0,topic", kError));
    for (const char* bad : {"AT+MQTTSUB=", "AT+MQTTSUB=1", "AT+MQTTSUB=x,topic",
                            "AT+MQTTSUB=2,topic", "AT+MQTTSUB=1,topic,3", "AT+MQTTSUB=1,topic,x"})
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    ASSERT_TRUE(connect());
    for (const char* bad : {"AT+MQTTSUB=2,topic", "AT+MQTTSUB=1,topic,3"})
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    // A topic filter the broker cannot take: [ERROR].
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,a/#/b", kError));
}

TEST_F(Mqtt, PublishErrors) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(d.transact("AT+MQTTPUB=topic,5", kError));  // not connected
    ASSERT_TRUE(connect());
    for (const std::string& bad :
         {std::string("AT+MQTTPUB="), std::string("AT+MQTTPUB=topic"),
          std::string("AT+MQTTPUB=topic,0"), std::string("AT+MQTTPUB=topic,1501"),
          std::string("AT+MQTTPUB=topic,x"), std::string("AT+MQTTPUB=,5"),
          "AT+MQTTPUB=" + std::string(129, 't') + ",5"})
        ASSERT_TRUE(d.transact(bad, kInvalidInput)) << bad;
    // 128 characters and 1500 bytes are the limits.
    ASSERT_TRUE(mqttpub(d, std::string(128, 't'), "x"));
    ASSERT_TRUE(mqttpub(d, "big", pattern_payload(1500)));
    // A payload that stops coming: [ERROR] 3 s after the prompt, and what comes later is a
    // command again.
    ASSERT_TRUE(d.send("AT+MQTTPUB=topic,10\r"));
    ASSERT_TRUE(d.expect("AT+MQTTPUB=topic,10\r\n[10]\r\n"));
    ASSERT_TRUE(d.send("abc"));
    ASSERT_TRUE(d.expect(kError, Millis{10000}));
    ASSERT_TRUE(d.transact("AT", kOk));
}

TEST_F(Mqtt, SubscribeReceivePublishAndUnsubscribe) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.subscribe("from/module", 2));
    ASSERT_TRUE(connect());

    // One subscription per QoS; each delivery is one {Q,...} frame.
    for (int qos = 0; qos <= 2; ++qos) {
        const std::string topic = "to/module/" + std::to_string(qos);
        ASSERT_TRUE(d.transact("AT+MQTTSUB=1," + topic + "," + std::to_string(qos), kOk));
        const std::string payload = "qos " + std::to_string(qos) + " {,}\r\n\x01";
        ASSERT_TRUE(peer.publish(topic, payload, qos));
        ASSERT_TRUE(d.expect(q_frame(topic, payload)));
    }
    // QoS absent: 0.
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,plain", kOk));
    ASSERT_TRUE(peer.publish("plain", "p"));
    ASSERT_TRUE(d.expect(q_frame("plain", "p")));

    // Publish: the [<len>] prompt, the raw payload (no echo), [OK].
    const std::string binary("bin\0\r\n+++ary", 12);
    ASSERT_TRUE(mqttpub(d, "from/module", binary));
    std::vector<ReceivedMessage> got;
    ASSERT_TRUE(peer.wait_for(1, got));
    EXPECT_EQ(got[0].topic, "from/module");
    EXPECT_EQ(got[0].payload, binary);
    EXPECT_EQ(got[0].qos, 0);  // the firmware publishes at QoS 0

    // Unsubscribed: nothing more arrives.
    ASSERT_TRUE(d.transact("AT+MQTTSUB=0,plain", kOk));
    ASSERT_TRUE(peer.publish("plain", "gone", 1));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Mqtt, PublishQosOptionWaitsForTheBroker) {
    TestTempDir work;
    ASSERT_TRUE(work.make("mqtt-qos"));
    const auto config = work.path() / "wizfi250d.conf";
    ASSERT_TRUE(write_whole_file(config, "mqtt_publish_qos = 2\n"));
    DaemonOptions options = loopback_options();
    options.extra_args.push_back("--config");
    options.extra_args.push_back(config.string());
    ASSERT_TRUE(start({}, options));
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.subscribe("exactly/once", 2));
    ASSERT_TRUE(connect());
    // [OK] after the PUBCOMP; the subscriber gets it at QoS 2.
    ASSERT_TRUE(mqttpub(*daemon, "exactly/once", "one"));
    std::vector<ReceivedMessage> got;
    ASSERT_TRUE(peer.wait_for(1, got));
    EXPECT_EQ(got[0].payload, "one");
    EXPECT_EQ(got[0].qos, 2);
}

TEST_F(Mqtt, RetainedMessageArrivesAtSubscribe) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.publish("sensor/last", "23.5", 1, true));
    ASSERT_TRUE(connect());
    // The retained message comes with (or right after) the SUBACK: after [OK] or before it.
    ASSERT_TRUE(d.send("AT+MQTTSUB=1,sensor/last,1\r"));
    std::string out;
    ASSERT_TRUE(d.read_until(std::string(kOk), out));
    const std::string echo = "AT+MQTTSUB=1,sensor/last,1\r\n";
    const std::string frame = q_frame("sensor/last", "23.5");
    if (out == echo + frame + std::string(kOk)) return;
    ASSERT_EQ(out, echo + std::string(kOk));
    ASSERT_TRUE(d.expect(frame));
}

TEST_F(Mqtt, ThousandMessagesEachWay) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.subscribe("up", 1));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,down,1", kOk));
    constexpr std::size_t count = 1000;
    const auto payload = [](std::string_view way, std::size_t i) {
        return std::string(way) + "-" + std::to_string(i) + "-" + pattern_payload(20 + i % 200);
    };

    // Module -> broker: 1000 AT+MQTTPUB.
    for (std::size_t i = 0; i < count; ++i)
        ASSERT_TRUE(mqttpub(d, "up", payload("up", i))) << "message " << i;
    std::vector<ReceivedMessage> got;
    ASSERT_TRUE(peer.wait_for(count, got, kBulkTimeout));
    ASSERT_EQ(got.size(), count);
    for (std::size_t i = 0; i < count; ++i)
        ASSERT_EQ(got[i].payload, payload("up", i)) << i;

    // Broker -> module: 1000 QoS 1 publishes, in order, each one frame.
    std::thread sender([&] {
        for (std::size_t i = 0; i < count; ++i)
            if (!peer.publish("down", payload("down", i), 1)) return;
    });
    std::string expected;
    for (std::size_t i = 0; i < count; ++i)
        expected += q_frame("down", payload("down", i));
    const auto received = expect_bulk(d, expected);
    sender.join();
    ASSERT_TRUE(received);
}

TEST_F(Mqtt, HostThatStopsReadingHoldsPublishesAtTheBroker) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,flood,1", kOk));
    // 4 MB of QoS 1 messages while the host reads nothing: the daemon stops reading the broker
    // once its serial queue is full, so its memory stays flat and the broker keeps the rest.
    constexpr std::size_t count = 2000;
    const auto payload = [](std::size_t i) {
        return std::to_string(i) + ":" + pattern_payload(2000);
    };
    auto rss_kb = [&] {
        std::ifstream status("/proc/" + std::to_string(d.pid()) + "/status");
        std::string line;
        while (std::getline(status, line))
            if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
        return 0L;
    };
    const long before = rss_kb();
    std::atomic<bool> sent{false};
    std::thread sender([&] {
        for (std::size_t i = 0; i < count; ++i)
            if (!peer.publish("flood", payload(i), 1)) return;
        sent = true;
    });
    // Let the broker push while nobody reads the serial line.
    std::this_thread::sleep_for(Millis{3000});
    const long held = rss_kb();
    // Now read everything: nothing a QoS 1 subscriber was promised is lost, in order.
    std::string expected;
    for (std::size_t i = 0; i < count; ++i)
        expected += q_frame("flood", payload(i));
    const auto received = expect_bulk(d, expected);
    sender.join();
    ASSERT_TRUE(received);
    EXPECT_TRUE(sent.load());
    // Far less than the 4 MB that were waiting (the serial queue holds 64 KiB).
    EXPECT_LT(held - before, 2048) << "RSS grew from " << before << " kB to " << held << " kB";
}

// ---- the session ends
// ----------------------------------------------------------------------------

TEST_F(Mqtt, BrokerRestartEndsTheSession) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(connect());
    ASSERT_TRUE(broker.restart());
    ASSERT_TRUE(d.expect(kMqttDisconnectEvent));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MQTTPUB=topic,5", kError));
    // The host connects again to the new broker.
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,again", kOk));
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.publish("again", "back", 1));
    ASSERT_TRUE(d.expect(q_frame("again", "back")));
}

TEST_F(Mqtt, WleaveEndsTheSessionFirst) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(connect());
    // As the firmware's WLEAVE: MQTT stopped first, then the link.
    ASSERT_TRUE(d.transact("AT+WLEAVE", std::string(kMqttDisconnect) + "\r\n[Link-Down Event]\r\n" +
                                            std::string(kOk)));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

TEST_F(Mqtt, RebootEndsTheSessionWithoutALine) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,after/reset", kOk));
    ASSERT_TRUE(d.transact("AT+MRESET", std::string(kOk) + "\r\n[Link-Down Event]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(join(d));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
    // The old subscription went with the session.
    ASSERT_TRUE(peer.publish("after/reset", "x", 1));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Mqtt, KeepAliveTimeoutEndsTheSession) {
    ASSERT_TRUE(start());
    Daemon& d = *daemon;
    ASSERT_TRUE(d.transact("AT+MQTTSET=,,,30", kOk));
    ASSERT_TRUE(connect());
    // A broker that stops answering: PINGREQ after 30 s, no PINGRESP, the session ends.
    broker.freeze();
    const auto ended = d.expect(kMqttDisconnectEvent, Millis{90000});
    broker.thaw();
    ASSERT_TRUE(ended);
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

// ---- logins
// --------------------------------------------------------------------------------------

TEST_F(Mqtt, PasswordFileRightAndWrongLogin) {
    BrokerOptions options;
    options.users = {{"sensor", "s3cret-pass"}};
    ASSERT_TRUE(start(options));
    Daemon& d = *daemon;
    // The right login.
    ASSERT_TRUE(d.transact("AT+MQTTSET=sensor,s3cret-pass,wizfi,60", kOk));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,secured,1", kOk));
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port(), "sensor", "s3cret-pass"));
    ASSERT_TRUE(peer.publish("secured", "in", 1));
    ASSERT_TRUE(d.expect(q_frame("secured", "in")));
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", std::string(kMqttDisconnect) + std::string(kOk)));

    // A wrong login: as on the firmware, which never looks at the CONNACK's return code,
    // [MQTT CONNECT] and [OK]; the broker then closes, and the session ends with the event.
    ASSERT_TRUE(d.transact("AT+MQTTSET=sensor,wrong-pass", kOk));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.expect(kMqttDisconnectEvent));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

TEST_F(Mqtt, PasswordNeverInTheLog) {
    DaemonOptions options = loopback_options();
    options.log_level = "trace";
    BrokerOptions broker_options;
    broker_options.users = {{"sensor", "Pw-Never-Logged"}};
    ASSERT_TRUE(start(broker_options, options));
    Daemon& d = *daemon;
    ASSERT_TRUE(d.transact("AT+MQTTSET=sensor,Pw-Never-Logged,wizfi,60", kOk));
    ASSERT_TRUE(d.transact("AT+MQTTSET=?", "sensor,Pw-Never-Logged,wizfi,60\r\n[OK]\r\n"));
    ASSERT_TRUE(connect());
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", std::string(kMqttDisconnect) + std::string(kOk)));
    const std::string log = d.log_text();
    EXPECT_NE(log.find("serial rx line"), std::string::npos) << "no trace in the log";
    EXPECT_EQ(log.find("Pw-Never-Logged"), std::string::npos);
    // Nor in the hex trace (the bytes of "Pw-N").
    EXPECT_EQ(log.find("50 77 2d 4e"), std::string::npos);
}

// ---- the daemon's TLS option
// ---------------------------------------------------------------------

class MqttTls : public Mqtt {
protected:
    // without_ip: the broker's certificate names tls.test only, not 127.0.0.1.
    ::testing::AssertionResult start_tls(bool option_on, std::string more_config = {},
                                         bool without_ip = false) {
        if (auto r = work.make("mqtt-tls"); !r) return r;
        if (auto r = pki.make(work.path()); !r) return r;
        const auto config = work.path() / "wizfi250d.conf";
        if (auto r = write_whole_file(config, (option_on ? "mqtt_tls = on\n" : "") + more_config);
            !r)
            return r;
        BrokerOptions broker_options;
        broker_options.tls_cert = without_ip ? pki.server_noip_cert : pki.server_cert;
        broker_options.tls_key = without_ip ? pki.server_noip_key : pki.server_key;
        DaemonOptions options = loopback_options();
        options.extra_args.push_back("--config");
        options.extra_args.push_back(config.string());
        return start(broker_options, options);
    }

    // AT+MCERT=W,R,<len> with the test CA.
    ::testing::AssertionResult store_root_ca() {
        std::string pem;
        if (auto r = read_whole_file(pki.ca_cert, pem); !r) return r;
        const std::string command = "AT+MCERT=W,R," + std::to_string(pem.size());
        if (auto r = daemon->send(command + "\r"); !r) return r;
        if (auto r = daemon->expect(command + "\r\n"); !r) return r;
        if (auto r = daemon->send(pem); !r) return r;
        return daemon->expect(kOk);
    }

    TestTempDir work;
    TestPki pki;
};

TEST_F(MqttTls, OptionOffRefusesSsl) {
    ASSERT_TRUE(start_tls(false));
    ASSERT_TRUE(daemon->transact(mqttcon(broker.tls_port(), 1), kInvalidInput));
}

TEST_F(MqttTls, ConnectsOverTlsCheckedAgainstTheStoredRootCa) {
    ASSERT_TRUE(start_tls(true));
    Daemon& d = *daemon;
    ASSERT_TRUE(store_root_ca());
    ASSERT_TRUE(d.transact(mqttcon(broker.tls_port(), 1),
                           std::string(kMqttConnect) + std::string(kOk), kTlsConnectTimeout));
    ASSERT_TRUE(d.transact("AT+MQTTSUB=1,tls/in,1", kOk));
    MqttTestClient peer;
    ASSERT_TRUE(peer.connect(broker.port()));
    ASSERT_TRUE(peer.subscribe("tls/out", 1));
    ASSERT_TRUE(peer.publish("tls/in", "over tls", 1));
    ASSERT_TRUE(d.expect(q_frame("tls/in", "over tls")));
    ASSERT_TRUE(mqttpub(d, "tls/out", "back"));
    std::vector<ReceivedMessage> got;
    ASSERT_TRUE(peer.wait_for(1, got));
    EXPECT_EQ(got[0].payload, "back");
    ASSERT_TRUE(d.transact("AT+MQTTCON=0", std::string(kMqttDisconnect) + std::string(kOk)));
    // SSL=1 on the plain listener: the handshake fails, [ERROR].
    ASSERT_TRUE(d.transact(mqttcon(broker.port(), 1), kError, kTlsConnectTimeout));
    // SSL=0 on the plain listener still works.
    ASSERT_TRUE(connect());
}

TEST_F(MqttTls, RefusesABrokerTheRootCaDidNotSign) {
    ASSERT_TRUE(start_tls(true));
    Daemon& d = *daemon;
    // The self-signed certificate as the only trusted root: the broker's CA-signed one fails.
    std::string pem;
    ASSERT_TRUE(read_whole_file(pki.self_signed_cert, pem));
    const std::string command = "AT+MCERT=W,R," + std::to_string(pem.size());
    ASSERT_TRUE(d.send(command + "\r"));
    ASSERT_TRUE(d.expect(command + "\r\n"));
    ASSERT_TRUE(d.send(pem));
    ASSERT_TRUE(d.expect(kOk));
    ASSERT_TRUE(d.transact(mqttcon(broker.tls_port(), 1), kError, kTlsConnectTimeout));
    ASSERT_TRUE(d.transact("AT+MQTTCON=?", "Disconnected\r\n[OK]\r\n"));
}

TEST_F(MqttTls, ChecksThatTheCertificateNamesTheBrokerAddress) {
    ASSERT_TRUE(start_tls(true, {}, true));
    ASSERT_TRUE(store_root_ca());
    // Signed by the stored CA, but for tls.test only: refused (tls_check_host_name = yes).
    ASSERT_TRUE(daemon->transact(mqttcon(broker.tls_port(), 1), kError, kTlsConnectTimeout));
}

TEST_F(MqttTls, HostNameCheckCanBeTurnedOff) {
    ASSERT_TRUE(start_tls(true, "tls_check_host_name = no\n", true));
    ASSERT_TRUE(store_root_ca());
    ASSERT_TRUE(daemon->transact(mqttcon(broker.tls_port(), 1),
                                 std::string(kMqttConnect) + std::string(kOk), kTlsConnectTimeout));
}

}  // namespace
}  // namespace wizfi250d::conformance
