// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/serial/serial_link.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <functional>
#include <utility>

namespace wizfi250d {

namespace {
// A terminal's line discipline holds 4 KiB, and the kernel refills it while the daemon reads:
// under a steady stream, reading until EAGAIN would gather 64 KiB and more before the first
// byte went on. Passing the bytes on as soon as 8 KiB are in (three reads of a pty, about
// 12 KiB) keeps the host's writes, these reads and the socket's receiver working side by side
// (bench/analysis.md).
constexpr std::size_t delivery_size = std::size_t{8} * 1024;
// Room for one more read after that.
constexpr std::size_t read_buffer_size = std::size_t{16} * 1024;
// A pty or a UART driver takes a few KiB per write (the room the host's last read or the
// transmitter made): offering more parts of a lent chunk would only cost.
constexpr std::size_t parts_per_write = 32;

bool is_abort(const boost::system::error_code& ec) {
    return ec == boost::asio::error::operation_aborted;
}

bool hung_up(int fd) {
    pollfd state{fd, POLLOUT, 0};
    return ::poll(&state, 1, 0) == 1 && (state.revents & (POLLHUP | POLLERR)) != 0;
}
}  // namespace

SerialLink::SerialLink(boost::asio::io_context& io, SerialSpec spec)
    : io_(io),
      spec_(std::move(spec)),
      retry_timer_(io),
      hold_timer_(io),
      idle_timer_(io),
      // Not zeroed: pages count towards RSS only once a read has used them.
      read_buffer_(new char[read_buffer_size]) {}

// The timers cancel their waits as they go; the handlers find alive_ gone.
SerialLink::~SerialLink() {
    close_port();
}

void SerialLink::start(const UartSettings& settings, InputHandler on_input, EndHandler on_end) {
    settings_ = settings;
    on_input_ = std::move(on_input);
    on_end_ = std::move(on_end);
    open_port();
}

void SerialLink::reopen(const UartSettings& settings) {
    settings_ = settings;
    if (!port_) {
        // Waiting for the device to come back: try now, with the new settings.
        if (spec_.kind != SerialSpec::Kind::stdio) {
            retry_timer_.cancel();
            open_port();
        }
        return;
    }
    if (spec_.kind == SerialSpec::Kind::device) {
        spdlog::info("{}: reopening", port_->name());
        close_port();
        open_port();
        return;
    }
    port_->apply(settings_);
}

void SerialLink::open_port() {
    if (port_) return;
    boost::system::error_code ec;
    auto port = open_serial_port(io_, spec_, ec);
    if (!port) {
        if (spec_.kind == SerialSpec::Kind::stdio) {
            spdlog::error("stdio: cannot use stdin and stdout: {}", ec.message());
            end();
            return;
        }
        // A device that is not there yet is normal (USB adapters, boot order): say so once.
        if (ec.message() != last_open_error_) {
            last_open_error_ = ec.message();
            spdlog::warn("{}: cannot open ({}); trying again every {} ms", spec_.describe(),
                         last_open_error_, retry_interval.count());
        }
        schedule_reopen();
        return;
    }
    last_open_error_.clear();
    port_ = std::move(port);
    ++generation_;
    spdlog::info("{}: open at {}", port_->name(), settings_.to_string());
    port_->apply(settings_);
    read_more();
    write_more();
}

void SerialLink::close_port() {
    if (!port_) return;
    // Pending handlers run later with operation_aborted; reading_ and writing_ stay set until
    // then, so the next port's first read or write cannot share the buffers with them.
    port_->close();
    port_.reset();
}

void SerialLink::schedule_reopen() {
    retry_timer_.expires_after(retry_interval);
    retry_timer_.async_wait(
        [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
            if (alive.expired() || ec) return;
            open_port();
        });
}

bool SerialLink::is_current(std::uint64_t generation) const {
    return port_ && generation == generation_;
}

void SerialLink::read_more() {
    if (!port_ || reading_ || delivering_ || input_paused_ || input_ended_ || held_input_ > 0)
        return;
    // What the device holds now, in one delivery: read(2) until EAGAIN or delivery_size is in.
    // The bytes of one wake-up cost one pass through the module however the driver cut them.
    boost::system::error_code ec;
    std::size_t n = 0;
    const int fd = port_->input().native_handle();
    while (n < delivery_size) {
        const ssize_t got = ::read(fd, read_buffer_.get() + n, read_buffer_size - n);
        if (got > 0) {
            n += static_cast<std::size_t>(got);
            continue;
        }
        if (got == 0) {
            ec = boost::asio::error::eof;
        } else if (errno == EINTR) {
            continue;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            ec.assign(errno, boost::system::system_category());
        }
        break;
    }
    const bool more_may_wait = n >= delivery_size;
    if (n == 0 && !ec) {
        wait_readable();
        return;
    }
    const std::uint64_t generation = generation_;
    held_input_ = n;
    const std::weak_ptr<bool> alive = alive_;
    deliver_held_input();
    if (alive.expired()) return;
    if (ec) {
        if (is_current(generation)) lost(ec);
        return;
    }
    if (!is_current(generation)) {
        // The handler reopened the port: the new one has not been read yet.
        read_more();
        return;
    }
    if (reading_ || delivering_ || input_paused_ || input_ended_ || held_input_ > 0) return;
    if (more_may_wait) {
        // Read again from the loop, after what else is ready.
        reading_ = true;
        boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.expired()) return;
            reading_ = false;
            read_more();
        });
        return;
    }
    // Read until EAGAIN: the next bytes make a new readiness edge.
    wait_readable();
}

