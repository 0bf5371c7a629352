// SPDX-License-Identifier: Apache-2.0
#pragma once

// An asynchronous client of wpa_supplicant's control interface (the wpa_ctrl protocol: one Unix
// datagram per command, one per reply; events as "<level>TEXT" datagrams on an ATTACHed socket).
// Nothing here blocks the event loop: it replaces libwpa_client's blocking wpa_ctrl_request.

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wizfi250d::wpa {

// ---- The parser: pure functions over the text of one datagram (fuzzable, no state). ----

// One datagram as wpa_supplicant sends it: an unsolicited event ("<3>CTRL-EVENT-CONNECTED ...",
// possibly prefixed "IFNAME=wlan0 " on the global socket) or the reply to a command.
struct Message {
    enum class Kind { reply, event };
    Kind kind = Kind::reply;
    int level = 0;            // events: the N of <N> (wpa_debug level, 0-4)
    std::string_view ifname;  // events: the IFNAME= prefix, empty when absent
    std::string_view name;    // events: the first word, e.g. "CTRL-EVENT-CONNECTED"
    std::string_view text;    // events: everything after <N>; replies: the whole datagram
};
Message parse_message(std::string_view datagram);

// An event that outlives its datagram.
struct Event {
    int level = 0;
    std::string name;
    std::string text;  // the whole event text after <N>, name included
};

// The value of key=value in an event text ("id=0 id_str=wizfi250d]", "ssid=\"My AP\""): quoted
// values lose their quotes (and \" escapes), bare values end at a blank or ']'. nullopt when
// absent.
std::optional<std::string> event_field(std::string_view text, std::string_view key);

// Whether a reply is exactly "OK" (with or without its newline).
bool is_ok(std::string_view reply);
// The reply without trailing newlines / carriage returns.
std::string_view trim_reply(std::string_view reply);

// "key=value" lines (STATUS, BSS <id>, GET_CAPABILITY...). Lines without '=' are skipped.
std::vector<std::pair<std::string, std::string>> parse_key_values(std::string_view reply);
std::optional<std::string> find_value(const std::vector<std::pair<std::string, std::string>>& kv,
                                      std::string_view key);

// Undoes wpa_supplicant's printf_encode (\\, \", \e, \n, \r, \t, \xNN), as used for SSIDs.
std::string decode_text(std::string_view encoded);
// Hex text of bytes (lower case), and back; nullopt for odd length or a non-hex digit.
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view hex);
// Whether text is one or more hex digits (either case).
bool is_hex(std::string_view text);

// One line of SCAN_RESULTS: "bssid / frequency / signal level / flags / ssid".
struct ScanLine {
    std::string bssid;  // as printed, lower case
    unsigned frequency_mhz = 0;
    int signal_dbm = 0;
    std::string flags;  // "[WPA2-PSK-CCMP][ESS]"
    std::string ssid;   // decoded bytes
};
// Malformed lines are skipped; the header line is recognised and skipped.
std::vector<ScanLine> parse_scan_results(std::string_view reply);

// One line of LIST_NETWORKS: "network id / ssid / bssid / flags".
struct NetworkLine {
    int id = -1;
    std::string ssid;  // decoded
    std::string bssid;
    std::string flags;
};
std::vector<NetworkLine> parse_list_networks(std::string_view reply);

// A command as it may appear in the log: the values of secret fields (SET_NETWORK psk,
// password, wep_key*, ... and WPS_PIN's PIN) are replaced by "[hidden]".
std::string redact_command(std::string_view command);
// An event as it may appear in the log (WPS-CRED-RECEIVED carries the network key).
std::string redact_event(std::string_view text);

// ---- The client ----

