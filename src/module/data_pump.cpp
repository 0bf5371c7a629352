// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/data_pump.hpp"

#include <spdlog/spdlog.h>

namespace wizfi250d {

namespace {
constexpr std::size_t flush_restart_every = 100;
// Packets waiting behind the one in flight before serial input is held.
constexpr std::size_t max_ready = 2;
}  // namespace

DataPump::DataPump(boost::asio::io_context& io, Callbacks callbacks)
    : callbacks_(std::move(callbacks)), flush_timer_(io), escape_timer_(io), stall_timer_(io) {}

void DataPump::feed(std::string_view bytes) {
    if (direct(bytes)) {
        feed_direct(bytes);
        return;
    }
    feed_bytes(bytes);
}

bool DataPump::direct(std::string_view bytes) const {
    return callbacks_.send_now && !datagrams_ && !dropping_ && !in_flight_ && ready_.empty() &&
           held_plus_ == 0 && bytes.find('+') == std::string_view::npos;
}

// The common case of bulk data, at the cost of a read and a write per read: whole packets go
// to the network straight from the caller's buffer (head: the packet being filled), in one
// send, as the stream would carry them anyway; only the tail that does not make a whole packet
// is copied. What the network does not take at once queues as a packet, and serial input is
// held until it has left (the socket's buffer is full: reading more would only pile up here).
void DataPump::feed_direct(std::string_view bytes) {
    const std::size_t before = packet_.size();
    const std::size_t total = before + bytes.size();
    const std::size_t whole = timing_.flush_when_idle ? total : total - total % (packet_limit + 1);
    if (whole == 0) {
        packet_.append(bytes);
        restart_flush_timer_if(before, packet_.size());
        return;
    }
    const std::string_view head = packet_;
    const std::string_view body = bytes.substr(0, whole - before);
    const std::size_t taken = callbacks_.send_now(head, body);
    if (taken < whole) {
        std::string rest;
        rest.reserve(whole - taken);
        if (taken < before) rest.append(head.substr(taken));
        rest.append(body.substr(taken > before ? taken - before : 0));
        ready_.push_back(std::move(rest));
        hold_input();
    }
    packet_.assign(bytes.substr(whole - before));
    restart_flush_timer_if(0, packet_.size());
    send_next();
}

void DataPump::feed_bytes(std::string_view bytes) {
    feeding_ = true;
    while (!bytes.empty()) {
        if (held_plus_ == 0) {
            // Everything up to the next '+' is plain data.
            const auto plus = bytes.find('+');
            append(bytes.substr(0, plus));
            if (plus == std::string_view::npos) break;
            bytes.remove_prefix(plus);
        }
        const char byte = bytes.front();
        bytes.remove_prefix(1);
        if (byte == '+' && held_plus_ < 3) {
            ++held_plus_;
            restart_escape_timer();
            continue;
        }
        // Any other byte, or a 4th '+': the held '+'s and this byte are data, in order.
        const std::string_view held("+++", held_plus_);
        held_plus_ = 0;
        append(held);
        append_byte(byte);
    }
    feeding_ = false;
    if (timing_.flush_when_idle && held_plus_ == 0 && !packet_.empty()) flush();
    send_next();
}

void DataPump::append(std::string_view bytes) {
    if (dropping_) {
        dropped_ += bytes.size();
        return;
    }
    while (!bytes.empty()) {
        const std::size_t before = packet_.size();
        if (before == 0) packet_.reserve(packet_limit + 1);
        const std::size_t take = std::min(bytes.size(), packet_limit + 1 - before);
        packet_.append(bytes.data(), take);
        bytes.remove_prefix(take);
        if (packet_.size() > packet_limit) {
            flush();
            continue;
        }
        restart_flush_timer_if(before, packet_.size());
    }
}

void DataPump::restart_flush_timer_if(std::size_t before, std::size_t after) {
    if (after == 0) return;
    if (before == 0 || before / flush_restart_every != after / flush_restart_every)
        restart_flush_timer();
}

void DataPump::append_byte(char byte) {
    if (dropping_) {
        ++dropped_;
        return;
    }
    packet_.push_back(byte);
    if (packet_.size() > packet_limit) {
        flush();
        return;
    }
    if (packet_.size() == 1 || packet_.size() % flush_restart_every == 0) restart_flush_timer();
}

void DataPump::restart_flush_timer() {
    flush_due_ = std::chrono::steady_clock::now() + timing_.flush;
    if (!flush_armed_) arm_flush_timer();
}

void DataPump::arm_flush_timer() {
    flush_armed_ = true;
    flush_timer_.expires_at(flush_due_);
    flush_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        flush_armed_ = false;
        if (packet_.empty()) return;
        if (std::chrono::steady_clock::now() < flush_due_) {
            arm_flush_timer();
            return;
        }
        flush();
    });
}

