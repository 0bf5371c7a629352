// SPDX-License-Identifier: Apache-2.0
#include "mqtt_peer.hpp"

#include <mosquitto.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "peers.hpp"

namespace wizfi250d::conformance {

namespace {

constexpr const char* kMosquitto = "/usr/sbin/mosquitto";
constexpr const char* kMosquittoPasswd = "/usr/bin/mosquitto_passwd";

void library_init() {
    static const int once = [] { return mosquitto_lib_init(); }();
    (void)once;
}

}  // namespace

// ---- MosquittoBroker ---------------------------------------------------------------------------

bool MosquittoBroker::available(std::string& why) {
    if (::access(kMosquitto, X_OK) != 0) {
        why = std::string(kMosquitto) + " is missing (scripts/install-deps.sh --test installs it)";
        return false;
    }
    return true;
}

::testing::AssertionResult MosquittoBroker::start(const BrokerOptions& options) {
    if (auto r = dir_.make("mosquitto"); !r) return r;
    port_ = free_tcp_port();
    if (port_ == 0) return ::testing::AssertionFailure() << "no free port for the broker";
    // As the user the test runs as: mosquitto started as root would switch to the user
    // "mosquitto", which cannot read the test's directory.
    const passwd* self = ::getpwuid(::getuid());
    std::string conf =
        "user " + std::string(self != nullptr ? self->pw_name : "root") + "\n" +
        "per_listener_settings false\n"
        "persistence false\n"
        // Keep every QoS 1/2 message for a slow subscriber (the default drops after 1000).
        "max_queued_messages 0\n"
        "max_queued_bytes 0\n"
        "log_dest stderr\n"
        "log_type all\n"
        "listener " +
        std::to_string(port_) + " 127.0.0.1\n";
    if (!options.tls_cert.empty()) {
        tls_port_ = free_tcp_port();
        if (tls_port_ == 0) return ::testing::AssertionFailure() << "no free port for TLS";
        conf += "listener " + std::to_string(tls_port_) + " 127.0.0.1\n" + "certfile " +
                options.tls_cert.string() + "\n" + "keyfile " + options.tls_key.string() + "\n";
    }
    if (options.users.empty()) {
        conf += "allow_anonymous true\n";
    } else {
        const auto passwords = dir_.path() / "passwords";
        if (auto r = write_whole_file(passwords, ""); !r) return r;
        for (const auto& [user, password] : options.users) {
            if (auto r = run_program({kMosquittoPasswd, "-b", passwords.string(), user, password},
                                     dir_.path() / "passwd.log");
                !r)
                return r;
        }
        conf += "allow_anonymous false\npassword_file " + passwords.string() + "\n";
    }
    config_ = dir_.path() / "mosquitto.conf";
    if (auto r = write_whole_file(config_, conf); !r) return r;
    return launch();
}

::testing::AssertionResult MosquittoBroker::launch() {
    if (auto r = process_->start({kMosquitto, "-c", config_.string()}, dir_.path() / "broker.log");
        !r)
        return r;
    const auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process_->running()) {
            return ::testing::AssertionFailure() << "mosquitto ended at start:\n"
                                                 << process_->stderr_text();
        }
        if (process_listens_on(process_->pid(), port_) &&
            (tls_port_ == 0 || process_listens_on(process_->pid(), tls_port_)))
            return ::testing::AssertionSuccess();
        std::this_thread::sleep_for(Millis{10});
    }
    return ::testing::AssertionFailure() << "mosquitto did not listen on " << port_ << ":\n"
                                         << process_->stderr_text();
}

::testing::AssertionResult MosquittoBroker::restart() {
    process_->stop();
    process_ = std::make_unique<ChildProcess>();
    return launch();
}

void MosquittoBroker::freeze() {
    if (process_->pid() > 0) ::kill(process_->pid(), SIGSTOP);
}

void MosquittoBroker::thaw() {
    if (process_->pid() > 0) ::kill(process_->pid(), SIGCONT);
}

// ---- MqttTestClient ----------------------------------------------------------------------------

MqttTestClient::MqttTestClient() {
    library_init();
    mosq_ = mosquitto_new(nullptr, true, this);
    if (mosq_ == nullptr) return;
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_message_callback_set(mosq_, &MqttTestClient::on_message);
    mosquitto_subscribe_callback_set(mosq_, &MqttTestClient::on_subscribe);
    mosquitto_publish_callback_set(mosq_, &MqttTestClient::on_publish);
    mosquitto_connect_callback_set(mosq_, &MqttTestClient::on_connect);
    // Room for the bulk tests' bursts.
    mosquitto_max_inflight_messages_set(mosq_, 100);
}

