// SPDX-License-Identifier: Apache-2.0
#pragma once

// MQTT peers for the conformance tests of spec §2.6:
//
//   * MosquittoBroker: a real mosquitto on 127.0.0.1:<free port>, with its own config file in a
//     test directory (optionally a password file and a TLS listener), started by fork/exec and
//     stopped by its PID.
//   * MqttTestClient: the other party on the broker, a libmosquitto client with its own network
//     thread (the test's, not the daemon's), that publishes and collects what it receives.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "tls_peer.hpp"

struct mosquitto;
struct mosquitto_message;

namespace wizfi250d::conformance {

struct BrokerOptions {
    // user -> password; when not empty, anonymous logins are refused.
    std::vector<std::pair<std::string, std::string>> users;
    // A TLS listener beside the plain one (tls_port()), with this certificate and key.
    std::filesystem::path tls_cert;
    std::filesystem::path tls_key;
};

class MosquittoBroker {
public:
    // Whether /usr/sbin/mosquitto (or mosquitto on $PATH) is there; the reason when not.
    static bool available(std::string& why);

    // Starts mosquitto and waits until it listens.
    [[nodiscard]] ::testing::AssertionResult start(const BrokerOptions& options = {});
    // Stops it (by PID) and starts it again on the same ports.
    [[nodiscard]] ::testing::AssertionResult restart();
    void stop() { process_->stop(); }
    // SIGSTOP / SIGCONT: the broker keeps its sockets and stops answering.
    void freeze();
    void thaw();

    std::uint16_t port() const { return port_; }
    std::uint16_t tls_port() const { return tls_port_; }
    std::string port_text() const { return std::to_string(port_); }
    const std::filesystem::path& dir() const { return dir_.path(); }

private:
    [[nodiscard]] ::testing::AssertionResult launch();

    TestTempDir dir_;
    std::unique_ptr<ChildProcess> process_ = std::make_unique<ChildProcess>();
    std::uint16_t port_ = 0;
    std::uint16_t tls_port_ = 0;
    std::filesystem::path config_;
};

struct ReceivedMessage {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retain = false;
};

class MqttTestClient {
public:
    MqttTestClient();
    ~MqttTestClient();
    MqttTestClient(const MqttTestClient&) = delete;
    MqttTestClient& operator=(const MqttTestClient&) = delete;

    [[nodiscard]] ::testing::AssertionResult connect(std::uint16_t port,
                                                     const std::string& user = {},
                                                     const std::string& password = {});
    // Subscribes and waits for the SUBACK.
    [[nodiscard]] ::testing::AssertionResult subscribe(const std::string& topic, int qos);
    // Publishes and waits until the broker has it (PUBACK / PUBCOMP, or written for QoS 0).
    [[nodiscard]] ::testing::AssertionResult publish(const std::string& topic,
                                                     std::string_view payload, int qos = 0,
                                                     bool retain = false);
    // Waits until `count` messages have arrived in all; `out` gets all of them.
    [[nodiscard]] ::testing::AssertionResult wait_for(std::size_t count,
                                                      std::vector<ReceivedMessage>& out,
                                                      Millis timeout = kTimeout);
    std::size_t received() const;

private:
    static void on_message(mosquitto*, void* self, const mosquitto_message* message);
    static void on_subscribe(mosquitto*, void* self, int mid, int, const int*);
    static void on_publish(mosquitto*, void* self, int mid);
    static void on_connect(mosquitto*, void* self, int rc);
    [[nodiscard]] ::testing::AssertionResult wait_mid(int mid, std::string_view what);

    mosquitto* mosq_ = nullptr;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<ReceivedMessage> messages_;
    std::vector<int> acknowledged_;
    int connack_ = -1;
    bool looping_ = false;
};

}  // namespace wizfi250d::conformance
