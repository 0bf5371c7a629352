// SPDX-License-Identifier: Apache-2.0
#pragma once

// A STAND-IN for wpa_supplicant's control socket (design "Test rules": a stand-in only where no
// real part can run here, speaking the real protocol). It serves a Unix datagram socket in a
// temporary directory the way wpa_supplicant does: one datagram per command, one per reply,
// "<3>EVENT" datagrams to every ATTACHed client. It keeps a small network table (ADD_NETWORK,
// SET_NETWORK, GET_NETWORK, LIST_NETWORKS, REMOVE_NETWORK) and answers SCAN/SCAN_RESULTS/BSS
// with canned lines, because no radio exists on the build machine. What SELECT_NETWORK leads to
// (connected, an EAP failure, silence) is chosen by the test.

#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace wizfi250d::testing {

class StandInWpaSupplicant {
public:
    enum class OnSelect { connect, eap_failure, nothing };

    StandInWpaSupplicant(boost::asio::io_context& io, std::string path)
        : path_(std::move(path)), socket_(io) {
        open();
    }
    ~StandInWpaSupplicant() { close(); }

    const std::string& path() const { return path_; }

    // Serves again after close() (a restarted wpa_supplicant: no networks, no attached clients).
    void open() {
        using boost::asio::local::datagram_protocol;
        ::unlink(path_.c_str());
        socket_.open(datagram_protocol());
        socket_.bind(datagram_protocol::endpoint(path_));
        networks_.clear();
        next_id_ = 0;
        attached_.clear();
        receive();
    }

    // wpa_supplicant going away: optionally with its last events, then the socket file is gone.
    void close(bool say_terminating = false) {
        if (!socket_.is_open()) return;
        if (say_terminating) {
            if (connected_)
                emit("CTRL-EVENT-DISCONNECTED bssid=" + bssid + " reason=3 locally_generated=1");
            emit("CTRL-EVENT-TERMINATING");
        }
        connected_ = false;
        boost::system::error_code ignored;
        socket_.close(ignored);
        ::unlink(path_.c_str());
    }
    bool is_open() const { return socket_.is_open(); }

    // Sends "<3>text" to every attached client.
    void emit(const std::string& text, int level = 3) {
        const std::string datagram = "<" + std::to_string(level) + ">" + text;
        for (const auto& client : attached_) {
            boost::system::error_code ignored;
            socket_.send_to(boost::asio::buffer(datagram),
                            boost::asio::local::datagram_protocol::endpoint(client), 0, ignored);
        }
    }

    // Every command received (in order), PINGs excluded.
    std::vector<std::string> commands;
    std::size_t attached() const { return attached_.size(); }
    bool connected() const { return connected_; }
    // The fields set on a network (values as sent).
    std::map<std::string, std::string> network(int id) const {
        const auto it = networks_.find(id);
        return it == networks_.end() ? std::map<std::string, std::string>{} : it->second;
    }
    std::vector<int> network_ids() const {
        std::vector<int> ids;
        for (const auto& entry : networks_)
            ids.push_back(entry.first);
        return ids;
    }
    // A network the administrator configured (no id_str of ours).
    int add_foreign_network(const std::string& ssid_quoted) {
        const int id = next_id_++;
        networks_[id]["ssid"] = ssid_quoted;
        return id;
    }

    // Behaviour knobs.
    OnSelect on_select = OnSelect::connect;
    std::string bssid = "01:80:c2:00:00:03";
    // SCAN_RESULTS body lines (after the header); SCAN emits CTRL-EVENT-SCAN-RESULTS when
    // scan_completes.
    std::vector<std::string> scan_lines;
    bool scan_completes = true;
    // BSS <bssid> → "ie=<hex>" when present here.
    std::map<std::string, std::string> bss_ies;
    std::string key_mgmt_capability = "NONE IEEE8021X";
    // Stay silent (no reply) to these commands (by first word).
    std::set<std::string> silent;
    // Extra events after a reply, by command (first word).
    std::map<std::string, std::vector<std::string>> events_after;
    // Answer overrides by exact command.
    std::map<std::string, std::string> answers;

private:
    void receive() {
        socket_.async_receive_from(boost::asio::buffer(buffer_), sender_,
                                   [this](boost::system::error_code ec, std::size_t n) {
                                       if (ec) return;
                                       handle(std::string(buffer_.data(), n), sender_.path());
                                       if (socket_.is_open()) receive();
                                   });
    }

    void reply(const std::string& to, const std::string& text) {
        boost::system::error_code ignored;
        socket_.send_to(boost::asio::buffer(text),
                        boost::asio::local::datagram_protocol::endpoint(to), 0, ignored);
    }

    static std::string word(const std::string& text, std::size_t n) {
        std::size_t start = 0;
        for (std::size_t i = 0; i < n; ++i) {
            start = text.find(' ', start);
            if (start == std::string::npos) return {};
            ++start;
        }
        return text.substr(start, text.find(' ', start) - start);
    }
    static std::string rest_after(const std::string& text, std::size_t words) {
        std::size_t start = 0;
        for (std::size_t i = 0; i < words; ++i) {
            start = text.find(' ', start);
            if (start == std::string::npos) return {};
            ++start;
        }
        return text.substr(start);
    }

