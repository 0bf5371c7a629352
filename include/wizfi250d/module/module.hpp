// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/command_table.hpp"
#include "wizfi250d/at/line_reader.hpp"
#include "wizfi250d/module/air_command.hpp"
#include "wizfi250d/module/data_pump.hpp"
#include "wizfi250d/module/output.hpp"
#include "wizfi250d/module/settings.hpp"
#include "wizfi250d/mqtt/mqtt_session.hpp"
#include "wizfi250d/net/certificate_store.hpp"
#include "wizfi250d/net/module_tls.hpp"
#include "wizfi250d/net/name_lookup.hpp"
#include "wizfi250d/net/socket.hpp"
#include "wizfi250d/net/socket_table.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/profile/profile_store.hpp"
#include "wizfi250d/profile/run_marker.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d {

class SerialLink;
class WebConsole;

// What the serial input means right now (design: the Module state machine).
enum class ModuleState {
    booting,
    command,    // bytes are command characters (echo, line assembly)
    payload,    // bytes are the raw payload of AT+SSEND or AT+MCERT=W
    busy,       // a long command runs; input waits (bounded) and is processed after it
    data,       // bytes go to the data-mode socket
    sleeping,   // AT+MMCUPS: the UART is dead until the timeout
    rebooting,  // an emulated reboot; input is lost, as on the module
};

std::string_view state_name(ModuleState state);

// Module state that no profile image holds (spec §5.2 "not stored at all").
struct RuntimeState {
    unsigned tx_power_dbm = 31;    // AT+MTXP
    unsigned wifi_power_save = 0;  // AT+MWIFIPS action
    unsigned wifi_power_save_delay = 0;
    bool web_server_running = false;  // AT+FWEBS
};

// Owns the module's state and is the only place it changes (set_state). Serial input comes in
// through on_serial_input(); commands run through the command table; output leaves through
// Output.
class Module final : private SocketObserver {
public:
    using DataConsumer = std::function<void(std::string_view bytes)>;

    Module(boost::asio::io_context& io, DaemonSettings settings, SerialLink& link,
           std::unique_ptr<WifiBackend> wifi);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    // Reads the saved profile from the state directory into both images (before the serial
    // link opens, so that its UART settings apply from the start).
    void load_saved_profile();
    // The first boot: [Reset Event] after an unclean exit, the banner, then the command loop.
    void start();
    // SIGHUP: takes what can change without dropping sockets (TLS, Air command policy, data
    // flush, reboot delay, version strings); the rest is logged as needing a restart.
    void reload(const DaemonSettings& settings);
    // A clean stop (SIGTERM): sockets and the link closed without events, the run marked clean.
    void shutdown();

    void on_serial_input(std::string_view bytes);

    SerialLink& serial() { return serial_; }

    // Ends a command that returned ResultCode::pending.
    void finish_command(ResultCode code);

    // An emulated reboot (spec §5.3): the caller has printed [OK]. close_first: close sockets
    // and leave Wi-Fi with their events first (MRESET, MFDEF); WREG, USET, MMAC do not.
    void reboot(bool close_first);

    // [OK], then the whole RAM profile saved and an immediate reboot without closing first
    // (USET, MMAC, MSPI, WREG).
    void save_and_reboot();

    // Copies the RAM profile to the saved image ("flash") and writes it to the state directory.
    // false when the file could not be written (logged; the old file stays intact).
    bool save_profile();
    // Writes the saved image as it is (after WSET/WSEC changed fields of it directly).
    bool persist_saved_image();
    // Copies the saved image to RAM (AT+MPROF=L, AT+WWPS).
    void load_profile();

    // Routes the next `length` serial bytes to consumer, raw and without echo; the caller's
    // command stays pending and ends with finish_command(). cancel_payload() stops early (a
    // timeout): the bytes after it are parsed as commands again, as on the module.
    void read_payload(std::size_t length, DataConsumer consumer);
    void cancel_payload();

    // Stops taking serial input (the consumer cannot keep up) and starts again.
    void hold_input();
    void release_input();

    // AT+MMCUPS: input is ignored for this long.
    void sleep_input(std::chrono::milliseconds duration);

    // The Wi-Fi link (module_link.cpp). join() prints the join lines and the Link-Up block and
    // reports whether the link came up; leave() closes every socket (with its event) and
    // prints [Link-Down Event].
    void join(std::function<void(bool up)> done);
    void leave();
    bool link_up() const { return wifi_link_.has_value(); }
    const std::optional<LinkInfo>& link() const { return wifi_link_; }
    WifiBackend& wifi() { return *wifi_; }
    // Host-name lookups (AT+FDNS, SCON by AT+SDNAME): through the link's name servers (DHCP or
    // AT+WADNS) when it has some, else the system resolver.
    std::unique_ptr<NameLookup> make_name_lookup();
    // AT+WADNS (spec §2.2: "applied to the resolver at once"): a link that is up takes the
    // profile's WADNS servers (dns1, then dns2) as its name servers. Nothing changes without a
    // link (a static join uses them) or when neither server is set.
    void apply_wadns_servers();

