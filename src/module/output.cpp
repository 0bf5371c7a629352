// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/output.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <utility>

#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/util/hex.hpp"

namespace wizfi250d {

namespace {

// Spec §3.1: the full form (with %x for the CID where it has one) and the short form of each
// event, in MEVTFORM digit order.
struct EventForm {
    const char* full;
    const char* short_form;
    bool response_class;  // RSP (always printed) rather than EVT (hidden at MMSG=1)
};

constexpr std::array<EventForm, 9> event_forms{{
    {nullptr, "\r\n[0]\r\n", false},  // boot: the banner, built from the version
    {"\r\n[CONNECT %x]\r\n", "\r\n[1]\r\n", false},
    {"\r\n[DISCONNECT %x]\r\n", "\r\n[2]\r\n", true},
    {"\r\n[Link-Up Event]\r\n", "\r\n[3]\r\n", true},
    {"\r\n[Link-Down Event]\r\n", "\r\n[4]\r\n", true},
    {"\r\n[Reset Event]\r\n", "\r\n[5]\r\n", true},
    {"\r\n[TCP Send Error]\r\n", "\r\n[6]\r\n", true},
    {"\r\n[P2P Fail Event]\r\n", "\r\n[7]\r\n", true},
    {"\r\n[LISTEN %x]\r\n", "\r\n[8]\r\n", true},
}};

constexpr std::size_t join_info_digit = 9;

void append_number(std::string& out, std::uint64_t value, int base) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value, base).ptr;
    out.append(buf, end);
}
constexpr std::size_t capture_keep = 1450;
constexpr std::size_t capture_dots_until = 1459;

}  // namespace

Output::Output(SerialLink& link, const Profile& profile, std::string firmware_version)
    : link_(link), profile_(profile), firmware_version_(std::move(firmware_version)) {}

bool Output::visible(PrintClass print_class) const {
    switch (print_class) {
        case PrintClass::rsp:
            return profile_.message_level >= 1;
        case PrintClass::evt:
            return profile_.message_level >= 2;
        case PrintClass::dbg:
            return profile_.message_level >= 3;
    }
    return false;
}

bool Output::to_capture(Kind kind) const {
    if (!capture_) return false;
    return capture_mode_ == CaptureMode::everything || kind != Kind::traffic;
}

bool Output::to_wire(Kind kind) const {
    if (!capture_) return true;
    return capture_mode_ == CaptureMode::replies && kind != Kind::reply;
}

void Output::emit(std::string_view bytes, Kind kind, Sensitivity sensitivity) {
    if (bytes.empty()) return;
    if (to_capture(kind)) append_to_capture(bytes);
    if (to_wire(kind)) write_to_wire(bytes, sensitivity, true);
}

void Output::append_to_capture(std::string_view bytes) {
    for (const char c : bytes) {
        if (capture_->size() < capture_keep) {
            capture_->push_back(c);
        } else if (capture_->size() < capture_dots_until) {
            capture_->push_back('.');
        }
    }
}

void Output::write_to_wire(std::string_view bytes, Sensitivity sensitivity, bool traced) {
    if (traced && spdlog::should_log(spdlog::level::trace)) {
        if (sensitivity == Sensitivity::secret) {
            spdlog::trace("serial tx: <{} bytes, secret>", bytes.size());
        } else {
            spdlog::trace("serial tx: {}", hex_dump(bytes));
        }
    }
    link_.write(bytes);
}

void Output::raw(std::string_view bytes) {
    // Never captured: the Air command has no echo.
    if (to_wire(Kind::traffic) && !bytes.empty()) write_to_wire(bytes, Sensitivity::plain, true);
}

bool Output::raw_borrowing(std::string_view bytes, std::function<void()> release) {
    if (!to_wire(Kind::traffic) || bytes.empty()) return false;
    if (spdlog::should_log(spdlog::level::trace)) spdlog::trace("serial tx: {}", hex_dump(bytes));
    return link_.write_borrowing(bytes, std::move(release));
}

void Output::echo(std::string_view bytes) {
    if (to_wire(Kind::traffic) && !bytes.empty()) write_to_wire(bytes, Sensitivity::plain, false);
}

void Output::text(std::string_view bytes, Sensitivity sensitivity) {
    if (visible(PrintClass::rsp)) emit(bytes, Kind::reply, sensitivity);
}

void Output::line(std::string_view text_line, Sensitivity sensitivity) {
    if (!visible(PrintClass::rsp)) return;
    std::string bytes(text_line);
    bytes += "\r\n";
    emit(bytes, Kind::reply, sensitivity);
}

void Output::result(ResultCode code) {
    if (code == ResultCode::tcp_send_error) {
        event(Event::tcp_send_error);
        return;
    }
    if (visible(PrintClass::evt)) emit(result_text(code), Kind::reply);
}

void Output::event(Event which, unsigned cid) {
    const auto index = static_cast<std::size_t>(which);
    const EventForm& form = event_forms[index];
    if (!visible(form.response_class ? PrintClass::rsp : PrintClass::evt)) return;

    std::string bytes;
    switch (profile_.event_format[index]) {
        case '1':
            if (which == Event::boot) {
                bytes = "WizFi250 Version " + firmware_version_ + " (WIZnet Co.Ltd)\r\n";
            } else {
                char buf[32];
                std::snprintf(buf, sizeof buf, form.full, cid);
                bytes = buf;
            }
            break;
        case '2':
            bytes = form.short_form;
            break;
        default:
            return;
    }

    const std::chrono::milliseconds delay{profile_.event_delay_ms};
    const bool held = delay.count() > 0 && to_wire(Kind::event);
    if (held) link_.hold(delay);
    emit(bytes, Kind::event);
    if (held) link_.hold(delay);
}