void DataPump::restart_escape_timer() {
    escape_due_ = std::chrono::steady_clock::now() + timing_.escape;
    if (!escape_armed_) arm_escape_timer();
}

void DataPump::arm_escape_timer() {
    escape_armed_ = true;
    escape_timer_.expires_at(escape_due_);
    escape_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        escape_armed_ = false;
        if (held_plus_ == 0) return;
        if (std::chrono::steady_clock::now() < escape_due_) {
            arm_escape_timer();
            return;
        }
        on_escape_timer();
    });
}

void DataPump::on_escape_timer() {
    if (held_plus_ == 3) {
        held_plus_ = 0;
        callbacks_.escaped();
        return;
    }
    // One or two '+' followed by silence are data.
    const std::string_view held("+++", held_plus_);
    held_plus_ = 0;
    append(held);
    restart_flush_timer();
}

void DataPump::flush() {
    if (packet_.empty()) return;
    ready_.push_back(std::move(packet_));
    packet_.clear();
    if (ready_.size() >= max_ready) hold_input();
    if (!feeding_) send_next();
}

void DataPump::send_next() {
    if (in_flight_ || ready_.empty()) return;
    in_flight_ = true;
    std::string packet = std::move(ready_.front());
    ready_.pop_front();
    while (!datagrams_ && !ready_.empty()) {
        packet += ready_.front();
        ready_.pop_front();
    }
    callbacks_.send(std::move(packet), [this, generation = generation_](bool /*ok*/) {
        if (generation == generation_) sent();
    });
}

void DataPump::sent() {
    in_flight_ = false;
    end_stall();
    send_next();
    if (ready_.size() < max_ready) {
        release_input();
    } else if (input_held_) {
        restart_stall_wait();  // the network moved: the wait starts again
    }
}

void DataPump::hold_input() {
    if (input_held_ || dropping_) return;
    input_held_ = true;
    callbacks_.hold_input();
    restart_stall_wait();
}

void DataPump::restart_stall_wait() {
    if (timing_.stall_limit.count() == 0) return;
    stall_due_ = std::chrono::steady_clock::now() + timing_.stall_limit;
    if (!stall_armed_) arm_stall_timer();
}

void DataPump::arm_stall_timer() {
    stall_armed_ = true;
    stall_timer_.expires_at(stall_due_);
    stall_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        stall_armed_ = false;
        if (!input_held_) return;
        if (std::chrono::steady_clock::now() < stall_due_) {
            arm_stall_timer();
            return;
        }
        on_stall_timer();
    });
}

void DataPump::release_input() {
    if (!input_held_) return;
    input_held_ = false;
    // The stall timer stays armed (a timerfd call saved per hold); it finds the input free.
    callbacks_.release_input();
}

void DataPump::on_stall_timer() {
    if (!input_held_) return;
    spdlog::warn(
        "data mode: the network took nothing for {} ms; serial data is dropped until it "
        "does (+++ still works)",
        timing_.stall_limit.count());
    dropping_ = true;
    release_input();
}

void DataPump::end_stall() {
    if (!dropping_) return;
    spdlog::warn("data mode: the network takes data again; {} serial bytes were dropped", dropped_);
    dropping_ = false;
    dropped_ = 0;
}

void DataPump::reset() {
    ++generation_;
    flush_timer_.cancel();
    escape_timer_.cancel();
    stall_timer_.cancel();
    flush_armed_ = false;
    escape_armed_ = false;
    stall_armed_ = false;
    packet_.clear();
    ready_.clear();
    held_plus_ = 0;
    in_flight_ = false;
    end_stall();
    release_input();
}

}  // namespace wizfi250d
