// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace wizfi250d {

// Serial -> network in data mode (spec §4.2, §4.3): packs bytes into packets as the module
// does (sent at 1461 bytes, or when the flush timer fires; the timer restarts at the 1st and
// every 100th byte), and watches for the +++ escape (no guard time before it; the line must be
// quiet for the escape period after the third '+'; a 4th '+' or any other byte makes the held
// '+'s data).
//
// One packet is in flight at a time; while two more wait behind it the pump asks for serial
// input to be held (backpressure to the host). A network that takes nothing for the stall limit
// would leave the host unable even to escape, so then the pump reads again and drops the data
// bytes, as the module's UART does when its buffer is full, watching only for +++; the first
// packet the network takes ends that.
class DataPump {
public:
    struct Timing {
        std::chrono::milliseconds flush{100};    // AT+FSOCK=4
        std::chrono::milliseconds escape{1000};  // AT+SOPT1=10
        // Send as soon as a serial read is consumed, instead of waiting for the flush timer.
        bool flush_when_idle = false;
        // 0: hold the host's input for as long as the network takes nothing.
        std::chrono::milliseconds stall_limit{10000};
    };
    struct Callbacks {
        // Send one packet; call done(true) when it is handed to the network, done(false) on a
        // failure.
        std::function<void(std::string packet, std::function<void(bool ok)> done)> send;
        std::function<void()> escaped;  // +++ recognised
        std::function<void()> hold_input;
        std::function<void()> release_input;
        // Stream sockets only (optional): hands head then body to the network at once, without
        // blocking, and says how many bytes it took (0 when it would block or cannot send
        // directly; what is left goes through send).
        std::function<std::size_t(std::string_view head, std::string_view body)> send_now;
    };

    static constexpr std::size_t packet_limit = 1460;  // sent when it holds more than this

    DataPump(boost::asio::io_context& io, Callbacks callbacks);

    void set_timing(const Timing& timing) { timing_ = timing; }
    // UDP: every packet stays one datagram. TCP (the default): a stream has no boundaries, so
    // packets waiting behind the one in flight leave in a single send.
    void set_datagrams(bool datagrams) { datagrams_ = datagrams; }
    // Serial bytes in data mode.
    void feed(std::string_view bytes);
    // The data socket is gone: unsent bytes and held '+'s are dropped.
    void reset();
    bool idle() const {
        return packet_.empty() && ready_.empty() && !in_flight_ && held_plus_ == 0;
    }
    // Serial bytes dropped since the network stalled (0 when it is not stalled).
    std::size_t dropped() const { return dropped_; }

private:
    // Whether bytes can skip the packet queue: a stream, nothing waiting, no '+' held or in
    // bytes, not dropping.
    bool direct(std::string_view bytes) const;
    void feed_direct(std::string_view bytes);
    void feed_bytes(std::string_view bytes);
    void append(std::string_view bytes);
    void append_byte(char byte);
    void restart_flush_timer();
    // The flush timer restarts at the 1st and every 100th byte of a packet.
    void restart_flush_timer_if(std::size_t before, std::size_t after);
    void restart_escape_timer();
    void arm_flush_timer();
    void arm_escape_timer();
    void on_escape_timer();
    void flush();
    void send_next();
    void sent();
    void hold_input();
    void restart_stall_wait();
    void arm_stall_timer();
    void release_input();
    void on_stall_timer();
    void end_stall();

    Callbacks callbacks_;
    Timing timing_;
    boost::asio::steady_timer flush_timer_;
    boost::asio::steady_timer escape_timer_;
    boost::asio::steady_timer stall_timer_;
    std::string packet_;             // being filled
    std::deque<std::string> ready_;  // complete packets behind the one in flight
    unsigned held_plus_ = 0;
    bool in_flight_ = false;
    bool input_held_ = false;
    bool datagrams_ = false;
    bool dropping_ = false;  // stalled: data bytes are dropped, +++ is still recognised
    std::size_t dropped_ = 0;
    unsigned generation_ = 0;
    // The timers are armed once and re-armed when they fire early: restarting them for every
    // 100th byte and every '+' cost a timerfd_settime system call each.
    std::chrono::steady_clock::time_point flush_due_{};
    std::chrono::steady_clock::time_point escape_due_{};
    bool flush_armed_ = false;
    bool feeding_ = false;
    bool escape_armed_ = false;
    // The stall wait moves with every packet the network takes; like the others, its timer is
    // armed once and re-armed when it fires early.
    std::chrono::steady_clock::time_point stall_due_{};
    bool stall_armed_ = false;
};

}  // namespace wizfi250d
