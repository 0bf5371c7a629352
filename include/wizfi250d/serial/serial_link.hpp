// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/uio.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/serial/serial_port.hpp"

namespace wizfi250d {

// The module's UART as the rest of the daemon sees it: it keeps the front end open (and opens it
// again when a device disappears and comes back), reads into the input callback, and writes a
// bounded queue in order. The queue is the only path to the wire, so nothing interleaves.
//
// Backpressure: congested() is true while more than high_water bytes wait to be written;
// producers (socket readers, the command parser) stop and ask when_drained() to be called back
// once the queue is below low_water again.
class SerialLink {
public:
    using InputHandler = std::function<void(std::string_view bytes)>;
    // Called when the front end ends for good (stdin closed in stdio mode: after the output
    // queued until then is written; or stdout failed).
    using EndHandler = std::function<void()>;

    static constexpr std::size_t high_water = std::size_t{64} * 1024;
    static constexpr std::size_t low_water = std::size_t{16} * 1024;

    SerialLink(boost::asio::io_context& io, SerialSpec spec);
    ~SerialLink();
    SerialLink(const SerialLink&) = delete;
    SerialLink& operator=(const SerialLink&) = delete;

    // Opens the front end with these settings and starts reading. An open failure of a device
    // is retried every retry_interval; it is not fatal.
    void start(const UartSettings& settings, InputHandler on_input, EndHandler on_end);

    // Closes and opens again with new settings (the emulated reboot). Queued output is kept.
    // A pty or the terminal stays open and only takes the new settings: closing a pty would
    // hang up the host program on its other side, which resetting a module does not do.
    void reopen(const UartSettings& settings);

    // Queues bytes for the wire.
    void write(std::string_view bytes);
    // The same without a copy: what the device does not take at once stays where it is, queued
    // by reference, and release() runs once it is written (or dropped with the queue). false:
    // all was written at once (release() does not run).
    bool write_borrowing(std::string_view bytes, std::function<void()> release);
    // Parts in order, as one write: what the device does not take at once waits in the queue
    // by reference (the caller keeps that memory unchanged until release() runs), except the
    // parts that lie in `copied`: that range is copied once, whole, and they point into the
    // copy. false: all was written at once (release() does not run).
    bool write_parts_borrowing(const std::string_view* parts, std::size_t count,
                               std::string_view copied, std::function<void()> release);
    // For output built in place (no copy): open_chunk() gives a chunk at the end of the queue
    // with room for at least `room` more bytes (appending never moves it); close_chunk() with
    // its size from before queues what was appended.
    std::string& open_chunk(std::size_t room);
    void close_chunk(std::size_t size_before);
    // Queues parts in order, as one write: what the device takes at once leaves from where the
    // parts are (writev), and only the rest is copied into the queue.
    void write_parts(const std::string_view* parts, std::size_t count);
    // Holds the wire for this long before the next queued bytes (AT+MEVTDELAY).
    void hold(std::chrono::milliseconds duration);

    // Stops delivering input (the reader does not read, so the kernel and the host's flow
    // control hold the bytes), and starts again.
    void pause_input();
    void resume_input();

    std::size_t queued() const { return queued_bytes_; }
    bool congested() const { return queued_bytes_ > high_water; }
    // Runs callback once the queue has drained below low_water (at once if it already has).
    void when_drained(std::function<void()> callback);

    // Asks the device's driver whether it runs the line at baud, once everything written so far
    // is on the wire (trying a rate on a busy line garbles it; after idle_wait_limit it is tried
    // all the same), and puts the current settings back. done gets the rate the driver keeps:
    // baud when it can make it. Always called from the loop, never from inside this call.
    void try_rate(std::uint32_t baud, std::function<void(std::uint32_t taken)> done);

    bool is_open() const { return port_ != nullptr; }
    const SerialSpec& spec() const { return spec_; }