void SerialLink::wait_readable() {
    wait_ready(port_->input(), boost::asio::posix::descriptor_base::wait_read, reading_,
               &SerialLink::read_more);
}

void SerialLink::wait_ready(boost::asio::posix::descriptor& descriptor,
                            boost::asio::posix::descriptor_base::wait_type what, bool& pending,
                            void (SerialLink::*then)()) {
    pending = true;
    descriptor.async_wait(what, [this, &pending, then, alive = std::weak_ptr<bool>(alive_),
                                 generation = generation_](const boost::system::error_code& ec) {
        if (alive.expired()) return;
        pending = false;
        if (ec && !is_abort(ec) && is_current(generation)) {
            lost(ec);
            return;
        }
        (this->*then)();
    });
}

void SerialLink::deliver_held_input() {
    if (input_paused_ || delivering_ || held_input_ == 0) return;
    const std::size_t n = std::exchange(held_input_, 0);
    // A copy: the handler may destroy this link, and with it on_input_.
    const InputHandler deliver = on_input_;
    if (!deliver) return;
    const std::weak_ptr<bool> alive = alive_;
    delivering_ = true;
    deliver(std::string_view(read_buffer_.get(), n));
    if (alive.expired()) return;
    delivering_ = false;
}

void SerialLink::pause_input() {
    input_paused_ = true;
}

void SerialLink::resume_input() {
    if (!input_paused_) return;
    input_paused_ = false;
    if (held_input_ == 0) {
        read_more();
        return;
    }
    // Bytes that arrived during the pause go to the handler from the loop, not from inside
    // the caller (which is often the consumer of that input).
    boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.expired()) return;
        deliver_held_input();
        if (alive.expired()) return;
        read_more();
    });
}

void SerialLink::write(std::string_view bytes) {
    if (bytes.empty()) return;
    if (port_ && !writing_ && queue_.empty()) {
        // Nothing waits: the device takes what it can at once, and only the rest is copied.
        bytes.remove_prefix(port_->write_now(bytes));
        if (bytes.empty()) return;
    }
    // The front chunk's bytes may be in flight: they must not move, so append behind them.
    if (queue_.empty() || (writing_ && queue_.size() == 1) || queue_.back().release)
        queue_.emplace_back();
    queue_.back().bytes.append(bytes);
    queued_bytes_ += bytes.size();
    write_more();
}

std::string& SerialLink::open_chunk(std::size_t room) {
    if (queue_.empty() || (writing_ && queue_.size() == 1) || queue_.back().release ||
        queue_.back().bytes.capacity() - queue_.back().bytes.size() < room) {
        queue_.emplace_back();
        queue_.back().bytes.reserve(std::max(room, std::size_t{16} * 1024));
    }
    return queue_.back().bytes;
}

void SerialLink::close_chunk(std::size_t size_before) {
    queued_bytes_ += queue_.back().bytes.size() - size_before;
    write_more();
}

void SerialLink::write_parts(const std::string_view* parts, std::size_t count) {
    std::size_t skip = 0;
    if (port_ && !writing_ && queue_.empty()) skip = port_->write_now(parts, count);
    std::size_t rest = 0;
    for (std::size_t i = 0; i < count; ++i)
        rest += parts[i].size();
    rest -= skip;
    if (rest == 0) return;
    std::string& chunk = open_chunk(rest);
    const std::size_t before = chunk.size();
    for (std::size_t i = 0; i < count; ++i) {
        std::string_view part = parts[i];
        const std::size_t skipped = std::min(skip, part.size());
        skip -= skipped;
        part.remove_prefix(skipped);
        chunk.append(part);
    }
    close_chunk(before);
}

bool SerialLink::write_borrowing(std::string_view bytes, std::function<void()> release) {
    return write_parts_borrowing(&bytes, 1, {}, std::move(release));
}

