// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/mqtt/mqtt_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <utility>

#include "wizfi250d/module/output.hpp"

namespace wizfi250d {

namespace {

// How long the firmware waits for each answer (MQTTConsole.c: TIMEOUT_DEFAULT, twice that for
// UNSUBACK, 20 s for a publish).
constexpr std::chrono::milliseconds connect_limit{5000};
constexpr std::chrono::milliseconds subscribe_limit{5000};
constexpr std::chrono::milliseconds unsubscribe_limit{10000};
constexpr std::chrono::milliseconds publish_limit{20000};

// The firmware's W_RSP("[MQTT CONNECT]\r\n"): no leading CRLF, RSP class.
constexpr std::string_view connect_line = "[MQTT CONNECT]";
constexpr std::string_view disconnect_line = "[MQTT DISCONNECT]\r\n";
// A session that ends by itself is an asynchronous event: framed as the module frames its
// events (spec §1.6), so that it never sticks to a half-echoed command line.
constexpr std::string_view disconnect_event = "\r\n[MQTT DISCONNECT]\r\n";

}  // namespace

std::string mqtt_receive_frame(std::string_view topic, std::string_view payload) {
    // The firmware's W_RSP("{Q,%.*s,,%d}%.*s\r\n"), except that the payload is passed on whole
    // (the firmware cuts it at 255 characters and at a NUL byte).
    std::string frame;
    frame.reserve(topic.size() + payload.size() + 24);
    frame += "{Q,";
    frame += topic;
    frame += ",,";
    frame += std::to_string(payload.size());
    frame += '}';
    frame += payload;
    frame += "\r\n";
    return frame;
}

MqttSession::MqttSession(boost::asio::io_context& io, Output& output)
    : io_(io), output_(output), client_(io, *this), deadline_(io) {}

MqttClient::Done MqttSession::start_operation(std::chrono::milliseconds limit, std::string what,
                                              Finish finish) {
    const unsigned operation = ++operation_;
    pending_ = std::move(finish);
    deadline_.expires_after(limit);
    deadline_.async_wait([this, operation, limit,
                          what = std::move(what)](const boost::system::error_code& ec) {
        if (ec || operation != operation_ || !pending_) return;
        spdlog::warn("mqtt: no answer to {} within {} ms; the session ends", what, limit.count());
        const bool was_connected = state_ == State::connected;
        ended(was_connected, "no answer from the broker");
        finish_operation(ResultCode::error);
    });
    return [this, operation](bool ok) {
        if (operation != operation_) return;
        finish_operation(ok ? ResultCode::ok : ResultCode::error);
    };
}

void MqttSession::finish_operation(ResultCode code) {
    if (!pending_) return;
    ++operation_;
    deadline_.cancel();
    auto finish = std::move(pending_);
    pending_ = nullptr;
    finish(code);
}

void MqttSession::connect(const Endpoint& broker, const MqttLogin& login,
                          std::shared_ptr<boost::asio::ssl::context> tls, Finish finish) {
    state_ = State::connecting;
    broker_ = broker;
    auto answered = start_operation(connect_limit, "CONNECT", std::move(finish));
    client_.connect(broker, login, std::move(tls),
                    [this, answered = std::move(answered), user = login.user](int connack) {
                        if (state_ != State::connecting) return;
                        if (connack < 0) {
                            state_ = State::idle;
                            broker_.reset();
                            answered(false);
                            return;
                        }
                        // The firmware takes any CONNACK as a connection (WICED passes its
                        // return code on, MQTTConsole.c does not look at it): a refused login
                        // shows [MQTT CONNECT] and [OK], and the broker's close follows as
                        // [MQTT DISCONNECT].
                        if (connack != 0)
                            spdlog::warn("mqtt: the broker refused the login of '{}': {}", user,
                                         mqtt_connack_text(connack));
                        state_ = State::connected;
                        output_.line(connect_line);
                        answered(true);
                    });
}

bool MqttSession::disconnect() {
    if (state_ == State::idle) return false;
    const bool was_connected = state_ == State::connected;
    client_.disconnect();
    if (was_connected) spdlog::info("mqtt: disconnected");
    ended(false, "disconnect");
    // An event too: a page's AT+WLEAVE ends the host's session.
    if (was_connected) output_.event_text(disconnect_line);
    return was_connected;
}

void MqttSession::end_quietly() {
    client_.close();
    ended(false, "reset");
}

void MqttSession::end_with_event(std::string_view why) {
    if (state_ == State::idle) return;
    client_.close();
    ended(state_ == State::connected, why);
}

void MqttSession::ended(bool with_event, std::string_view why) {
    if (state_ == State::idle) return;
    spdlog::info("mqtt: session ended ({})", why);
    client_.close();
    state_ = State::idle;
    broker_.reset();
    if (with_event) output_.event_text(disconnect_event);
    // A command still waiting for the broker ends with [ERROR] (after a reboot the module drops
    // that late answer itself).
    if (pending_)
        boost::asio::post(io_, [this, operation = operation_] {
            if (operation == operation_) finish_operation(ResultCode::error);
        });
}

void MqttSession::subscribe(const std::string& topic, int qos, Finish finish) {
    client_.subscribe(topic, qos, start_operation(subscribe_limit, "SUBSCRIBE", std::move(finish)));
}

void MqttSession::unsubscribe(const std::string& topic, Finish finish) {
    client_.unsubscribe(topic,
                        start_operation(unsubscribe_limit, "UNSUBSCRIBE", std::move(finish)));
}

void MqttSession::publish(const std::string& topic, std::string_view payload, int qos,
                          Finish finish) {
    client_.publish(topic, payload, qos,
                    start_operation(publish_limit, "PUBLISH", std::move(finish)));
}

void MqttSession::mqtt_message(std::string_view topic, std::string_view payload) {
    // One write: a frame never splits another frame or event.
    output_.received_text(mqtt_receive_frame(topic, payload));
}

void MqttSession::mqtt_lost(std::string_view why) {
    ended(state_ == State::connected, why);
}

bool MqttSession::mqtt_room() const {
    return !output_.congested();
}

void MqttSession::mqtt_when_room(std::function<void()> callback) {
    output_.when_drained(std::move(callback));
}

}  // namespace wizfi250d
