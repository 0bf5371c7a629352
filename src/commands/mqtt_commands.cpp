// SPDX-License-Identifier: Apache-2.0
// The MQTT commands of firmware 1.0.5.2 (spec §2.6): AT+MQTTSET, AT+MQTTCON, AT+MQTTSUB and
// AT+MQTTPUB, with the firmware's order of checks (wx_commands_mqtt.c), which decides the
// error a host gets. The session itself is Module::mqtt().

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "command_support.hpp"
#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d::commands {

namespace {

constexpr std::size_t max_mqtt_text_length = 50;  // the profile's 50-byte fields
constexpr std::uint32_t min_mqtt_keep_alive = 30;
constexpr std::uint32_t max_mqtt_keep_alive = 300;
constexpr std::uint32_t max_mqtt_qos = 2;
constexpr std::size_t max_publish_topic = 128;      // LEN_MAX_TOPIC
constexpr std::uint32_t max_publish_length = 1500;  // the module's TX buffer
// MQTTPUB reads its payload within 3 s of the prompt.
constexpr std::chrono::milliseconds publish_payload_limit{3000};

// AT+MQTTSET's text fields, in parameter order.
constexpr std::array<std::string MqttSettings::*, 3> mqtt_texts{
    &MqttSettings::user, &MqttSettings::password, &MqttSettings::client_id};

enum class Subscription : std::uint32_t { remove = 0, add = 1 };
enum class Connection : std::uint32_t { close = 0, open = 1 };

// The rest of the command once the broker answers.
MqttSession::Finish finish_with(Module& m) {
    return [&m](ResultCode code) { m.finish_command(code); };
}

// The payload of one AT+MQTTPUB: `length` raw bytes from the serial line within 3 s of the
// prompt, then one message to the broker. A timeout ends the command with [ERROR], and the
// bytes after it are parsed as commands again (as SSEND's are).
class PublishPayload : public std::enable_shared_from_this<PublishPayload> {
public:
    static void start(Module& m, std::string topic, std::size_t length) {
        auto reader = std::shared_ptr<PublishPayload>(new PublishPayload(m, std::move(topic)));
        reader->payload_.reserve(length);
        reader->remaining_ = length;
        reader->timer_.expires_after(publish_payload_limit);
        reader->timer_.async_wait([reader](const boost::system::error_code& ec) {
            if (!ec) reader->timed_out();
        });
        m.read_payload(length, [reader](std::string_view bytes) { reader->take(bytes); });
    }

private:
    PublishPayload(Module& m, std::string topic)
        : module_(m), topic_(std::move(topic)), timer_(m.io()) {}

    void take(std::string_view bytes) {
        if (done_) return;
        payload_.append(bytes);
        remaining_ -= bytes.size();
        if (remaining_ > 0) return;
        done_ = true;
        timer_.cancel();
        Module& m = module_;
        m.mqtt().publish(topic_, payload_, static_cast<int>(m.settings().mqtt_publish_qos),
                         finish_with(m));
    }

    void timed_out() {
        if (done_) return;
        done_ = true;
        module_.cancel_payload();
        module_.finish_command(ResultCode::error);
    }

    Module& module_;
    std::string topic_;
    std::string payload_;
    std::size_t remaining_ = 0;
    boost::asio::steady_timer timer_;
    bool done_ = false;
};

}  // namespace

ResultCode mqttset(Module& m, std::string_view args) {
    MqttSettings& mqtt = m.profile().mqtt;
    if (is_query(args)) {
        m.output().line(mqtt.user + "," + mqtt.password + "," + mqtt.client_id + "," +
                            std::to_string(mqtt.keep_alive),
                        Sensitivity::secret);
        return ResultCode::ok;
    }
    const Params params(args);
    for (std::size_t i = 0; i < mqtt_texts.size(); ++i)
        if (params.present(i) && (params[i]->empty() || params[i]->size() > max_mqtt_text_length))
            return ResultCode::invalid_input;
    std::optional<std::uint32_t> keep_alive;
    if (params.present(3)) {
        keep_alive = number_in_range(params, 3, min_mqtt_keep_alive, max_mqtt_keep_alive);
        if (!keep_alive) return ResultCode::invalid_input;
    }
    // Checked after the parameters, as in the firmware.
    if (m.mqtt().connected()) return ResultCode::error;
    // Absent fields keep their value (the firmware overwrites the keep-alive with garbage).
    for (std::size_t i = 0; i < mqtt_texts.size(); ++i)
        if (params.present(i)) mqtt.*mqtt_texts[i] = *params[i];
    if (keep_alive) mqtt.keep_alive = *keep_alive;
    return ResultCode::ok;
}

