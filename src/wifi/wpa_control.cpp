// SPDX-License-Identifier: Apache-2.0
// The asynchronous wpa_supplicant control-interface client and the parser of what it receives.

#include "wizfi250d/wifi/wpa_control.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace wizfi250d::wpa {

namespace {

constexpr std::size_t receive_buffer_size = 16384;
// sockaddr_un.sun_path is 108 bytes, NUL included.
constexpr std::size_t max_socket_path = 107;

std::optional<long> parse_long(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long value = 0;
    const auto* first = text.data();
    const auto* last = text.data() + text.size();
    if (*first == '+') ++first;
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc{} || end != last) return std::nullopt;
    return value;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits on '\n', dropping a trailing '\r' from each line and a final empty line.
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto tab = line.find('\t');
        fields.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) break;
        line.remove_prefix(tab + 1);
    }
    return fields;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

// SET_NETWORK fields whose values are secrets.
constexpr std::array<std::string_view, 14> secret_fields{
    "psk",
    "password",
    "sae_password",
    "wep_key0",
    "wep_key1",
    "wep_key2",
    "wep_key3",
    "private_key_passwd",
    "private_key2_passwd",
    "pin",
    "pin2",
    "machine_password",
    "mka_cak",
    "new_password",
};

bool is_socket(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

}  // namespace

// ---- parser ----

Message parse_message(std::string_view datagram) {
    Message message;
    message.text = datagram;
    std::string_view rest = datagram;
    std::string_view ifname;
    if (starts_with(rest, "IFNAME=")) {
        const auto blank = rest.find(' ');
        if (blank == std::string_view::npos) return message;
        ifname = rest.substr(7, blank - 7);
        rest.remove_prefix(blank + 1);
    }
    if (rest.empty() || rest.front() != '<') return message;
    const auto close = rest.find('>');
    if (close == std::string_view::npos || close < 2 || close > 4) return message;
    const auto level = parse_long(rest.substr(1, close - 1));
    if (!level || *level < 0) return message;
    message.kind = Message::Kind::event;
    message.level = static_cast<int>(*level);
    message.ifname = ifname;
    std::string_view text = rest.substr(close + 1);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    message.text = text;
    message.name = text.substr(0, text.find(' '));
    return message;
}

std::optional<std::string> event_field(std::string_view text, std::string_view key) {
    std::size_t from = 0;
    while (from < text.size()) {
        const auto at = text.find(key, from);
        if (at == std::string_view::npos) return std::nullopt;
        from = at + 1;
        const bool boundary = at == 0 || text[at - 1] == ' ' || text[at - 1] == '[';
        const auto value_at = at + key.size();
        if (!boundary || value_at >= text.size() || text[value_at] != '=') continue;
        std::string_view value = text.substr(value_at + 1);
        if (!value.empty() && value.front() == '"') {
            // A quoted value: up to the next '"' that is not escaped.
            std::size_t i = 1;
            while (i < value.size() && value[i] != '"')
                i += value[i] == '\\' ? 2 : 1;
            return decode_text(value.substr(1, std::min(i, value.size()) - 1));
        }
        const auto end = value.find_first_of(" ]");
        return std::string(value.substr(0, end));
    }
    return std::nullopt;
}

std::string_view trim_reply(std::string_view reply) {
    while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r'))
        reply.remove_suffix(1);
    return reply;
}

bool is_ok(std::string_view reply) {
    return trim_reply(reply) == "OK";
}

std::vector<std::pair<std::string, std::string>> parse_key_values(std::string_view reply) {
    std::vector<std::pair<std::string, std::string>> values;
    for (const auto line : split_lines(reply)) {
        const auto equals = line.find('=');
        if (equals == std::string_view::npos || equals == 0) continue;
        values.emplace_back(std::string(line.substr(0, equals)),
                            std::string(line.substr(equals + 1)));
    }
    return values;
}

std::optional<std::string> find_value(const std::vector<std::pair<std::string, std::string>>& kv,
                                      std::string_view key) {
    for (const auto& [name, value] : kv)
        if (name == key) return value;
    return std::nullopt;
}

