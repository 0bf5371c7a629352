// SPDX-License-Identifier: Apache-2.0
#pragma once

// One MQTT 3.1.1 connection (libmosquitto) driven from the daemon's event loop: libmosquitto
// runs no thread of its own. Its socket is watched by Asio (through a duplicate of the
// descriptor, so that libmosquitto closing or replacing its socket never touches another
// object's registration); mosquitto_loop_read/_write run from the readiness handlers and
// mosquitto_loop_misc (keep-alive) from a one-second timer. The broker is given as an address,
// so connecting never waits for a name lookup, and the TCP connect itself is non-blocking.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/net/socket.hpp"

struct mosquitto;
struct mosquitto_message;

namespace boost::asio::ssl {
class context;
}

namespace wizfi250d {

struct MqttLogin {
    std::string user;          // empty: no user name
    std::string password;      // empty: no password
    std::string client_id;     // empty: the library makes one up
    unsigned keep_alive = 60;  // seconds
};

class MqttClient {
public:
    // What the connection reports. None of these is called from inside a libmosquitto call.
    class Observer {
    public:
        virtual ~Observer() = default;
        // A message the broker delivered (for QoS 2 once, at the PUBREL).
        virtual void mqtt_message(std::string_view topic, std::string_view payload) = 0;
        // The connection ended without disconnect() (broker gone, keep-alive timeout, a read or
        // write error). The client is closed when this runs.
        virtual void mqtt_lost(std::string_view why) = 0;
        // Backpressure: the broker's socket is read only while this is true; when it is not,
        // mqtt_when_room() is asked to call back once there is room again.
        virtual bool mqtt_room() const = 0;
        virtual void mqtt_when_room(std::function<void()> callback) = 0;
    };

    // connack: the broker's CONNACK return code (0 accepted), or -1 when no CONNACK came (the
    // connect or the TLS handshake failed).
    using ConnectDone = std::function<void(int connack)>;
    using Done = std::function<void(bool ok)>;

    MqttClient(boost::asio::io_context& io, Observer& observer);
    ~MqttClient();
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;

    // Starts connecting. tls: a client context to use for the connection (its verification is
    // the caller's), or nullptr for plain TCP. `done` runs once, later, on the event loop.
    void connect(const Endpoint& broker, const MqttLogin& login,
                 std::shared_ptr<boost::asio::ssl::context> tls, ConnectDone done);
    // `done` runs on the event loop at the SUBACK / UNSUBACK, at the PUBACK (QoS 1), the
    // PUBCOMP (QoS 2) or once a QoS 0 publish is written; false when it cannot be sent.
    void subscribe(const std::string& topic, int qos, Done done);
    void unsubscribe(const std::string& topic, Done done);
    void publish(const std::string& topic, std::string_view payload, int qos, Done done);
    // Sends DISCONNECT (when it can be written now) and closes. Nothing is reported.
    void disconnect();
    // Closes at once, without DISCONNECT and without reporting anything.
    void close();

    bool open() const { return mosq_ != nullptr; }

private:
    struct Completion {
        Done done;
    };

    static void on_connect(mosquitto* mosq, void* self, int rc);
    static void on_disconnect(mosquitto* mosq, void* self, int rc);
    static void on_publish(mosquitto* mosq, void* self, int mid);
    static void on_subscribe(mosquitto* mosq, void* self, int mid, int count, const int* qos);
    static void on_unsubscribe(mosquitto* mosq, void* self, int mid);
    static void on_message(mosquitto* mosq, void* self, const mosquitto_message* message);

    // After every libmosquitto call: follow its socket, deliver what the callbacks collected,
    // and watch for what libmosquitto needs next.
    void after_call(int rc, std::string_view what);
    void follow_socket();
    void watch();
    void readable();
    void writable();
    void housekeeping();
    void complete(int mid, bool ok);
    void lost(std::string why);
    void release();

    boost::asio::io_context& io_;
    Observer& observer_;
    mosquitto* mosq_ = nullptr;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    boost::asio::posix::stream_descriptor watch_;
    int watched_fd_ = -1;      // libmosquitto's descriptor that watch_ duplicates
    unsigned generation_ = 0;  // changes whenever watch_ is closed: stale handlers see it
    bool reading_ = false;
    bool writing_ = false;
    bool waiting_for_room_ = false;
    boost::asio::steady_timer timer_;
    ConnectDone connect_done_;
    bool connected_ = false;
    std::map<int, Done> pending_;
    // Filled by the libmosquitto callbacks, handled after the call returns.
    std::vector<std::pair<std::string, std::string>> inbox_;
    std::vector<int> completed_;
    int connack_ = -2;  // -2: none yet
    bool disconnected_ = false;
    // Lets posted handlers find out that the client is gone, or that a new connection began.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// libmosquitto's text for one of its error codes.
std::string mqtt_error_text(int rc);
// libmosquitto's text for a CONNACK return code ("Connection Refused: not authorised.").
std::string mqtt_connack_text(int connack);

}  // namespace wizfi250d
