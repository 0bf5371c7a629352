// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/at/result_code.hpp"

namespace wizfi250d {

class SerialLink;
struct Profile;

// The asynchronous events of spec §3.1, in MEVTFORM digit order (digit 1 = boot).
enum class Event {
    boot,
    connect,
    disconnect,
    link_up,
    link_down,
    reset,
    tcp_send_error,
    p2p_fail,
    listen,
};

// Whether a write may contain a secret (a key, a certificate): the trace log masks it.
enum class Sensitivity { plain, secret };

// The only writer to the serial port. It applies, in one place, the message level (AT+MMSG
// print classes, spec §1.7), the event format (AT+MEVTFORM), the event delay (AT+MEVTDELAY) and
// the receive-header format (AT+SFORM), and writes each event or frame in one piece.
class Output {
public:
    Output(SerialLink& link, const Profile& profile, std::string firmware_version);

    // Data-mode payload: never filtered.
    void raw(std::string_view bytes);
    // The same without a copy: bytes stay in use until the serial line has taken them; then
    // release() runs. false: the line took them at once (release() does not run).
    bool raw_borrowing(std::string_view bytes, std::function<void()> release);
    // Command-mode echo: never filtered and not traced (the received line is traced instead,
    // with its secrets masked).
    void echo(std::string_view bytes);
    // Value output of a command (RSP class: always printed), as is / with CRLF appended.
    void text(std::string_view bytes, Sensitivity sensitivity = Sensitivity::plain);
    void line(std::string_view text, Sensitivity sensitivity = Sensitivity::plain);
    // The final result code of a command (EVT class). tcp_send_error is the event of that name.
    void result(ResultCode code);
    // An asynchronous event; cid is printed in hex for CONNECT, DISCONNECT and LISTEN.
    void event(Event event, unsigned cid = 0);
    // Joining/Successfully joined/Failed to join/IP Addr/Gateway lines (EVT class, MEVTFORM
    // digit 10); CRLF appended.
    void join_info(std::string_view text);
    // The boot banner (EVT class, MEVTFORM digit 1).
    void banner();
    // Command-mode receive frames (spec §3.3): the payload cut into frames of at most limit
    // bytes, each with its header.
    void frames(unsigned cid, const Ipv4& peer_ip, std::uint16_t peer_port,
                std::string_view payload, std::size_t limit);
    // A DBG-class line (printed at AT+MMSG=3 only); CRLF appended.
    void debug(std::string_view text);

    // Air command (spec §6): while capturing, everything but raw() goes into the capture
    // instead of the wire, up to limit bytes.
    void begin_capture(std::size_t limit);
    std::string end_capture();
    bool capturing() const { return capture_.has_value(); }

    bool congested() const;
    void when_drained(std::function<void()> callback);

    std::string_view firmware_version() const { return firmware_version_; }
    void set_firmware_version(std::string version) { firmware_version_ = std::move(version); }

private:
    enum class PrintClass { rsp, evt, dbg };
    bool visible(PrintClass print_class) const;
    void emit(std::string_view bytes, Sensitivity sensitivity = Sensitivity::plain,
              bool traced = true);

    SerialLink& link_;
    const Profile& profile_;
    std::string firmware_version_;
    std::optional<std::string> capture_;
    // Reused for the frames of each read (no allocation per read): the header of the full
    // frames, the last frame's, the trailer, the trailer joined to each header, and the frames
    // as parts (headers or joints, payload cuts, the last trailer) in order.
    std::string frame_head_;
    std::string last_frame_head_;
    std::string frame_trailer_;
    std::string frame_joint_;
    std::string last_frame_joint_;
    std::vector<std::string_view> frame_parts_;
    std::size_t capture_limit_ = 0;
};

}  // namespace wizfi250d
