// SPDX-License-Identifier: Apache-2.0
// Fuzz target: data mode, serial -> network (DataPump: packing, the flush timer, the +++ escape,
// backpressure). The module feeds the pump every serial read in data mode; here the fuzz input
// is cut into reads, and between two reads the line is "silent" long enough for the flush and
// escape timers to fire (both set to 0 ms, so a run is quick and does not depend on timing).
//
// Input: byte 0 holds options (bit 0: flush when idle; bit 1: the network completes each packet
// only at the next silence, so packets queue up and input is held; bit 2: the data socket goes
// away at the end (reset); bit 3: a UDP socket, so packets are never joined); byte 1 & 7 is the
// bit 4: the socket takes bytes at once (send_now), up to (bits 5-7) * 700 bytes per call, so
// whole packets skip the queue and the rest queues); byte 1 & 7 is the number of extra cut points,
// and that many bytes follow with their positions; the rest is the serial stream.
//
// Checks (a failed one aborts), against a model of spec §4.2/§4.3:
//   - the packets, concatenated, are exactly the stream with each recognised "+++" removed,
//     where "+++" is recognised when exactly three '+' end a read (silence follows);
//   - the number of escapes is the model's;
//   - no send is empty; on a UDP socket none is longer than packet_limit + 1 bytes (on TCP,
//     packets that wait behind the one in flight leave joined);
//   - hold_input and release_input alternate, and input is not held once the network has
//     taken every packet (or after reset).

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/module/data_pump.hpp"

namespace {

using wizfi250d::DataPump;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_data_pump: check failed: %s\n", what);
        std::abort();
    }
}

// The reference model: what the network must receive for a stream cut into reads.
struct Model {
    std::string sent;
    unsigned escapes = 0;
    unsigned held = 0;

    void read(std::string_view bytes) {
        for (const char byte : bytes) {
            if (byte == '+' && held < 3) {
                ++held;
                continue;
            }
            sent.append(held, '+');
            sent.push_back(byte);
            held = 0;
        }
    }
    void silence() {
        if (held == 3) {
            ++escapes;
        } else {
            sent.append(held, '+');
        }
        held = 0;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const bool flush_when_idle = (data[0] & 1u) != 0;
    const bool deferred = (data[0] & 2u) != 0;
    const bool reset_at_end = (data[0] & 4u) != 0;
    const bool datagrams = (data[0] & 8u) != 0;
    const bool direct = (data[0] & 16u) != 0;
    const std::size_t direct_limit = (data[0] >> 5) * std::size_t{700};
    const std::size_t cuts = data[1] & 7u;
    if (size < 2 + cuts) return 0;
    const std::string_view stream(reinterpret_cast<const char*>(data + 2 + cuts), size - 2 - cuts);
    std::vector<std::size_t> points{0, stream.size()};
    for (std::size_t i = 0; i < cuts; ++i)
        points.push_back(stream.empty() ? 0 : data[2 + i] * stream.size() / 256);
    std::sort(points.begin(), points.end());

    boost::asio::io_context io;
    std::string sent;
    unsigned escapes = 0;
    bool input_held = false;
    std::deque<std::function<void(bool)>> waiting;

    DataPump pump(io, DataPump::Callbacks{
                          [&](std::string packet, std::function<void(bool)> done) {
                              check(!packet.empty(), "no empty packet");
                              check(!datagrams || packet.size() <= DataPump::packet_limit + 1,
                                    "datagram <= packet_limit + 1");
                              sent += packet;
                              if (deferred) {
                                  waiting.push_back(std::move(done));
                              } else {
                                  boost::asio::post(io, [done = std::move(done)] { done(true); });
                              }
                          },
                          [&] { ++escapes; },
                          [&] {
                              check(!input_held, "hold_input twice");
                              input_held = true;
                          },
                          [&] {
                              check(input_held, "release_input without hold_input");
                              input_held = false;
                          },
                          [&](std::string_view head, std::string_view body) -> std::size_t {
                              if (!direct) return 0;
                              check(!datagrams, "no direct sends on a UDP socket");
                              check(!head.empty() || !body.empty(), "no empty direct send");
                              const std::string both = std::string(head) + std::string(body);
                              const std::size_t n = std::min(both.size(), direct_limit);
                              sent.append(both, 0, n);
                              return n;
                          },
                      });
    DataPump::Timing timing;
    timing.flush = std::chrono::milliseconds{0};
    timing.escape = std::chrono::milliseconds{0};
    timing.flush_when_idle = flush_when_idle;
    pump.set_timing(timing);
    pump.set_datagrams(datagrams);

    // Silence on the line: the timers fire and the network takes what it was given.
    const auto silence = [&] {
        for (int round = 0; round < 1000; ++round) {
            while (!waiting.empty()) {
                auto done = std::move(waiting.front());
                waiting.pop_front();
                done(round % 2 == 0);  // a failed send is still the end of that packet
            }
            if (io.poll() == 0) {
                if (pump.idle() && waiting.empty()) break;
                io.restart();
                io.run_one_for(std::chrono::milliseconds{1});
            }
            io.restart();
        }
    };

    Model model;
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        const std::string_view read = stream.substr(points[i], points[i + 1] - points[i]);
        if (read.empty()) continue;
        pump.feed(read);
        model.read(read);
        silence();
        model.silence();
    }
    check(pump.idle(), "the pump is idle after silence");
    check(sent == model.sent, "packets == stream without the escapes");
    check(escapes == model.escapes, "escape count");
    check(!input_held, "input is not held once every packet is sent");

    if (reset_at_end) {
        pump.feed(stream.substr(0, 3000));
        pump.reset();
        check(!input_held, "input is released by reset");
        check(pump.idle(), "the pump is idle after reset");
        io.poll();
    }
    return 0;
}