bool SerialLink::write_parts_borrowing(const std::string_view* parts, std::size_t count,
                                       std::string_view copied, std::function<void()> release) {
    std::size_t skip = 0;
    if (port_ && !writing_ && queue_.empty()) skip = port_->write_now(parts, count);
    while (count > 0 && skip >= parts->size()) {
        skip -= parts->size();
        ++parts;
        --count;
    }
    if (count == 0) return false;
    // Built where it stays (a deque never moves its elements): the parts may point into its
    // bytes.
    Chunk& chunk = queue_.emplace_back();
    chunk.bytes.assign(copied);
    chunk.parts.reserve(count);
    const char* const copied_end = copied.data() + copied.size();
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view part = parts[i].substr(i == 0 ? skip : 0);
        if (part.empty()) continue;
        queued_bytes_ += part.size();
        const char* data = part.data();
        if (std::greater_equal<const char*>{}(data, copied.data()) &&
            std::less<const char*>{}(data, copied_end))
            data = chunk.bytes.data() + (data - copied.data());
        chunk.parts.push_back({const_cast<char*>(data), part.size()});
    }
    chunk.release = std::move(release);
    write_more();
    return true;
}

void SerialLink::hold(std::chrono::milliseconds duration) {
    if (duration.count() <= 0) return;
    Chunk chunk;
    chunk.hold = duration;
    queue_.push_back(std::move(chunk));
    write_more();
}

bool SerialLink::front_written() const {
    const Chunk& chunk = queue_.front();
    if (chunk.hold.count() > 0) return false;
    return chunk.lent() ? chunk.next_part == chunk.parts.size()
                        : front_offset_ == chunk.bytes.size();
}

SerialLink::FrontVectors SerialLink::front_vectors() {
    Chunk& chunk = queue_.front();
    if (!chunk.lent()) {
        front_bytes_ = {chunk.bytes.data() + front_offset_, chunk.bytes.size() - front_offset_};
        return {&front_bytes_, 1};
    }
    return {chunk.parts.data() + chunk.next_part,
            std::min(chunk.parts.size() - chunk.next_part, parts_per_write)};
}

void SerialLink::consume_front(std::size_t n) {
    queued_bytes_ -= n;
    Chunk& chunk = queue_.front();
    if (!chunk.lent()) {
        front_offset_ += n;
        return;
    }
    iovec* part = chunk.parts.data() + chunk.next_part;
    for (; n > 0 && n >= part->iov_len; ++part)
        n -= part->iov_len;
    if (n > 0) {
        part->iov_base = static_cast<char*>(part->iov_base) + n;
        part->iov_len -= n;
    }
    chunk.next_part = static_cast<std::size_t>(part - chunk.parts.data());
}

void SerialLink::write_more() {
    const std::weak_ptr<bool> alive = alive_;
    while (port_ && !writing_ && !queue_.empty()) {
        if (front_written()) {
            const auto release = std::move(queue_.front().release);
            queue_.pop_front();
            front_offset_ = 0;
            // The owner may write again from here.
            if (release) release();
            if (alive.expired()) return;
            continue;
        }
        Chunk& chunk = queue_.front();
        if (chunk.hold.count() > 0) {
            writing_ = true;
            hold_timer_.expires_after(std::exchange(chunk.hold, std::chrono::milliseconds{0}));
            hold_timer_.async_wait(
                [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
                    if (alive.expired()) return;
                    writing_ = false;
                    if (!ec) write_more();
                });
            return;
        }
        // The terminal may be shared with other programs: its writes go through Asio's
        // asynchronous write. A pty or a device is written from here.
        if (spec_.kind == SerialSpec::Kind::stdio) {
            start_async_write();
            return;
        }
        if (!write_front_now()) return;
    }
}

bool SerialLink::write_front_now() {
    const FrontVectors vectors = front_vectors();
    const int fd = port_->output().native_handle();
    ssize_t written = 0;
    do {
        written = ::writev(fd, vectors.first, static_cast<int>(vectors.count));
    } while (written < 0 && errno == EINTR);
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        lost(boost::system::error_code(errno, boost::system::system_category()));
        return false;
    }
    const std::size_t taken = written > 0 ? static_cast<std::size_t>(written) : 0;
    if (std::exchange(woke_for_room_, false) && taken == 0 && hung_up(fd)) {
        // A device that hung up wakes every wait for room and takes nothing: as a read of
        // it would, this loses it (and opens it again) instead of spinning.
        lost(boost::system::error_code(EIO, boost::system::system_category()));
        return false;
    }
    consume_front(taken);
    if (taken > 0 && queued_bytes_ < low_water && !drain_waiters_.empty() && !drain_notice_) {
        // Not from here: write_more() may run inside a producer's own call.
        drain_notice_ = true;
        boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.expired()) return;
            drain_notice_ = false;
            notify_drained();
        });
    }
    const Chunk& chunk = queue_.front();
    const bool all_taken =
        chunk.lent() ? chunk.parts.data() + chunk.next_part == vectors.first + vectors.count
                     : front_offset_ == chunk.bytes.size();
    if (all_taken) return true;
    // The device is full: a readiness edge comes when it has room again.
    wait_ready(port_->output(), boost::asio::posix::descriptor_base::wait_write, writing_,
               &SerialLink::write_after_waiting_for_room);
    return false;
}