    // Sockets (module_sockets.cpp). open_socket() takes the lowest free CID; the events of
    // spec §2.3 follow (some before it returns, see design "Event order").
    unsigned open_socket(const SocketSpec& spec);
    // Closes with [DISCONNECT n] before returning.
    void close_socket(unsigned cid);
    void close_all_sockets();
    SocketTable& sockets() { return sockets_; }
    // What AT+MCERT stores, and the TLS contexts made from it.
    CertificateStore& certificates() { return certificates_; }
    // The TLS contexts of TCS/TSS (and of MQTT over TLS).
    ModuleTlsContexts& tls_contexts() { return tls_; }
    // The MQTT client of AT+MQTTCON/SUB/PUB (spec §2.6).
    MqttSession& mqtt() { return mqtt_; }
    // The socket opened in data mode, while it is connected (from [CONNECT n] until it closes,
    // +++ included): SCON is refused then and SDATA goes back to it.
    std::optional<unsigned> connected_data_socket() const;
    // AT+SDATA: back to data mode on the data socket.
    bool resume_data_mode();

    // The Air command server (module_air.cpp, spec §6). start_air_command() starts the server
    // of the profile's record on the link's address; false when it cannot (no link, turned off
    // in the daemon config, the port taken).
    bool start_air_command();
    bool air_command_running() const { return air_server_ != nullptr; }
    // Runs commands that came over the air as if typed, with their output captured and handed
    // to reply (never called for a command that reboots).
    void run_air_command(std::string commands, std::function<void(std::string)> reply);
    // Runs commands for the web pages in the one executor, the way Air commands run, with
    // CaptureMode::replies: the page gets the replies, the host sees the events on the UART as
    // if it had run the commands. After `deadline` the page gets what was captured so far; a
    // command still running then ends unseen (its replies stay off the UART) and the lines
    // after it are dropped. Commands that could not start within `deadline` (the host in data
    // mode or typing a line all that time) never run: not_run is called instead. false when
    // too many requests wait already.
    bool run_for_web(std::string commands, std::chrono::milliseconds deadline,
                     std::function<void(std::string)> reply, std::function<void()> not_run);
    // How long the web pages wait for their commands: the Air command's reply deadline (spec
    // §6), and for a page's join (AT+WLEAVE, AT+WJOIN) the backend's longest join beside it.
    static std::chrono::milliseconds web_command_deadline();
    std::chrono::milliseconds web_join_deadline() const;

    // The web configuration server (module_web.cpp, spec §2.5 AT+FWEBS): on the link's address,
    // only while started. start_web_server() is false when it cannot (no link, web_server = off
    // in the daemon config, the port taken).
    bool start_web_server();
    void stop_web_server();
    bool web_server_running() const { return runtime_.web_server_running; }
    // The web server's port while it runs (0 otherwise).
    std::uint16_t web_server_port() const;
    // AT+FWEBS=…,F: the FUNCTION button pressed once (spec §7): AP mode with the button's
    // settings saved, then a reboot into it with the web and Air command servers running.
    void function_button();
    // When the module last booted (the web status page's uptime).
    std::chrono::steady_clock::time_point booted_at() const { return booted_at_; }

    ModuleState state() const { return state_; }
    Profile& profile() { return images_.ram; }
    RuntimeState& runtime() { return runtime_; }
    ProfileImages& images() { return images_; }
    Output& output() { return output_; }
    const DaemonSettings& settings() const { return settings_; }
    const CommandTable& commands() const { return commands_; }
    boost::asio::io_context& io() { return io_; }

private:
    // SocketObserver
    void socket_listening(Socket& socket) override;
    void socket_connected(Socket& socket) override;
    void socket_closed(Socket& socket, bool relistening) override;
    void socket_received(Socket& socket, const Endpoint& from, std::string_view bytes) override;
    bool socket_received_borrowing(Socket& socket, const Endpoint& from, std::string_view bytes,
                                   std::function<void()> resume) override;
    bool receive_room() const override;
    void when_receive_room(std::function<void()> callback) override;

