#include "wizfi250d/module/data_pump.hpp"

namespace wizfi250d {

namespace {
constexpr std::size_t flush_restart_every = 100;
// Packets waiting behind the one in flight before serial input is held.
constexpr std::size_t max_ready = 2;
}  // namespace

DataPump::DataPump(boost::asio::io_context& io, Callbacks callbacks)
    : io_(io), callbacks_(std::move(callbacks)), flush_timer_(io), escape_timer_(io) {}

void DataPump::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (held_plus_ == 0) {
            // Fast path: everything up to the next '+' is plain data.
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
        const std::string held(held_plus_, '+');
        held_plus_ = 0;
        escape_timer_.cancel();
        append(held);
        append_byte(byte);
    }
    if (timing_.flush_when_idle && held_plus_ == 0 && !packet_.empty()) flush();
}

void DataPump::append(std::string_view bytes) {
    for (const char byte : bytes)
        append_byte(byte);
}

void DataPump::append_byte(char byte) {
    packet_.push_back(byte);
    if (packet_.size() > packet_limit) {
        flush();
        return;
    }
    if (packet_.size() == 1 || packet_.size() % flush_restart_every == 0) restart_flush_timer();
}

void DataPump::restart_flush_timer() {
    flush_timer_.expires_after(timing_.flush);
    flush_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
        flush();
    });
}

void DataPump::restart_escape_timer() {
    escape_timer_.expires_after(timing_.escape);
    escape_timer_.async_wait([this, generation = generation_](const boost::system::error_code& ec) {
        if (ec || generation != generation_) return;
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
    const std::string held(held_plus_, '+');
    held_plus_ = 0;
    append(held);
    restart_flush_timer();
}

void DataPump::flush() {
    flush_timer_.cancel();
    if (packet_.empty()) return;
    ready_.push_back(std::move(packet_));
    packet_.clear();
    if (ready_.size() >= max_ready && !input_held_) {
        input_held_ = true;
        callbacks_.hold_input();
    }
    send_next();
}

void DataPump::send_next() {
    if (in_flight_ || ready_.empty()) return;
    in_flight_ = true;
    std::string packet = std::move(ready_.front());
    ready_.pop_front();
    callbacks_.send(std::move(packet), [this, generation = generation_](bool /*ok*/) {
        if (generation != generation_) return;
        in_flight_ = false;
        if (input_held_ && ready_.size() < max_ready) {
            input_held_ = false;
            callbacks_.release_input();
        }
        send_next();
    });
}

void DataPump::reset() {
    ++generation_;
    flush_timer_.cancel();
    escape_timer_.cancel();
    packet_.clear();
    ready_.clear();
    held_plus_ = 0;
    in_flight_ = false;
    if (input_held_) {
        input_held_ = false;
        callbacks_.release_input();
    }
}

}  // namespace wizfi250d