    static constexpr std::chrono::milliseconds retry_interval{1000};
    static constexpr std::chrono::milliseconds idle_poll_interval{5};
    static constexpr std::chrono::milliseconds idle_wait_limit{2000};

private:
    struct Chunk {
        // The queue's own bytes; in a lent chunk, the copy of the parts that were not lent
        // (never appended to once the parts point into it).
        std::string bytes;
        std::chrono::milliseconds hold{0};
        // A lent chunk (write_parts_borrowing): what is left of its parts, in order, in memory
        // owned by someone else or in bytes (as writev takes them: a write passes them as they
        // are); release() tells the owner when all is written.
        std::vector<iovec> parts;
        std::size_t next_part = 0;
        std::function<void()> release;
        bool lent() const { return static_cast<bool>(release); }
    };
    // The buffers of an asynchronous write, as Asio's buffer sequence (the operation copies
    // this view, not the buffers).
    struct WriteBuffers {
        const boost::asio::const_buffer* first;
        const boost::asio::const_buffer* last;
        const boost::asio::const_buffer* begin() const { return first; }
        const boost::asio::const_buffer* end() const { return last; }
    };
    // What the next write of the front chunk offers: its own bytes, or its next parts.
    struct FrontVectors {
        const iovec* first;
        std::size_t count;
    };

    void open_port();
    void close_port();
    void schedule_reopen();
    // Handlers carry the generation of the port they were started on: an error from a port
    // that has since been closed is not a reason to close the current one.
    bool is_current(std::uint64_t generation) const;
    // Reads what the device holds and delivers it; waits for more with wait_readable().
    void read_more();
    void wait_readable();
    // Sets `pending` until `descriptor` is ready for `what`, then runs `then`; an error of the
    // current port loses it instead.
    void wait_ready(boost::asio::posix::descriptor& descriptor,
                    boost::asio::posix::descriptor_base::wait_type what, bool& pending,
                    void (SerialLink::*then)());
    void deliver_held_input();
    // Writes the queue while the device takes it; then waits for room, a hold or an
    // asynchronous write.
    void write_more();
    // One writev of the front chunk: true when the device took all of it, else the link waits
    // for room (or has lost the device).
    bool write_front_now();
    void write_after_waiting_for_room();
    void start_async_write();
    bool front_written() const;
    FrontVectors front_vectors();
    void consume_front(std::size_t n);
    void on_written(std::uint64_t generation, const boost::system::error_code& ec, std::size_t n);
    void notify_drained();
    void try_rate_when_idle(std::uint32_t baud, const std::function<void(std::uint32_t)>& done,
                            std::chrono::steady_clock::time_point give_up);
    void lost(const boost::system::error_code& ec);
    void end_if_flushed();
    void end();

    boost::asio::io_context& io_;
    SerialSpec spec_;
    UartSettings settings_;
    std::unique_ptr<SerialPort> port_;
    InputHandler on_input_;
    EndHandler on_end_;
    boost::asio::steady_timer retry_timer_;
    boost::asio::steady_timer hold_timer_;
    boost::asio::steady_timer idle_timer_;
    std::unique_ptr<char[]> read_buffer_;
    std::deque<Chunk> queue_;
    std::size_t queued_bytes_ = 0;
    // How much of the front chunk's own bytes is written (lent chunks consume their parts).
    std::size_t front_offset_ = 0;
    // What a write of the front chunk's own bytes offers.
    iovec front_bytes_{};
    // The asynchronous write's buffers (the terminal's writes).
    std::array<boost::asio::const_buffer, 32> async_buffers_;
    // A wait for input (or a read posted to the loop) is pending.
    bool reading_ = false;
    // A write, a wait for room or a hold is pending: nothing else writes meanwhile.
    bool writing_ = false;
    // notify_drained() is posted.
    bool drain_notice_ = false;
    // The last wait for room has just ended.
    bool woke_for_room_ = false;
    bool input_paused_ = false;
    // Bytes read into read_buffer_ but not delivered yet (input was paused meanwhile).
    std::size_t held_input_ = 0;
    // The input handler is running with a view of read_buffer_: no read may refill it.
    bool delivering_ = false;
    bool input_ended_ = false;
    bool ended_ = false;
    std::uint64_t generation_ = 0;
    std::string last_open_error_;
    std::vector<std::function<void()>> drain_waiters_;
    // Guards handlers that run after this object is gone.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wizfi250d
