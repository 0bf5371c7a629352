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

// Where the output goes while commands run for someone other than the host.
enum class CaptureMode {
    // The Air command (spec §6): everything (events and receive frames too) goes into the
    // capture instead of the UART; data-mode payload and echo go nowhere.
    everything,
    // The web pages: a command's replies go into the capture only; its events (§3.1, the join
    // lines included) go to the UART as if the host had run the command, and into the capture;
    // the host's own traffic (receive frames, data-mode payload, echo) goes to the UART only.
    replies,
};

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
    // bytes, each with its header. With release, what the serial line does not take at once
    // stays in payload's memory, which the caller keeps unchanged until release() runs: true.
    // false: the payload is no longer used (release() does not run).
    bool frames(unsigned cid, const Ipv4& peer_ip, std::uint16_t peer_port,
                std::string_view payload, std::size_t limit, std::function<void()> release = {});
    // RSP-class text outside the §3.1 catalogue, as is: an event (the MQTT client's
    // "[MQTT DISCONNECT]") goes where events go, received data (an MQTT message frame) where
    // receive frames go.
    void event_text(std::string_view bytes);
    void received_text(std::string_view bytes);
    // A DBG-class line (printed at AT+MMSG=3 only); CRLF appended.
    void debug(std::string_view text);

    // Air command (spec §6) and web pages: while capturing, output goes into the capture (up to
    // limit bytes) as `mode` says.
    void begin_capture(std::size_t limit, CaptureMode mode);
    std::string end_capture();
    // What the capture holds so far (it goes on).
    std::string captured() const;
    bool capturing() const { return capture_.has_value(); }

    bool congested() const;
    void when_drained(std::function<void()> callback);

    std::string_view firmware_version() const { return firmware_version_; }
    void set_firmware_version(std::string version) { firmware_version_ = std::move(version); }

private:
    enum class PrintClass { rsp, evt, dbg };
    // What a write is, for where it goes while capturing.
    enum class Kind {
        reply,    // a command's value lines and result codes
        event,    // an asynchronous event or join line
        traffic,  // the host's own: receive frames, data-mode payload, echo
    };
    bool visible(PrintClass print_class) const;
    bool to_capture(Kind kind) const;
    bool to_wire(Kind kind) const;
    void append_to_capture(std::string_view bytes);
    void write_to_wire(std::string_view bytes, Sensitivity sensitivity, bool traced);
    void emit(std::string_view bytes, Kind kind, Sensitivity sensitivity = Sensitivity::plain);

    SerialLink& link_;
    const Profile& profile_;
    std::string firmware_version_;
    std::optional<std::string> capture_;
    // Reused for the frames of each read (no allocation per read): the header of the full
    // frames, the last frame's, the text the frames' headers and trailers are cut from, and
    // the frames as parts (headers or joints, payload cuts, the last trailer) in order.
    std::string frame_head_;
    std::string last_frame_head_;
    std::string frame_texts_;
    std::vector<std::string_view> frame_parts_;
    std::size_t capture_limit_ = 0;
    CaptureMode capture_mode_ = CaptureMode::everything;
};

}  // namespace wizfi250d