void Output::join_info(std::string_view text_line) {
    if (!visible(PrintClass::evt) || profile_.event_format[join_info_digit] != '1') return;
    std::string bytes(text_line);
    bytes += "\r\n";
    emit(bytes, Kind::event);
}

void Output::banner() {
    event(Event::boot);
}

bool Output::frames(unsigned cid, const Ipv4& peer_ip, std::uint16_t peer_port,
                    std::string_view payload, std::size_t limit, std::function<void()> release) {
    if (payload.empty() || limit == 0) return false;
    const ReceiveFormat& form = profile_.receive_format;
    // A character set to 0x00 is never written: the firmware builds these with %c.
    const auto put = [](std::string& s, char c) {
        if (c != '\0') s.push_back(c);
    };
    // Everything before the length is the same in every frame of this payload, and every
    // frame but the last has the same length: two headers serve them all.
    std::string& head = frame_head_;
    head.clear();
    if (form.on(0)) put(head, form.start);
    if (form.on(1)) append_number(head, cid, 16);
    // The delimiter stands at three fixed places whenever it is on.
    if (form.on(2)) put(head, form.delim);
    if (form.on(3)) head += peer_ip.to_string();
    if (form.on(2)) put(head, form.delim);
    if (form.on(4)) append_number(head, peer_port, 10);
    if (form.on(2)) put(head, form.delim);
    const std::size_t full = std::min(limit, payload.size());
    const std::size_t last = payload.size() % full == 0 ? full : payload.size() % full;
    last_frame_head_ = head;
    for (auto [h, length] : {std::pair{&head, full}, std::pair{&last_frame_head_, last}}) {
        if (form.on(5)) append_number(*h, length, 10);
        if (form.on(6)) put(*h, form.end);
    }
    // Q3 fixed: only the trailer characters that are on (the firmware repeats the header
    // when trailer 1 is off).
    std::string trailer;
    if (form.on(7)) put(trailer, form.trailer1);
    if (form.on(8)) put(trailer, form.trailer2);

    // A frame's trailer and the next frame's header travel as one part (the joint): two parts
    // a frame instead of three. All of them are cuts of one text, trailer + head + trailer +
    // last head, which the serial queue copies in one piece when the frames have to wait.
    frame_texts_ = trailer;
    frame_texts_ += head;
    frame_texts_ += trailer;
    frame_texts_ += last_frame_head_;
    const std::string_view texts = frame_texts_;
    const std::string_view joint = texts.substr(0, trailer.size() + head.size());
    const std::string_view last_joint = texts.substr(joint.size());
    const std::string_view full_head = joint.substr(trailer.size());
    const std::string_view last_head = last_joint.substr(trailer.size());
    const std::string_view frame_end = texts.substr(0, trailer.size());

    frame_parts_.clear();
    std::string_view before_part = payload.size() > full ? full_head : last_head;
    while (!payload.empty()) {
        const std::string_view part = payload.substr(0, full);
        payload.remove_prefix(part.size());
        frame_parts_.push_back(before_part);
        frame_parts_.push_back(part);
        before_part = payload.size() > full ? joint : last_joint;
    }
    if (!frame_end.empty()) frame_parts_.push_back(frame_end);
    if (capture_ || spdlog::should_log(spdlog::level::trace)) {
        std::string bytes;
        for (const std::string_view part : frame_parts_)
            bytes += part;
        emit(bytes, Kind::traffic);
        return false;
    }
    // What the serial device takes at once leaves from the socket's buffer. The rest waits in
    // the serial queue: the payload by reference when the caller lends it (with a copy of the
    // headers), else copied.
    if (release)
        return link_.write_parts_borrowing(frame_parts_.data(), frame_parts_.size(), texts,
                                           std::move(release));
    link_.write_parts(frame_parts_.data(), frame_parts_.size());
    return false;
}

void Output::event_text(std::string_view bytes) {
    if (visible(PrintClass::rsp)) emit(bytes, Kind::event);
}

void Output::received_text(std::string_view bytes) {
    if (visible(PrintClass::rsp)) emit(bytes, Kind::traffic);
}

void Output::debug(std::string_view text_line) {
    if (!visible(PrintClass::dbg)) return;
    std::string bytes(text_line);
    bytes += "\r\n";
    emit(bytes, Kind::reply);
}

void Output::begin_capture(std::size_t limit, CaptureMode mode) {
    capture_.emplace();
    capture_limit_ = limit;
    capture_mode_ = mode;
}

std::string Output::captured() const {
    std::string so_far = capture_.value_or(std::string{});
    if (so_far.size() > capture_limit_) so_far.resize(capture_limit_);
    return so_far;
}

std::string Output::end_capture() {
    std::string bytes = captured();
    capture_.reset();
    return bytes;
}

bool Output::congested() const {
    return link_.congested();
}

void Output::when_drained(std::function<void()> callback) {
    link_.when_drained(std::move(callback));
}

}  // namespace wizfi250d