    void link_lost();
    // The link came back by itself (re-association and IP again, spec §3.2).
    void link_restored(LinkInfo link);
    void report_link_up();
    void try_air_command();
    void continue_air_command();
    void finish_air_command();
    // Whether the host sent ESC while a command ran (it stops WJOIN's retries); the ESC is
    // consumed.
    bool take_escape();
    // Once a second: socket idle timeouts (AT+FSOCK=5) and the multi-accept listener (=9), the
    // service retry (=6) and the recovery resets (=7, =8) (module_service.cpp).
    void housekeeping();
    void schedule_housekeeping();
    void check_recovery_options(std::chrono::steady_clock::time_point now);
    // Spec §5.5: after every link-up, open the service record when no socket is open.
    void run_service_check();
    // Spec §5.3 step 5: a service record means "join at boot".
    void boot_join();
    void recovery_reset(std::string_view why);
    // After link-up: the web server of an "A" type (spec §5.3 step 8).
    void start_web_server_of_type_a();
    // The boot after the FUNCTION-button action: join in AP mode, start web and Air command.
    void function_boot();
    // AT+WCHECK: every period, ping the gateway; too many timeouts (or no station link in
    // service mode) reset the module (spec §2.2).
    void check_gateway(std::chrono::steady_clock::time_point now);
    void start_data_mode();
    void send_data_packet(std::string packet, std::function<void(bool ok)> done);
    std::size_t send_data_now(std::string_view head, std::string_view body);
    void escaped_from_data_mode();

    void set_state(ModuleState next, std::string_view why);
    void boot(bool reopen_serial);
    void boot_when_drained();
    void process_input();
    void process_command_bytes();
    void run_line(const std::string& line);
    void trace_line(std::string_view line) const;
    void flush_echo();

    boost::asio::io_context& io_;
    DaemonSettings settings_;
    SerialLink& serial_;
    ProfileImages images_;
    ProfileStore store_;
    bool profile_loaded_ = false;
    RunMarker run_marker_;
    RuntimeState runtime_;
    Output output_;
    CommandTable commands_;
    LineReader reader_;
    ModuleState state_ = ModuleState::booting;

    // Serial bytes received but not processed yet (a command is running, or the output is
    // congested). Bounded: while it holds anything the link is not read.
    std::string pending_input_;
    std::size_t pending_offset_ = 0;
    std::string echo_;
    bool input_held_ = false;
    bool in_handler_ = false;
    bool finished_in_handler_ = false;
    // Commands that were running when the module rebooted; their late finish is dropped.
    unsigned stale_finishes_ = 0;
    bool draining_scheduled_ = false;

    std::size_t payload_remaining_ = 0;
    DataConsumer payload_consumer_;

    CertificateStore certificates_;
    ModuleTlsContexts tls_;
    std::unique_ptr<WifiBackend> wifi_;
    std::optional<LinkInfo> wifi_link_;
    SocketTable sockets_;
    SocketContext socket_context_;
    // The data-mode socket (SCON with DataMode=1) and whether it is connected.
    std::optional<unsigned> data_socket_;
    bool data_connected_ = false;
    // A data-mode TCP server whose client left while in data mode goes back to data mode with
    // the next client.
    bool resume_data_on_connect_ = true;
    // Set while sockets close without events (a reboot that does not close first).
    bool quiet_socket_events_ = false;
    DataPump data_pump_;

    // The port of the last multi-accept TCP server (AT+FSOCK=9,1) that needs a listener.
    std::optional<SocketSpec> multi_accept_listener_;
    struct AirJob {
        std::string commands;
        std::function<void(std::string)> reply;  // empty once the page has had its reply
        CaptureMode mode = CaptureMode::everything;
        std::chrono::milliseconds deadline{};
        std::function<void()> not_run;  // web pages: the commands did not start in time
        std::chrono::steady_clock::time_point queued_at{};
        std::size_t offset = 0;
    };
    void drop_web_jobs_past_deadline(std::chrono::steady_clock::time_point now);
    bool queue_captured(AirJob job);
    void air_deadline_passed();
    std::unique_ptr<AirCommandServer> air_server_;
    std::deque<AirJob> air_jobs_;
    std::optional<AirJob> air_current_;
    LineReader air_reader_;
    boost::asio::steady_timer air_timer_;
    boost::asio::steady_timer air_deadline_;
    std::chrono::steady_clock::time_point last_serial_input_;

    std::unique_ptr<WebConsole> web_;
    // Set by the FUNCTION-button action: the next boot joins in AP mode and starts the web and
    // Air command servers.
    bool function_boot_ = false;
    std::chrono::steady_clock::time_point booted_at_ = std::chrono::steady_clock::now();

    boost::asio::steady_timer housekeeping_timer_;
    // For AT+FSOCK=6/7/8: the last service try, the last socket data, since when no socket is
    // open.
    std::chrono::steady_clock::time_point last_service_try_;
    std::chrono::steady_clock::time_point last_socket_data_;
    std::chrono::steady_clock::time_point no_socket_since_;
    std::chrono::steady_clock::time_point last_gateway_check_;
    bool gateway_check_running_ = false;
    boost::asio::steady_timer reboot_timer_;
    boost::asio::steady_timer sleep_timer_;
    MqttSession mqtt_;
};

}  // namespace wizfi250d