std::string decode_text(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c != '\\' || i + 1 >= encoded.size()) {
            out.push_back(c);
            continue;
        }
        const char next = encoded[++i];
        switch (next) {
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'e':
                out.push_back('\033');
                break;
            case 'x': {
                int value = 0;
                int digits = 0;
                while (digits < 2 && i + 1 < encoded.size() && hex_value(encoded[i + 1]) >= 0) {
                    value = value * 16 + hex_value(encoded[++i]);
                    ++digits;
                }
                if (digits == 0) {
                    out += "\\x";
                } else {
                    out.push_back(static_cast<char>(value));
                }
                break;
            }
            default:
                if (next >= '0' && next <= '7') {
                    int value = next - '0';
                    for (int digits = 1; digits < 3 && i + 1 < encoded.size() &&
                                         encoded[i + 1] >= '0' && encoded[i + 1] <= '7';
                         ++digits)
                        value = value * 8 + (encoded[++i] - '0');
                    out.push_back(static_cast<char>(value & 0xff));
                } else {
                    out.push_back(next);  // \\ and \" and anything unknown: the character
                }
                break;
        }
    }
    return out;
}

std::string to_hex(std::string_view bytes) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        hex += digits[byte >> 4];
        hex += digits[byte & 0x0f];
    }
    return hex;
}

bool is_hex(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = hex_value(hex[i]);
        const int low = hex_value(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes.push_back(static_cast<char>(high * 16 + low));
    }
    return bytes;
}

std::vector<ScanLine> parse_scan_results(std::string_view reply) {
    std::vector<ScanLine> results;
    for (const auto line : split_lines(reply)) {
        if (starts_with(line, "bssid /")) continue;
        const auto fields = split_tabs(line);
        if (fields.size() < 4) continue;
        const auto frequency = parse_long(fields[1]);
        const auto signal = parse_long(fields[2]);
        if (fields[0].size() != 17 || !frequency || *frequency < 0 || *frequency > 100000 ||
            !signal || *signal < -1000 || *signal > 1000)
            continue;
        ScanLine result;
        result.bssid = std::string(fields[0]);
        for (char& c : result.bssid)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        result.frequency_mhz = static_cast<unsigned>(*frequency);
        result.signal_dbm = static_cast<int>(*signal);
        result.flags = std::string(fields[3]);
        if (fields.size() >= 5) result.ssid = decode_text(fields[4]);
        results.push_back(std::move(result));
    }
    return results;
}

std::vector<NetworkLine> parse_list_networks(std::string_view reply) {
    std::vector<NetworkLine> networks;
    for (const auto line : split_lines(reply)) {
        if (starts_with(line, "network id /")) continue;
        const auto fields = split_tabs(line);
        const auto id = parse_long(fields[0]);
        if (!id || *id < 0 || *id > 1000000 || fields.size() < 2) continue;
        NetworkLine network;
        network.id = static_cast<int>(*id);
        network.ssid = decode_text(fields[1]);
        if (fields.size() >= 3) network.bssid = std::string(fields[2]);
        if (fields.size() >= 4) network.flags = std::string(fields[3]);
        networks.push_back(std::move(network));
    }
    return networks;
}

std::string redact_command(std::string_view command) {
    // Words: COMMAND arg1 arg2 ...
    const auto first_blank = command.find(' ');
    const std::string name = upper(command.substr(0, first_blank));
    if (first_blank == std::string_view::npos) return std::string(command);
    if (name == "SET_NETWORK") {
        // SET_NETWORK <id> <field> <value>
        const auto second = command.find(' ', first_blank + 1);
        if (second == std::string_view::npos) return std::string(command);
        const auto third = command.find(' ', second + 1);
        const std::string_view field = command.substr(second + 1, third - second - 1);
        if (third == std::string_view::npos) return std::string(command);
        for (const auto secret : secret_fields)
            if (field == secret) return std::string(command.substr(0, third)) + " [hidden]";
        return std::string(command);
    }
    if (name == "WPS_PIN" || name == "WPS_REG" || name == "WPS_AP_PIN" ||
        name == "WPS_NFC_TAG_READ" || starts_with(name, "CTRL-RSP-") || name == "PASSPHRASE" ||
        name == "NEW_PASSWORD") {
        // Keep the first argument (e.g. "any"), hide the rest.
        const auto second = command.find(' ', first_blank + 1);
        if (name == "WPS_PIN" && second != std::string_view::npos)
            return std::string(command.substr(0, second)) + " [hidden]";
        return std::string(command.substr(0, first_blank)) + " [hidden]";
    }
    return std::string(command);
}

std::string redact_event(std::string_view text) {
    const std::string_view name = text.substr(0, text.find(' '));
    if (name == "WPS-CRED-RECEIVED" || name == "WPS-NEW-AP-SETTINGS" ||
        starts_with(name, "CTRL-RSP-"))
        return std::string(name) + " [hidden]";
    return std::string(text);
}

// ---- client ----