// Connects to wpa_supplicant's control socket `ctrl_path` with two datagram sockets of its own,
// bound under `client_dir` (the daemon's runtime directory) and removed when closed: one for
// requests (one outstanding at a time, the rest queued, each with a timeout), one ATTACHed for
// events. When wpa_supplicant goes away (TERMINATING, a refused send, a failed keep-alive PING)
// both are closed, the owner is told, and a timer watches for the socket path to come back.
class Control {
public:
    struct Options {
        // The control socket, e.g. /run/wpa_supplicant/wlan0. When empty, `ctrl_dir` is searched
        // for the first socket (in name order, p2p-dev-* skipped).
        std::string ctrl_path;
        std::string ctrl_dir;
        std::string client_dir = "/run/wizfi250d";
        std::chrono::milliseconds request_timeout{5000};
        std::chrono::milliseconds retry_interval{1000};
        std::chrono::milliseconds ping_interval{5000};
    };
    // The reply text, or nullopt: timeout, not connected, or the connection went away.
    using ReplyHandler = std::function<void(std::optional<std::string> reply)>;
    using EventHandler = std::function<void(const Event& event)>;
    // up: attached and answering; down: gone (called once per change).
    using StateHandler = std::function<void(bool up)>;

    Control(boost::asio::io_context& io, Options options);
    ~Control();
    Control(const Control&) = delete;
    Control& operator=(const Control&) = delete;

    void on_event(EventHandler handler) { event_handler_ = std::move(handler); }
    void on_state(StateHandler handler) { state_handler_ = std::move(handler); }

    // Starts connecting (and reconnecting whenever the connection is lost).
    void start();
    // Closes both sockets (their files are removed) and stops reconnecting; queued requests get
    // nullopt.
    void stop();

    bool up() const { return up_; }
    // Up, or its sockets open and ATTACH on its way: a request now is answered once attached.
    bool taking_requests() const { return up_ || command_socket_.is_open(); }
    // The control socket in use (resolved from ctrl_dir when ctrl_path was empty).
    const std::string& ctrl_path() const { return current_ctrl_path_; }
    // The interface name: the control socket's file name.
    std::string interface() const;

    // Sends a command. Completes with nullopt at once (posted) unless taking_requests().
    void request(std::string command, ReplyHandler done);

    // Sends a command at once, without waiting for (or reading) its reply, when connected; for
    // a last word at shutdown, when no event loop runs any more.
    void send_without_reply(const std::string& command);

    // Calls done once every event wpa_supplicant emitted before this call has been delivered to
    // the event handler (a PING through the event socket, whose PONG comes after them).
    void sync_events(std::function<void(bool ok)> done);

private:
    struct Pending {
        std::string command;
        ReplyHandler done;
    };
    using Socket = boost::asio::local::datagram_protocol::socket;

    void try_connect();
    void schedule_retry();
    bool open_socket(Socket& socket, std::string& bound_path, boost::system::error_code& ec);
    void close_sockets();
    void connection_lost(std::string_view why);
    void receive_commands();
    void receive_events();
    void handle_event_socket_datagram(std::string_view datagram);
    void send_next();
    void finish_current(std::optional<std::string> reply);
    void send_on_event_socket(std::string text,
                              std::function<void(std::optional<std::string>)> done);
    void pump_event_queue();
    void finish_event_socket_request(std::optional<std::string> reply);
    void schedule_ping();
    std::string resolve_ctrl_path() const;
    std::string next_client_path();

    boost::asio::io_context& io_;
    Options options_;
    std::shared_ptr<char> life_;  // handlers hold a weak_ptr: none runs after destruction

    Socket command_socket_;
    Socket event_socket_;
    std::string command_path_;
    std::string event_path_;
    std::string current_ctrl_path_;
    std::vector<char> command_buffer_;
    std::vector<char> event_buffer_;

    bool running_ = false;
    bool up_ = false;
    bool reported_unavailable_ = false;
    unsigned generation_ = 0;  // bumps on every (re)connect; stale completions are ignored
    unsigned client_counter_ = 0;

    std::deque<Pending> queue_;
    std::optional<Pending> current_;
    boost::asio::steady_timer request_timer_;
    std::uint64_t request_sequence_ = 0;

    // Requests on the event socket (ATTACH, the PING of sync_events and the keep-alive): one
    // outstanding at a time, FIFO.
    std::deque<std::pair<std::string, std::function<void(std::optional<std::string>)>>>
        event_queue_;
    bool event_request_outstanding_ = false;
    boost::asio::steady_timer event_request_timer_;
    std::uint64_t event_request_sequence_ = 0;

    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer ping_timer_;

    EventHandler event_handler_;
    StateHandler state_handler_;
};

}  // namespace wizfi250d::wpa
