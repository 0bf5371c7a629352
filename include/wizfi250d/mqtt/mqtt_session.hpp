// SPDX-License-Identifier: Apache-2.0
#pragma once

// The module's MQTT client as the host sees it (spec §2.6): the state behind AT+MQTTCON=?,
// the [MQTT CONNECT] / [MQTT DISCONNECT] lines, received publishes as {Q,<topic>,,<len>}
// frames, and the firmware's time limits for each broker exchange. The protocol itself is
// MqttClient's.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/result_code.hpp"
#include "wizfi250d/mqtt/mqtt_client.hpp"

namespace wizfi250d {

class Output;

// A received publish as the module prints it (spec §2.6): "{Q,<topic>,,<len>}<payload>\r\n",
// the payload whole and binary-safe.
std::string mqtt_receive_frame(std::string_view topic, std::string_view payload);

class MqttSession final : private MqttClient::Observer {
public:
    using Finish = std::function<void(ResultCode code)>;

    MqttSession(boost::asio::io_context& io, Output& output);

    // A session is up from the CONNACK until it ends (AT+MQTTCON=0, the broker, WLEAVE...).
    bool connected() const { return state_ == State::connected; }
    bool connecting() const { return state_ == State::connecting; }
    // The broker of the session, while connected.
    const std::optional<Endpoint>& broker() const { return broker_; }

    // AT+MQTTCON=1: [MQTT CONNECT] and [OK] once the broker answered, [ERROR] when it did not
    // (within 5 s, as the firmware waits).
    void connect(const Endpoint& broker, const MqttLogin& login,
                 std::shared_ptr<boost::asio::ssl::context> tls, Finish finish);
    // AT+MQTTCON=0 and AT+WLEAVE: DISCONNECT to the broker and "[MQTT DISCONNECT]\r\n". false
    // when there was no session.
    bool disconnect();
    // The session ends without a word (an emulated reboot, the daemon stopping).
    void end_quietly();
    // The session ends because something else did (the link went down): the asynchronous
    // "\r\n[MQTT DISCONNECT]\r\n".
    void end_with_event(std::string_view why);

    // Each ends with finish(ok) after the broker's acknowledgement, or finish(error) when it
    // does not come in time (the session then ends: the firmware frees it).
    void subscribe(const std::string& topic, int qos, Finish finish);
    void unsubscribe(const std::string& topic, Finish finish);
    void publish(const std::string& topic, std::string_view payload, int qos, Finish finish);

private:
    enum class State { idle, connecting, connected };

    // MqttClient::Observer
    void mqtt_message(std::string_view topic, std::string_view payload) override;
    void mqtt_lost(std::string_view why) override;
    bool mqtt_room() const override;
    void mqtt_when_room(std::function<void()> callback) override;

    // One broker exchange at a time (commands run one after another): it ends with the
    // answer, or with [ERROR] after `limit` (and the session ends, as the firmware frees it).
    MqttClient::Done start_operation(std::chrono::milliseconds limit, std::string what,
                                     Finish finish);
    void finish_operation(ResultCode code);
    void ended(bool with_event, std::string_view why);

    boost::asio::io_context& io_;
    Output& output_;
    MqttClient client_;
    State state_ = State::idle;
    std::optional<Endpoint> broker_;
    boost::asio::steady_timer deadline_;
    // The command waiting for the broker, and its number (a late answer to an operation that
    // already ended is dropped).
    Finish pending_;
    unsigned operation_ = 0;
};

}  // namespace wizfi250d