Control::Control(boost::asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      life_(std::make_shared<char>()),
      command_socket_(io),
      event_socket_(io),
      command_buffer_(receive_buffer_size),
      event_buffer_(receive_buffer_size),
      request_timer_(io),
      event_request_timer_(io),
      retry_timer_(io),
      ping_timer_(io) {}

Control::~Control() {
    life_.reset();
    running_ = false;
    up_ = false;
    close_sockets();
}

std::string Control::interface() const {
    const std::string& path = current_ctrl_path_.empty() ? options_.ctrl_path : current_ctrl_path_;
    return std::filesystem::path(path).filename().string();
}

void Control::start() {
    if (running_) return;
    running_ = true;
    try_connect();
}

void Control::stop() {
    running_ = false;
    retry_timer_.cancel();
    if (up_ || command_socket_.is_open()) connection_lost("stopped");
    retry_timer_.cancel();
}

std::string Control::resolve_ctrl_path() const {
    if (!options_.ctrl_path.empty()) return options_.ctrl_path;
    std::error_code ec;
    std::vector<std::string> candidates;
    for (const auto& entry : std::filesystem::directory_iterator(options_.ctrl_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (starts_with(name, "p2p-dev-") || name == "global") continue;
        if (is_socket(entry.path().string())) candidates.push_back(entry.path().string());
    }
    std::sort(candidates.begin(), candidates.end());
    return candidates.empty() ? std::string{} : candidates.front();
}

std::string Control::next_client_path() {
    return options_.client_dir + "/wpa_ctrl_" + std::to_string(::getpid()) + "-" +
           std::to_string(++client_counter_);
}

bool Control::open_socket(Socket& socket, std::string& bound_path, boost::system::error_code& ec) {
    using boost::asio::local::datagram_protocol;
    std::error_code dir_error;
    std::filesystem::create_directories(options_.client_dir, dir_error);
    const std::string path = next_client_path();
    if (path.size() > max_socket_path) {
        ec = boost::system::errc::make_error_code(boost::system::errc::filename_too_long);
        return false;
    }
    socket.open(datagram_protocol(), ec);
    if (ec) return false;
    ::unlink(path.c_str());  // left behind by an earlier process with the same PID
    socket.bind(datagram_protocol::endpoint(path), ec);
    if (ec) {
        socket.close();
        return false;
    }
    bound_path = path;
    socket.connect(datagram_protocol::endpoint(current_ctrl_path_), ec);
    if (ec) return false;
    return true;
}

void Control::close_sockets() {
    boost::system::error_code ignored;
    for (auto* socket : {&command_socket_, &event_socket_}) {
        if (socket->is_open()) {
            socket->cancel(ignored);
            socket->close(ignored);
        }
    }
    for (auto* path : {&command_path_, &event_path_}) {
        if (!path->empty()) ::unlink(path->c_str());
        path->clear();
    }
}

void Control::try_connect() {
    if (!running_) return;
    const std::string path = resolve_ctrl_path();
    if (path.empty() || !is_socket(path)) {
        if (!reported_unavailable_) {
            spdlog::warn("wpa_supplicant: no control socket at {} yet; retrying every {} ms",
                         path.empty() ? options_.ctrl_dir + "/*" : path,
                         options_.retry_interval.count());
            reported_unavailable_ = true;
        }
        schedule_retry();
        return;
    }
    current_ctrl_path_ = path;
    boost::system::error_code ec;
    if (!open_socket(command_socket_, command_path_, ec) ||
        !open_socket(event_socket_, event_path_, ec)) {
        if (!reported_unavailable_) {
            spdlog::warn("wpa_supplicant: cannot connect to {}: {}; retrying every {} ms", path,
                         ec.message(), options_.retry_interval.count());
            reported_unavailable_ = true;
        }
        close_sockets();
        schedule_retry();
        return;
    }
    ++generation_;
    receive_commands();
    receive_events();
    const unsigned generation = generation_;
    send_on_event_socket("ATTACH", [this, generation](std::optional<std::string> reply) {
        if (generation != generation_) return;
        if (!reply || !is_ok(*reply)) {
            connection_lost(reply ? "ATTACH refused" : "no answer to ATTACH");
            return;
        }
        up_ = true;
        reported_unavailable_ = false;
        spdlog::info("wpa_supplicant: connected to {}", current_ctrl_path_);
        schedule_ping();
        if (state_handler_) state_handler_(true);
        send_next();
    });
}

void Control::schedule_retry() {
    if (!running_) return;
    retry_timer_.expires_after(options_.retry_interval);
    std::weak_ptr<char> life = life_;
    retry_timer_.async_wait([this, life](boost::system::error_code ec) {
        if (ec || life.expired()) return;
        try_connect();
    });
}

void Control::connection_lost(std::string_view why) {
    const bool was_up = up_;
    up_ = false;
    ++generation_;
    close_sockets();
    request_timer_.cancel();
    event_request_timer_.cancel();
    ping_timer_.cancel();

    // Everything waiting gets "no reply", after this returns.
    std::vector<ReplyHandler> failed;
    if (current_) failed.push_back(std::move(current_->done));
    current_.reset();
    for (auto& pending : queue_)
        failed.push_back(std::move(pending.done));
    queue_.clear();
    std::vector<std::function<void(std::optional<std::string>)>> failed_event_requests;
    for (auto& pending : event_queue_)
        failed_event_requests.push_back(std::move(pending.second));
    event_queue_.clear();
    event_request_outstanding_ = false;
    std::weak_ptr<char> life = life_;
    if (!failed.empty() || !failed_event_requests.empty()) {
        boost::asio::post(io_, [life, failed = std::move(failed),
                                failed_event_requests = std::move(failed_event_requests)] {
            if (life.expired()) return;
            for (const auto& done : failed)
                if (done) done(std::nullopt);
            for (const auto& done : failed_event_requests)
                if (done) done(std::nullopt);
        });
    }
    if (was_up && !running_) {
        spdlog::info("wpa_supplicant: connection to {} closed", current_ctrl_path_);
        if (state_handler_) state_handler_(false);
    } else if (was_up) {
        spdlog::warn("wpa_supplicant: connection to {} lost ({})", current_ctrl_path_, why);
        if (state_handler_) state_handler_(false);
    } else {
        spdlog::debug("wpa_supplicant: connection attempt to {} ended ({})", current_ctrl_path_,
                      why);
    }
    schedule_retry();
}

void Control::receive_commands() {
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    command_socket_.async_receive(
        boost::asio::buffer(command_buffer_),
        [this, life, generation](boost::system::error_code ec, std::size_t n) {
            if (life.expired() || generation != generation_) return;
            if (ec) {
                connection_lost("command socket: " + ec.message());
                return;
            }
            const std::string_view datagram(command_buffer_.data(), n);
            const Message message = parse_message(datagram);
            if (message.kind == Message::Kind::reply) {
                if (current_) {
                    finish_current(std::string(datagram));
                    if (life.expired() || generation != generation_) return;
                } else {
                    spdlog::debug("wpa_supplicant: reply with no request outstanding dropped");
                }
            }
            receive_commands();
        });
}

void Control::receive_events() {
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    event_socket_.async_receive(
        boost::asio::buffer(event_buffer_),
        [this, life, generation](boost::system::error_code ec, std::size_t n) {
            if (life.expired() || generation != generation_) return;
            if (ec) {
                connection_lost("event socket: " + ec.message());
                return;
            }
            handle_event_socket_datagram(std::string_view(event_buffer_.data(), n));
            if (life.expired() || generation != generation_) return;
            receive_events();
        });
}

void Control::handle_event_socket_datagram(std::string_view datagram) {
    const Message message = parse_message(datagram);
    if (message.kind == Message::Kind::reply) {
        finish_event_socket_request(std::string(datagram));
        return;
    }
    Event event{message.level, std::string(message.name), std::string(message.text)};
    spdlog::debug("wpa_supplicant event: {}", redact_event(event.text));
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    if (event_handler_) event_handler_(event);
    if (life.expired() || generation != generation_) return;
    if (event.name == "CTRL-EVENT-TERMINATING") connection_lost("wpa_supplicant is terminating");
}

void Control::request(std::string command, ReplyHandler done) {
    // A request made while ATTACH is on its way (just after start-up) waits for its answer;
    // connection_lost fails it.
    if (!taking_requests()) {
        spdlog::debug("wpa_supplicant: not connected; '{}' not sent", redact_command(command));
        std::weak_ptr<char> life = life_;
        boost::asio::post(io_, [life, done = std::move(done)] {
            if (!life.expired() && done) done(std::nullopt);
        });
        return;
    }
    queue_.push_back(Pending{std::move(command), std::move(done)});
    send_next();
}

void Control::send_next() {
    if (!up_ || current_ || queue_.empty()) return;
    current_ = std::move(queue_.front());
    queue_.pop_front();
    // The keep-alive PING every few seconds would drown the debug log.
    spdlog::log(current_->command == "PING" ? spdlog::level::trace : spdlog::level::debug,
                "wpa_supplicant < {}", redact_command(current_->command));
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    const std::uint64_t sequence = ++request_sequence_;
    request_timer_.expires_after(options_.request_timeout);
    request_timer_.async_wait([this, life, generation, sequence](boost::system::error_code ec) {
        if (ec || life.expired() || generation != generation_ || !current_ ||
            sequence != request_sequence_)
            return;
        // wpa_supplicant answers every command at once; silence means it is gone (or hung).
        connection_lost("no reply to '" + redact_command(current_->command) + "'");
    });
    auto text = std::make_shared<std::string>(current_->command);
    command_socket_.async_send(
        boost::asio::buffer(*text),
        [this, life, generation, text](boost::system::error_code ec, std::size_t) {
            if (life.expired() || generation != generation_) return;
            if (ec) connection_lost("send: " + ec.message());
        });
}

void Control::finish_current(std::optional<std::string> reply) {
    request_timer_.cancel();
    ++request_sequence_;
    Pending finished = std::move(*current_);
    current_.reset();
    if (reply && spdlog::should_log(spdlog::level::trace)) {
        const std::string name = upper(finished.command.substr(0, finished.command.find(' ')));
        const bool sensitive = name == "WPS_PIN" || name == "GET_NETWORK";
        spdlog::trace("wpa_supplicant > {}",
                      sensitive ? std::string("[not logged]") : std::string(trim_reply(*reply)));
    }
    std::weak_ptr<char> life = life_;
    if (finished.done) finished.done(std::move(reply));
    if (life.expired()) return;
    send_next();
}

void Control::send_on_event_socket(std::string text,
                                   std::function<void(std::optional<std::string>)> done) {
    event_queue_.emplace_back(std::move(text), std::move(done));
    pump_event_queue();
}

void Control::pump_event_queue() {
    if (event_request_outstanding_ || event_queue_.empty() || !event_socket_.is_open()) return;
    event_request_outstanding_ = true;
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    const std::uint64_t sequence = ++event_request_sequence_;
    event_request_timer_.expires_after(options_.request_timeout);
    event_request_timer_.async_wait(
        [this, life, generation, sequence](boost::system::error_code ec) {
            if (ec || life.expired() || generation != generation_ ||
                sequence != event_request_sequence_ || !event_request_outstanding_)
                return;
            connection_lost("no reply on the event socket");
        });
    auto payload = std::make_shared<std::string>(event_queue_.front().first);
    event_socket_.async_send(
        boost::asio::buffer(*payload),
        [this, life, generation, payload](boost::system::error_code ec, std::size_t) {
            if (life.expired() || generation != generation_) return;
            if (ec) connection_lost("send on the event socket: " + ec.message());
        });
}

void Control::finish_event_socket_request(std::optional<std::string> reply) {
    if (!event_request_outstanding_ || event_queue_.empty()) return;  // a stray reply
    event_request_timer_.cancel();
    event_request_outstanding_ = false;
    ++event_request_sequence_;
    auto done = std::move(event_queue_.front().second);
    event_queue_.pop_front();
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    if (done) done(std::move(reply));
    if (life.expired() || generation != generation_) return;
    pump_event_queue();
}

void Control::send_without_reply(const std::string& command) {
    if (!up_ || !command_socket_.is_open()) return;
    spdlog::debug("wpa_supplicant < {} (reply not awaited)", redact_command(command));
    boost::system::error_code ignored;
    command_socket_.non_blocking(true, ignored);
    command_socket_.send(boost::asio::buffer(command), 0, ignored);
}

void Control::sync_events(std::function<void(bool ok)> done) {
    if (!taking_requests()) {
        std::weak_ptr<char> life = life_;
        boost::asio::post(io_, [life, done = std::move(done)] {
            if (!life.expired() && done) done(false);
        });
        return;
    }
    send_on_event_socket("PING", [done = std::move(done)](std::optional<std::string> reply) {
        if (done) done(reply && trim_reply(*reply) == "PONG");
    });
}

void Control::schedule_ping() {
    if (options_.ping_interval.count() <= 0) return;
    std::weak_ptr<char> life = life_;
    const unsigned generation = generation_;
    ping_timer_.expires_after(options_.ping_interval);
    ping_timer_.async_wait([this, life, generation](boost::system::error_code ec) {
        if (ec || life.expired() || generation != generation_ || !up_) return;
        // A refused send or no reply ends the connection (send_next); PONG keeps it.
        request("PING", [this, life, generation](std::optional<std::string> reply) {
            if (life.expired() || generation != generation_) return;
            if (reply && trim_reply(*reply) != "PONG")
                spdlog::debug("wpa_supplicant: unexpected answer to PING");
            schedule_ping();
        });
    });
}

}  // namespace wizfi250d::wpa