    void handle(const std::string& command, const std::string& from) {
        const std::string name = word(command, 0);
        if (name != "PING") commands.push_back(command);
        if (silent.count(name) != 0) return;
        if (const auto it = answers.find(command); it != answers.end()) {
            reply(from, it->second);
        } else {
            reply(from, answer(command, name, from));
        }
        if (const auto it = events_after.find(name); it != events_after.end())
            for (const auto& event : it->second)
                emit(event);
        after(command, name);
    }

    std::string answer(const std::string& command, const std::string& name,
                       const std::string& from) {
        if (name == "PING") return "PONG\n";
        if (name == "ATTACH") {
            attached_.insert(from);
            return "OK\n";
        }
        if (name == "DETACH") {
            attached_.erase(from);
            return "OK\n";
        }
        if (name == "ADD_NETWORK") {
            const int id = next_id_++;
            networks_[id];
            return std::to_string(id) + "\n";
        }
        if (name == "SET_NETWORK") {
            const int id = std::stoi(word(command, 1));
            if (networks_.count(id) == 0) return "FAIL\n";
            networks_[id][word(command, 2)] = rest_after(command, 3);
            return "OK\n";
        }
        if (name == "GET_NETWORK") {
            const int id = std::stoi(word(command, 1));
            const auto network = networks_.find(id);
            if (network == networks_.end()) return "FAIL\n";
            const auto field = network->second.find(word(command, 2));
            if (field == network->second.end()) return "FAIL\n";
            return field->first == "psk" || field->first == "password" ? "*" : field->second;
        }
        if (name == "LIST_NETWORKS") {
            std::string text = "network id / ssid / bssid / flags\n";
            for (const auto& [id, fields] : networks_)
                text += std::to_string(id) + "\t" + "x" + "\tany\t\n";
            return text;
        }
        if (name == "REMOVE_NETWORK") {
            const std::string which = word(command, 1);
            if (which == "all") {
                networks_.clear();
            } else if (networks_.erase(std::stoi(which)) == 0) {
                return "FAIL\n";
            }
            return "OK\n";
        }
        if (name == "SELECT_NETWORK") {
            return networks_.count(std::stoi(word(command, 1))) != 0 ? "OK\n" : "FAIL\n";
        }
        if (name == "SCAN_RESULTS") {
            std::string text = "bssid / frequency / signal level / flags / ssid\n";
            for (const auto& line : scan_lines)
                text += line + "\n";
            return text;
        }
        if (name == "BSS") {
            const auto it = bss_ies.find(word(command, 1));
            if (it == bss_ies.end()) return "";
            return "bssid=" + it->first + "\nie=" + it->second + "\n";
        }
        if (name == "GET_CAPABILITY") return key_mgmt_capability;
        if (name == "STATUS")
            return "wpa_state=" + std::string(connected_ ? "COMPLETED" : "DISCONNECTED") +
                   "\naddress=02:00:00:00:00:01\n";
        if (name == "SCAN" || name == "DISCONNECT" || name == "SET" || name == "WPS_PBC" ||
            name == "WPS_CANCEL")
            return "OK\n";
        if (name == "WPS_PIN") return word(command, 2) + "\n";
        return "UNKNOWN COMMAND\n";
    }

    void after(const std::string& command, const std::string& name) {
        if (name == "SELECT_NETWORK") {
            const std::string id = word(command, 1);
            if (networks_.count(std::stoi(id)) == 0) return;
            const std::string id_str = [&] {
                const auto it = networks_[std::stoi(id)].find("id_str");
                if (it == networks_[std::stoi(id)].end()) return std::string{};
                return it->second.substr(1, it->second.size() - 2);
            }();
            switch (on_select) {
                case OnSelect::connect:
                    connected_ = true;
                    emit("Associated with " + bssid);
                    emit("CTRL-EVENT-CONNECTED - Connection to " + bssid + " completed [id=" + id +
                         " id_str=" + id_str + "]");
                    break;
                case OnSelect::eap_failure:
                    emit("Associated with " + bssid);
                    emit("CTRL-EVENT-EAP-STARTED EAP authentication started");
                    emit("CTRL-EVENT-EAP-FAILURE EAP authentication failed");
                    break;
                case OnSelect::nothing:
                    break;
            }
        } else if (name == "DISCONNECT" || (name == "REMOVE_NETWORK" && connected_)) {
            if (connected_)
                emit("CTRL-EVENT-DISCONNECTED bssid=" + bssid + " reason=3 locally_generated=1");
            connected_ = false;
        } else if (name == "SCAN" && scan_completes) {
            emit("CTRL-EVENT-SCAN-STARTED ");
            emit("CTRL-EVENT-SCAN-RESULTS ");
        }
    }

    std::string path_;
    boost::asio::local::datagram_protocol::socket socket_;
    boost::asio::local::datagram_protocol::endpoint sender_;
    std::array<char, 8192> buffer_{};
    std::set<std::string> attached_;
    std::map<int, std::map<std::string, std::string>> networks_;
    int next_id_ = 0;
    bool connected_ = false;
};

}  // namespace wizfi250d::testing