ResultCode mqttcon(Module& m, std::string_view args) {
    if (is_query(args)) {
        const auto& broker = m.mqtt().broker();
        m.output().line(m.mqtt().connected() && broker ? "Connected(" + broker->ip.to_string() + ")"
                                                       : std::string("Disconnected"));
        return ResultCode::ok;
    }
    // The firmware checks the link before it reads any parameter.
    if (!m.link_up()) return ResultCode::wifi_status;
    const Params params(args);
    const auto action = number_in_range(params, 0, 0, 1);
    if (!action) return ResultCode::invalid_input;
    if (static_cast<Connection>(*action) == Connection::close) {
        // "[MQTT DISCONNECT]" then [OK]; [ERROR] when no session was up.
        return m.mqtt().disconnect() ? ResultCode::ok : ResultCode::error;
    }

    const auto ip = params.present(1) ? parse_ipv4(*params[1]) : std::nullopt;
    const auto port = number_field(params, 2);
    const auto ssl = number_field(params, 3);
    if (!ip || !port || !is_port(*port) || !ssl) return ResultCode::invalid_input;
    // The firmware refuses SSL=1 ("MQTTS NOT Support"); the daemon's mqtt_tls option allows it.
    const bool tls = *ssl == 1 && m.settings().mqtt_tls;
    if (*ssl != 0 && !tls) return ResultCode::invalid_input;
    // One TLS session at a time on the module: not beside a TCS/TSS socket.
    if (m.sockets().any_tls()) return ResultCode::error;
    if (m.mqtt().connected() || m.mqtt().connecting()) return ResultCode::error;

    std::shared_ptr<boost::asio::ssl::context> context;
    if (tls) {
        context = m.tls_contexts().client_for(ip->to_string());
        if (!context) return ResultCode::error;  // the stored files do not make a context
    }
    const MqttSettings& settings = m.profile().mqtt;
    const MqttLogin login{settings.user, settings.password, settings.client_id,
                          settings.keep_alive};
    m.mqtt().connect(Endpoint{*ip, static_cast<std::uint16_t>(*port)}, login, std::move(context),
                     finish_with(m));
    return ResultCode::pending;
}

ResultCode mqttsub(Module& m, std::string_view args) {
    // The firmware checks the link, then the parameters, then the broker connection.
    if (!m.link_up()) return ResultCode::wifi_status;
    const Params params(args);
    const auto action = number_field(params, 0);
    if (!action || !params.present(1)) return ResultCode::invalid_input;
    std::uint32_t qos = 0;
    if (params.present(2)) {
        // Q fixed: the firmware's range check can never fail and passes any number on.
        const auto given = number_in_range(params, 2, 0, max_mqtt_qos);
        if (!given) return ResultCode::invalid_input;
        qos = *given;
    }
    if (*action > static_cast<std::uint32_t>(Subscription::add)) return ResultCode::invalid_input;
    if (!m.mqtt().connected()) return ResultCode::error;
    const std::string& topic = *params[1];
    if (static_cast<Subscription>(*action) == Subscription::remove) {
        m.mqtt().unsubscribe(topic, finish_with(m));
    } else {
        m.mqtt().subscribe(topic, static_cast<int>(qos), finish_with(m));
    }
    return ResultCode::pending;
}

ResultCode mqttpub(Module& m, std::string_view args) {
    // Not connected: [ERROR] before any parameter is read.
    if (!m.mqtt().connected()) return ResultCode::error;
    const Params params(args);
    if (!params.present(0) || params[0]->size() > max_publish_topic)
        return ResultCode::invalid_input;
    const auto length = number_in_range(params, 1, 1, max_publish_length);
    if (!length) return ResultCode::invalid_input;
    m.output().line("[" + std::to_string(*length) + "]");
    PublishPayload::start(m, *params[0], *length);
    return ResultCode::pending;
}

}  // namespace wizfi250d::commands