MqttTestClient::~MqttTestClient() {
    if (mosq_ == nullptr) return;
    if (looping_) {
        mosquitto_disconnect(mosq_);
        mosquitto_loop_stop(mosq_, true);
    }
    mosquitto_destroy(mosq_);
}

void MqttTestClient::on_connect(mosquitto*, void* self, int rc) {
    auto* client = static_cast<MqttTestClient*>(self);
    std::lock_guard lock(client->mutex_);
    client->connack_ = rc;
    client->changed_.notify_all();
}

void MqttTestClient::on_message(mosquitto*, void* self, const mosquitto_message* message) {
    auto* client = static_cast<MqttTestClient*>(self);
    const auto* payload = static_cast<const char*>(message->payload);
    std::lock_guard lock(client->mutex_);
    client->messages_.push_back({message->topic,
                                 std::string(payload, payload ? message->payloadlen : 0),
                                 message->qos, message->retain});
    client->changed_.notify_all();
}

void MqttTestClient::on_subscribe(mosquitto*, void* self, int mid, int, const int*) {
    on_publish(nullptr, self, mid);
}

void MqttTestClient::on_publish(mosquitto*, void* self, int mid) {
    auto* client = static_cast<MqttTestClient*>(self);
    std::lock_guard lock(client->mutex_);
    client->acknowledged_.push_back(mid);
    client->changed_.notify_all();
}

::testing::AssertionResult MqttTestClient::connect(std::uint16_t port, const std::string& user,
                                                   const std::string& password) {
    if (mosq_ == nullptr) return ::testing::AssertionFailure() << "mosquitto_new failed";
    if (!user.empty()) mosquitto_username_pw_set(mosq_, user.c_str(), password.c_str());
    if (const int rc = mosquitto_connect(mosq_, "127.0.0.1", port, 60); rc != MOSQ_ERR_SUCCESS)
        return ::testing::AssertionFailure()
               << "test client: connect to 127.0.0.1:" << port << ": " << mosquitto_strerror(rc);
    if (const int rc = mosquitto_loop_start(mosq_); rc != MOSQ_ERR_SUCCESS)
        return ::testing::AssertionFailure() << "test client: " << mosquitto_strerror(rc);
    looping_ = true;
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kTimeout, [this] { return connack_ >= 0; }))
        return ::testing::AssertionFailure() << "test client: no CONNACK";
    if (connack_ != 0)
        return ::testing::AssertionFailure()
               << "test client: " << mosquitto_connack_string(connack_);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult MqttTestClient::wait_mid(int mid, std::string_view what) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kBulkTimeout, [&] {
            return std::find(acknowledged_.begin(), acknowledged_.end(), mid) !=
                   acknowledged_.end();
        }))
        return ::testing::AssertionFailure() << "test client: no answer to " << what;
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult MqttTestClient::subscribe(const std::string& topic, int qos) {
    int mid = 0;
    if (const int rc = mosquitto_subscribe(mosq_, &mid, topic.c_str(), qos); rc != MOSQ_ERR_SUCCESS)
        return ::testing::AssertionFailure()
               << "test client: subscribe: " << mosquitto_strerror(rc);
    return wait_mid(mid, "SUBSCRIBE " + topic);
}

::testing::AssertionResult MqttTestClient::publish(const std::string& topic,
                                                   std::string_view payload, int qos, bool retain) {
    int mid = 0;
    if (const int rc =
            mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                              payload.data(), qos, retain);
        rc != MOSQ_ERR_SUCCESS)
        return ::testing::AssertionFailure() << "test client: publish: " << mosquitto_strerror(rc);
    return wait_mid(mid, "PUBLISH " + topic);
}

::testing::AssertionResult MqttTestClient::wait_for(std::size_t count,
                                                    std::vector<ReceivedMessage>& out,
                                                    Millis timeout) {
    std::unique_lock lock(mutex_);
    const bool arrived =
        changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
    out = messages_;
    if (!arrived)
        return ::testing::AssertionFailure()
               << "test client: " << messages_.size() << " of " << count << " messages arrived";
    return ::testing::AssertionSuccess();
}

std::size_t MqttTestClient::received() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
}

}  // namespace wizfi250d::conformance