void SerialLink::write_after_waiting_for_room() {
    woke_for_room_ = true;
    write_more();
}

void SerialLink::start_async_write() {
    writing_ = true;
    const FrontVectors vectors = front_vectors();
    const std::size_t count = std::min(vectors.count, async_buffers_.size());
    for (std::size_t i = 0; i < count; ++i)
        async_buffers_[i] =
            boost::asio::buffer(vectors.first[i].iov_base, vectors.first[i].iov_len);
    const WriteBuffers buffers{async_buffers_.data(), async_buffers_.data() + count};
    const boost::asio::const_buffer& last = async_buffers_[count - 1];
    port_->starting_write(std::string_view(static_cast<const char*>(last.data()), last.size()));
    port_->output().async_write_some(
        buffers, [this, alive = std::weak_ptr<bool>(alive_), generation = generation_](
                     const boost::system::error_code& ec, std::size_t n) {
            if (alive.expired()) return;
            on_written(generation, ec, n);
        });
}

void SerialLink::on_written(std::uint64_t generation, const boost::system::error_code& ec,
                            std::size_t n) {
    writing_ = false;
    // Bytes written by a port that has been closed since are on the wire all the same.
    consume_front(n);
    const std::weak_ptr<bool> alive = alive_;
    if (ec && !is_abort(ec) && is_current(generation)) {
        lost(ec);
        return;
    }
    notify_drained();
    if (alive.expired()) return;
    write_more();
    end_if_flushed();
}

void SerialLink::when_drained(std::function<void()> callback) {
    if (queued_bytes_ < low_water) {
        callback();
        return;
    }
    drain_waiters_.push_back(std::move(callback));
}

void SerialLink::notify_drained() {
    if (queued_bytes_ >= low_water || drain_waiters_.empty()) return;
    const auto waiters = std::exchange(drain_waiters_, {});
    const std::weak_ptr<bool> alive = alive_;
    for (const auto& waiter : waiters) {
        waiter();
        if (alive.expired()) return;
    }
}

void SerialLink::try_rate(std::uint32_t baud, std::function<void(std::uint32_t taken)> done) {
    const auto give_up = std::chrono::steady_clock::now() + idle_wait_limit;
    boost::asio::post(
        io_, [this, alive = std::weak_ptr<bool>(alive_), baud, done = std::move(done), give_up] {
            if (alive.expired()) return;
            try_rate_when_idle(baud, done, give_up);
        });
}

void SerialLink::try_rate_when_idle(std::uint32_t baud,
                                    const std::function<void(std::uint32_t)>& done,
                                    std::chrono::steady_clock::time_point give_up) {
    const bool idle = !port_ || (queued_bytes_ == 0 && !writing_ && port_->output_drained());
    if (!idle && std::chrono::steady_clock::now() < give_up) {
        idle_timer_.expires_after(idle_poll_interval);
        idle_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_), baud, done,
                                give_up](const boost::system::error_code& ec) {
            if (alive.expired() || ec) return;
            try_rate_when_idle(baud, done, give_up);
        });
        return;
    }
    // A device that is not open cannot be asked; it gets the settings when it comes back.
    done(port_ ? port_->rate_taken(baud) : baud);
}

void SerialLink::lost(const boost::system::error_code& ec) {
    if (spec_.kind == SerialSpec::Kind::stdio) {
        if (ec == boost::asio::error::eof) {
            // stdout may still take the answers to the last input (`printf 'AT\r' | ...`).
            spdlog::info("stdio: end of input");
            input_ended_ = true;
            end_if_flushed();
            return;
        }
        spdlog::warn("stdio: {}", ec.message());
        close_port();
        end();
        return;
    }
    spdlog::warn("{}: {}; opening it again every {} ms", port_->name(), ec.message(),
                 retry_interval.count());
    close_port();
    schedule_reopen();
}

void SerialLink::end_if_flushed() {
    if (input_ended_ && queued_bytes_ == 0 && !writing_) {
        close_port();
        end();
    }
}

void SerialLink::end() {
    if (ended_) return;
    ended_ = true;
    // A copy: the handler may destroy this link.
    const EndHandler handler = on_end_;
    if (handler) handler();
}

}  // namespace wizfi250d
