// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/mqtt/mqtt_client.hpp"

#include <fcntl.h>
#include <mosquitto.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace wizfi250d {

namespace {

// libmosquitto wants its global set-up once per process (OpenSSL, random ids).
void library_init() {
    static const int once = [] { return mosquitto_lib_init(); }();
    (void)once;
}

// How many packets one readiness event may read. Small, so that the serial side's room is
// checked often; libmosquitto reads on while TLS holds decrypted bytes anyway.
constexpr int packets_per_read = 1;
constexpr std::chrono::seconds housekeeping_period{1};

}  // namespace

std::string mqtt_error_text(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
    return mosquitto_strerror(rc);
}

std::string mqtt_connack_text(int connack) {
    return mosquitto_connack_string(connack);
}

MqttClient::MqttClient(boost::asio::io_context& io, Observer& observer)
    : io_(io), observer_(observer), watch_(io), timer_(io) {
    library_init();
}

MqttClient::~MqttClient() {
    *alive_ = false;
    release();
}

void MqttClient::release() {
    timer_.cancel();
    if (watch_.is_open()) {
        boost::system::error_code ignored;
        watch_.close(ignored);
    }
    ++generation_;
    watched_fd_ = -1;
    reading_ = writing_ = waiting_for_room_ = false;
    if (mosq_ != nullptr) {
        mosquitto_destroy(mosq_);
        mosq_ = nullptr;
    }
    tls_.reset();
    connected_ = false;
    pending_.clear();
    inbox_.clear();
    completed_.clear();
    connect_done_ = nullptr;
}

void MqttClient::connect(const Endpoint& broker, const MqttLogin& login,
                         std::shared_ptr<boost::asio::ssl::context> tls, ConnectDone done) {
    release();
    // Reports of an earlier connection that are still on their way are dropped from here on.
    *alive_ = false;
    alive_ = std::make_shared<bool>(true);
    connack_ = -2;
    disconnected_ = false;
    connect_done_ = std::move(done);
    const auto fail = [this](std::string why) {
        spdlog::info("mqtt: connect failed: {}", why);
        auto callback = std::move(connect_done_);
        release();
        boost::asio::post(io_, [callback = std::move(callback), alive = alive_] {
            if (*alive) callback(-1);
        });
    };

    // Clean session, as the module (WICED's mqtt_conn_open) connects.
    mosq_ = mosquitto_new(login.client_id.empty() ? nullptr : login.client_id.c_str(), true, this);
    if (mosq_ == nullptr) return fail(std::strerror(errno));
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_connect_callback_set(mosq_, &MqttClient::on_connect);
    mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
    mosquitto_publish_callback_set(mosq_, &MqttClient::on_publish);
    mosquitto_subscribe_callback_set(mosq_, &MqttClient::on_subscribe);
    mosquitto_unsubscribe_callback_set(mosq_, &MqttClient::on_unsubscribe);
    mosquitto_message_callback_set(mosq_, &MqttClient::on_message);
    if (!login.user.empty()) {
        const int rc = mosquitto_username_pw_set(
            mosq_, login.user.c_str(), login.password.empty() ? nullptr : login.password.c_str());
        if (rc != MOSQ_ERR_SUCCESS) return fail(mqtt_error_text(rc));
    }
    if (tls) {
        // The daemon's own context (MCERT files, trust and host-name rules), used as it is.
        tls_ = std::move(tls);
        mosquitto_void_option(mosq_, MOSQ_OPT_SSL_CTX, tls_->native_handle());
        mosquitto_int_option(mosq_, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
    }
    const std::string address = broker.ip.to_string();
    // A numeric address: libmosquitto's getaddrinfo() answers without a query, and the
    // connect is non-blocking.
    const int rc = mosquitto_connect_async(mosq_, address.c_str(), broker.port,
                                           static_cast<int>(login.keep_alive));
    if (rc != MOSQ_ERR_SUCCESS) return fail(mqtt_error_text(rc));
    spdlog::info("mqtt: connecting to {}:{}{} as '{}'", address, broker.port, tls_ ? " (TLS)" : "",
                 login.client_id);
    after_call(MOSQ_ERR_SUCCESS, "connect");
    timer_.expires_after(housekeeping_period);
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) housekeeping();
    });
}

void MqttClient::subscribe(const std::string& topic, int qos, Done done) {
    int mid = 0;
    const int rc =
        mosq_ == nullptr ? MOSQ_ERR_NO_CONN : mosquitto_subscribe(mosq_, &mid, topic.c_str(), qos);
    if (rc != MOSQ_ERR_SUCCESS) {
        spdlog::info("mqtt: subscribe to '{}' failed: {}", topic, mqtt_error_text(rc));
        boost::asio::post(io_, [done = std::move(done)] { done(false); });
        return;
    }
    pending_[mid] = std::move(done);
    after_call(rc, "subscribe");
}

void MqttClient::unsubscribe(const std::string& topic, Done done) {
    int mid = 0;
    const int rc =
        mosq_ == nullptr ? MOSQ_ERR_NO_CONN : mosquitto_unsubscribe(mosq_, &mid, topic.c_str());
    if (rc != MOSQ_ERR_SUCCESS) {
        spdlog::info("mqtt: unsubscribe from '{}' failed: {}", topic, mqtt_error_text(rc));
        boost::asio::post(io_, [done = std::move(done)] { done(false); });
        return;
    }
    pending_[mid] = std::move(done);
    after_call(rc, "unsubscribe");
}

void MqttClient::publish(const std::string& topic, std::string_view payload, int qos, Done done) {
    int mid = 0;
    const int rc = mosq_ == nullptr ? MOSQ_ERR_NO_CONN
                                    : mosquitto_publish(mosq_, &mid, topic.c_str(),
                                                        static_cast<int>(payload.size()),
                                                        payload.data(), qos, false);
    if (rc != MOSQ_ERR_SUCCESS) {
        spdlog::info("mqtt: publish to '{}' failed: {}", topic, mqtt_error_text(rc));
        boost::asio::post(io_, [done = std::move(done)] { done(false); });
        return;
    }
    pending_[mid] = std::move(done);
    after_call(rc, "publish");
}

void MqttClient::disconnect() {
    if (mosq_ != nullptr && connected_) {
        // Written at once when the socket takes it; the close follows either way.
        const int rc = mosquitto_disconnect(mosq_);
        if (rc != MOSQ_ERR_SUCCESS) spdlog::debug("mqtt: DISCONNECT: {}", mqtt_error_text(rc));
    }
    release();
}

void MqttClient::close() {
    release();
}

// ---- libmosquitto callbacks: they only take notes --------------------------------------------

void MqttClient::on_connect(mosquitto* /*mosq*/, void* self, int rc) {
    static_cast<MqttClient*>(self)->connack_ = rc;
}

void MqttClient::on_disconnect(mosquitto* /*mosq*/, void* self, int /*rc*/) {
    static_cast<MqttClient*>(self)->disconnected_ = true;
}

void MqttClient::on_publish(mosquitto* /*mosq*/, void* self, int mid) {
    static_cast<MqttClient*>(self)->completed_.push_back(mid);
}

void MqttClient::on_subscribe(mosquitto* /*mosq*/, void* self, int mid, int count, const int* qos) {
    // A refused subscription comes back as 0x80 in the SUBACK.
    const bool granted = count > 0 && qos != nullptr && qos[0] >= 0 && qos[0] <= 2;
    static_cast<MqttClient*>(self)->completed_.push_back(granted ? mid : -mid);
}

void MqttClient::on_unsubscribe(mosquitto* /*mosq*/, void* self, int mid) {
    static_cast<MqttClient*>(self)->completed_.push_back(mid);
}

void MqttClient::on_message(mosquitto* /*mosq*/, void* self, const mosquitto_message* message) {
    const auto* payload = static_cast<const char*>(message->payload);
    static_cast<MqttClient*>(self)->inbox_.emplace_back(
        message->topic, std::string(payload, payload == nullptr ? 0 : message->payloadlen));
}

// ---- the loop ----------------------------------------------------------------------------------

void MqttClient::after_call(int rc, std::string_view what) {
    if (mosq_ == nullptr) return;
    // Messages first, in the order they came: the callbacks only collected them.
    auto inbox = std::move(inbox_);
    inbox_.clear();
    for (const auto& [topic, payload] : inbox)
        observer_.mqtt_message(topic, payload);

    for (const int mid : std::exchange(completed_, {}))
        complete(mid < 0 ? -mid : mid, mid > 0);

    if (connack_ != -2 && connect_done_) {
        connected_ = connack_ == 0;
        const int connack = connack_;
        boost::asio::post(io_, [callback = std::move(connect_done_), connack, alive = alive_] {
            if (*alive) callback(connack);
        });
        connect_done_ = nullptr;
    }

    const bool socket_gone = mosquitto_socket(mosq_) < 0;
    if (rc != MOSQ_ERR_SUCCESS || disconnected_ || socket_gone) {
        const std::string why = rc != MOSQ_ERR_SUCCESS
                                    ? std::string(what) + ": " + mqtt_error_text(rc)
                                    : std::string(what) + ": the connection closed";
        lost(why);
        return;
    }
    follow_socket();
    watch();
}

void MqttClient::complete(int mid, bool ok) {
    const auto it = pending_.find(mid);
    if (it == pending_.end()) return;
    boost::asio::post(io_, [done = std::move(it->second), ok, alive = alive_] {
        if (*alive) done(ok);
    });
    pending_.erase(it);
}

void MqttClient::lost(std::string why) {
    const bool was_connecting = static_cast<bool>(connect_done_);
    auto connect_done = std::move(connect_done_);
    auto pending = std::move(pending_);
    release();
    for (auto& [mid, done] : pending)
        boost::asio::post(io_, [done = std::move(done), alive = alive_] {
            if (*alive) done(false);
        });
    if (was_connecting) {
        spdlog::info("mqtt: connect failed: {}", why);
        boost::asio::post(io_, [callback = std::move(connect_done), alive = alive_] {
            if (*alive) callback(-1);
        });
        return;
    }
    spdlog::info("mqtt: connection lost: {}", why);
    boost::asio::post(io_, [this, why = std::move(why), alive = alive_] {
        if (*alive) observer_.mqtt_lost(why);
    });
}

void MqttClient::follow_socket() {
    const int fd = mosquitto_socket(mosq_);
    if (fd == watched_fd_) return;
    if (watch_.is_open()) {
        boost::system::error_code ignored;
        watch_.close(ignored);
    }
    ++generation_;
    reading_ = writing_ = false;
    watched_fd_ = -1;
    if (fd < 0) return;
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
        spdlog::error("mqtt: cannot watch the broker socket: {}", std::strerror(errno));
        return;
    }
    boost::system::error_code ec;
    watch_.assign(copy, ec);
    if (ec) {
        ::close(copy);
        spdlog::error("mqtt: cannot watch the broker socket: {}", ec.message());
        return;
    }
    watched_fd_ = fd;
}

void MqttClient::watch() {
    if (watched_fd_ < 0) return;
    const unsigned generation = generation_;
    if (!reading_ && !waiting_for_room_) {
        if (!observer_.mqtt_room()) {
            // Backpressure: the broker's data stays in its socket (and at the broker) until the
            // host has read what it was given.
            waiting_for_room_ = true;
            observer_.mqtt_when_room([this, generation, alive = alive_] {
                if (!*alive || generation != generation_) return;
                waiting_for_room_ = false;
                watch();
            });
        } else {
            reading_ = true;
            watch_.async_wait(
                boost::asio::posix::stream_descriptor::wait_read,
                [this, generation, alive = alive_](const boost::system::error_code& ec) {
                    if (!*alive || generation != generation_) return;
                    reading_ = false;
                    if (!ec) readable();
                });
        }
    }
    if (!writing_ && mosquitto_want_write(mosq_)) {
        writing_ = true;
        watch_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                          [this, generation, alive = alive_](const boost::system::error_code& ec) {
                              if (!*alive || generation != generation_) return;
                              writing_ = false;
                              if (!ec) writable();
                          });
    }
}

void MqttClient::readable() {
    if (mosq_ == nullptr) return;
    const int rc = mosquitto_loop_read(mosq_, packets_per_read);
    after_call(rc, "read");
}

void MqttClient::writable() {
    if (mosq_ == nullptr) return;
    const int rc = mosquitto_loop_write(mosq_, packets_per_read);
    after_call(rc, "write");
}

void MqttClient::housekeeping() {
    if (mosq_ == nullptr) return;
    // Keep-alive: PINGREQ when due; the connection closes when the broker stays silent.
    const int rc = mosquitto_loop_misc(mosq_);
    after_call(rc == MOSQ_ERR_NO_CONN && !disconnected_ ? MOSQ_ERR_SUCCESS : rc, "keep-alive");
    if (mosq_ == nullptr) return;
    timer_.expires_after(housekeeping_period);
    timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
        if (!ec && *alive) housekeeping();
    });
}

}  // namespace wizfi250d
