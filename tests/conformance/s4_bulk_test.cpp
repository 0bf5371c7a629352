// SPDX-License-Identifier: Apache-2.0
// Spec §4.2 and §4.4 (data mode both ways) and §3.3 (receive frames) with megabytes, and the
// design's rule that every byte goes through a bounded buffer and a full buffer stops the
// reader on the other side (design.md, "The shape"): nothing is lost, nothing is reordered, the
// daemon's memory stays bounded, and it answers +++ and AT afterwards.
//
// Plain TCP on 127.0.0.1, the daemon as a TCN client. The test uses its own descriptor on the
// pty (SerialLine) and its own TCP peer (RawTcpStream), both with deadlines of tens of seconds;
// no timing is asserted. The test's side of the pty is raw (the harness set it); a pty holds
// only a few KiB, which is what makes the serial side push back.
//
// Serial -> network data never holds "+++" (bulk_data_mode_bytes): a stall of the line longer
// than the escape period after three '+' is an escape on the module too (spec §4.3).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "tls_peer.hpp"

namespace wizfi250d::conformance {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = 1024 * 1024;
// A generous sanity bound for the daemon's resident memory; not a performance check.
constexpr long kRssLimitKib = 200 * 1024;
// The largest command-mode frame payload (spec §3.3, §4.7).
constexpr std::size_t kMaxFramePayload = 1460;

// The daemon as a TCN client of `listener`, connected, in data mode (or command mode), with the
// test's own descriptor on the pty.
::testing::AssertionResult connect_tcn(Daemon& d, RawTcpListener& listener, RawTcpStream& peer,
                                       SerialLine& serial, unsigned data_mode) {
    if (auto r = start_and_join(d); !r) return r;
    const std::string command =
        "AT+SCON=O,TCN,127.0.0.1," + port_text(listener.port()) + ",," + std::to_string(data_mode);
    if (auto r = d.transact(command, std::string(kOk) + connect_event(0), kConnectTimeout); !r)
        return r;
    if (auto r = listener.accept(peer); !r) return r;
    return serial.open(d.link());
}

// After a transfer: +++ leaves data mode with [OK] (spec §4.3) and the daemon answers AT.
::testing::AssertionResult escape_and_check(Daemon& d) {
    if (auto r = d.send("+++"); !r) return r;
    if (auto r = d.expect(kOk, kEscapeTimeout); !r) {
        return ::testing::AssertionFailure() << "+++ after the transfer:\n" << r.message();
    }
    return d.transact("AT", kOk);
}

void record_rss(const char* name, long kib) {
    ::testing::Test::RecordProperty(name, std::to_string(kib));
    std::cout << "[ RSS      ] " << ::testing::UnitTest::GetInstance()->current_test_info()->name()
              << " " << name << " = " << kib << " KiB\n";
}

void check_rss(long kib) {
    EXPECT_GT(kib, 0) << "VmRSS could not be read";
    EXPECT_LT(kib, kRssLimitKib) << "the daemon's VmRSS is " << kib << " KiB";
}

// One command-mode receive frame "{<cid>,127.0.0.1,<port>,<len>}<payload>\r\n" (spec §3.3) with
// 1 <= len <= 1460, from a socket whose peer listens on ports[cid]. What comes before the frame
// (an event) goes to *before; without before, it is an error.
struct Frame {
    unsigned cid = 0;
    std::string payload;
};

::testing::AssertionResult read_frame(SerialLine& serial, const std::vector<std::uint16_t>& ports,
                                      Frame& frame, std::string* before = nullptr) {
    std::string header;
    if (auto r = serial.read_through('}', 64, header); !r) return r;
    const auto bad = [&](const char* why) {
        return ::testing::AssertionFailure()
               << "bad frame header \"" << escape_bytes(header) << "\": " << why;
    };
    const std::size_t start = header.find('{');
    if (start == std::string::npos || (start > 0 && before == nullptr)) return bad("no {");
    if (before != nullptr) *before = header.substr(0, start);
    header.erase(0, start);
    if (header.size() < 4 || header[2] != ',') return bad("no {<cid>,");
    frame.cid = static_cast<unsigned>(std::stoul(header.substr(1, 1), nullptr, 16));
    if (frame.cid >= ports.size()) return bad("no such socket");
    const std::string prefix =
        "{" + header.substr(1, 1) + ",127.0.0.1," + port_text(ports[frame.cid]) + ",";
    const std::string length_text =
        header.size() > prefix.size() + 1
            ? header.substr(prefix.size(), header.size() - prefix.size() - 1)
            : std::string();
    if (header.compare(0, prefix.size(), prefix) != 0 || length_text.empty() ||
        length_text.find_first_not_of("0123456789") != std::string::npos)
        return bad("expected {<cid>,127.0.0.1,<the peer's port>,<len>}");
    const std::size_t length = std::stoul(length_text);
    if (length == 0 || length > kMaxFramePayload) return bad("length out of 1..1460");
    std::string body;
    if (auto r = serial.read_exactly(length + 2, body, kTimeout); !r) return r;
    if (body.compare(length, 2, "\r\n") != 0)
        return ::testing::AssertionFailure()
               << "no CRLF after the " << length << " payload bytes: \""
               << escape_bytes(body.substr(length)) << "\"";
    body.resize(length);
    frame.payload = std::move(body);
    return ::testing::AssertionSuccess();
}

TEST(Spec4_Bulk, DataModeSerialToPeerOneMiB) {
    const std::string data = bulk_data_mode_bytes(kMiB, 0xb01c0001u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 1));
    const long rss_before = vm_rss_kib(d.pid());

    ::testing::AssertionResult wrote = ::testing::AssertionSuccess();
    std::thread writer([&] { wrote = serial.write_all(data); });
    std::string got;
    const auto read = peer.read_exactly(data.size(), got);
    writer.join();
    ASSERT_TRUE(wrote);
    ASSERT_TRUE(read);
    ASSERT_EQ(compare_bulk(data, got), "");
    ASSERT_TRUE(peer.expect_nothing(Millis{300}));

    const long rss_after = vm_rss_kib(d.pid());
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_after", rss_after);
    check_rss(rss_after);
    ASSERT_TRUE(escape_and_check(d));
}

TEST(Spec4_Bulk, DataModePeerToSerialOneMiB) {
    const std::string data = bulk_random_bytes(kMiB, 0xb01c0002u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 1));
    const long rss_before = vm_rss_kib(d.pid());

    ::testing::AssertionResult sent = ::testing::AssertionSuccess();
    std::thread sender([&] { sent = peer.send_all(data); });
    std::string got;
    const auto read = serial.read_exactly(data.size(), got);
    sender.join();
    ASSERT_TRUE(sent);
    ASSERT_TRUE(read);
    ASSERT_EQ(compare_bulk(data, got), "");

    const long rss_after = vm_rss_kib(d.pid());
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_after", rss_after);
    check_rss(rss_after);
    ASSERT_TRUE(d.expect_nothing(Millis{300}));
    ASSERT_TRUE(escape_and_check(d));
}

TEST(Spec4_Bulk, DataModeBothDirectionsAtOnceOneMiBEach) {
    const std::string up = bulk_data_mode_bytes(kMiB, 0xb01c0003u);
    const std::string down = bulk_random_bytes(kMiB, 0xb01c0004u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 1));
    const long rss_before = vm_rss_kib(d.pid());

    ::testing::AssertionResult serial_wrote = ::testing::AssertionSuccess();
    ::testing::AssertionResult serial_read = ::testing::AssertionSuccess();
    ::testing::AssertionResult peer_sent = ::testing::AssertionSuccess();
    ::testing::AssertionResult peer_read = ::testing::AssertionSuccess();
    std::string at_serial;
    std::string at_peer;
    std::thread serial_writer([&] { serial_wrote = serial.write_all(up); });
    std::thread serial_reader([&] { serial_read = serial.read_exactly(down.size(), at_serial); });
    std::thread peer_sender([&] { peer_sent = peer.send_all(down); });
    peer_read = peer.read_exactly(up.size(), at_peer);
    serial_writer.join();
    serial_reader.join();
    peer_sender.join();
    ASSERT_TRUE(serial_wrote);
    ASSERT_TRUE(peer_sent);
    ASSERT_TRUE(peer_read);
    ASSERT_TRUE(serial_read);
    ASSERT_EQ(compare_bulk(up, at_peer), "") << "serial -> peer";
    ASSERT_EQ(compare_bulk(down, at_serial), "") << "peer -> serial";

    const long rss_after = vm_rss_kib(d.pid());
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_after", rss_after);
    check_rss(rss_after);
    ASSERT_TRUE(escape_and_check(d));
}

// The host reads slowly (4 KiB every 20 ms for 2 s, then as fast as it can) while the peer
// sends 4 MiB: the daemon's serial queue fills, it stops reading the socket, TCP pushes back on
// the peer, and every byte still arrives, in order.
TEST(Spec4_Bulk, DataModeSlowSerialReaderLosesNothing) {
    constexpr std::size_t kTotal = 4 * kMiB;
    constexpr std::size_t kSlowChunk = 4096;
    constexpr Millis kSlowPause{20};
    constexpr Millis kSlowPhase{2000};
    const std::string data = bulk_random_bytes(kTotal, 0xb01c0005u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 1));
    const long rss_before = vm_rss_kib(d.pid());

    std::atomic<std::size_t> progress{0};
    ::testing::AssertionResult sent = ::testing::AssertionSuccess();
    std::thread sender([&] { sent = peer.send_all(data, kBulkTimeout, &progress); });

    std::string got;
    got.reserve(kTotal);
    long rss_peak = rss_before;
    const auto slow_until = Clock::now() + kSlowPhase;
    ::testing::AssertionResult read = ::testing::AssertionSuccess();
    while (Clock::now() < slow_until && got.size() < kTotal) {
        std::string part;
        read = serial.read_exactly(std::min(kSlowChunk, kTotal - got.size()), part);
        if (!read) break;
        got += part;
        rss_peak = std::max(rss_peak, vm_rss_kib(d.pid()));
        std::this_thread::sleep_for(kSlowPause);
    }
    const std::size_t read_slowly = got.size();
    const std::size_t sent_during_slow_phase = progress.load();
    std::size_t daemon_tx = 0, daemon_rx = 0, peer_tx = 0, peer_rx = 0;
    const bool queues_known =
        tcp_queues(peer.remote_port(), peer.local_port(), daemon_tx, daemon_rx) &&
        tcp_queues(peer.local_port(), peer.remote_port(), peer_tx, peer_rx);
    if (read) {
        std::string rest;
        read = serial.read_exactly(kTotal - got.size(), rest);
        got += rest;
    }
    sender.join();
    ASSERT_TRUE(read);
    ASSERT_TRUE(sent);
    ASSERT_EQ(compare_bulk(data, got), "");

    const long rss_after = vm_rss_kib(d.pid());
    RecordProperty("bytes_read_in_slow_phase", std::to_string(read_slowly));
    RecordProperty("bytes_sent_by_peer_in_slow_phase", std::to_string(sent_during_slow_phase));
    std::cout << "[ BULK     ] slow phase: host read " << read_slowly << " bytes, peer sent "
              << sent_during_slow_phase << " of " << kTotal;
    if (queues_known) {
        // Sent and not yet read: in the kernel's TCP queues, or in the daemon and the pty.
        const std::size_t in_flight =
            sent_during_slow_phase > read_slowly ? sent_during_slow_phase - read_slowly : 0;
        const std::size_t in_kernel = peer_tx + daemon_rx;
        RecordProperty("peer_socket_send_queue_in_slow_phase", std::to_string(peer_tx));
        RecordProperty("daemon_socket_receive_queue_in_slow_phase", std::to_string(daemon_rx));
        std::cout << "; in the kernel's TCP queues: " << in_kernel << " (peer send queue "
                  << peer_tx << ", daemon receive queue " << daemon_rx
                  << "); elsewhere (daemon buffers, pty): "
                  << (in_flight > in_kernel ? in_flight - in_kernel : 0);
    }
    std::cout << "\n";
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_peak_in_slow_phase", rss_peak);
    record_rss("daemon_vmrss_kib_after", rss_after);
    check_rss(rss_peak);
    check_rss(rss_after);
    ASSERT_TRUE(d.expect_nothing(Millis{300}));
    ASSERT_TRUE(escape_and_check(d));
}

// The peer reads nothing for a few seconds while the host writes: the daemon stops reading
// the pty once its bounded buffers and the socket are full, so the host's writes block
// (backpressure). Then the peer reads everything and all bytes arrive intact.
//
// The kernel buffers a lot on loopback by itself: the daemon's socket send buffer autotunes up
// to tcp_wmem's maximum (4 MiB here), and the peer's receive buffer holds its default. So the
// host writes 2 MiB more than those kernel buffers can take (2 MiB alone would all sit in the
// kernel and prove nothing), and the bytes in the kernel's queues are recorded.
TEST(Spec4_Bulk, DataModePeerStopsReadingBlocksTheSerialWriter) {
    constexpr Millis kPause{4000};
    std::size_t wmem_min = 0, wmem_default = 0, wmem_max = 4 * kMiB;
    std::size_t rmem_min = 0, rmem_default = 128 * 1024, rmem_max = 0;
    if (!tcp_memory_limits("tcp_wmem", wmem_min, wmem_default, wmem_max)) wmem_max = 8 * kMiB;
    if (!tcp_memory_limits("tcp_rmem", rmem_min, rmem_default, rmem_max)) rmem_default = kMiB;
    const std::size_t kernel_allowance = wmem_max + 2 * rmem_default;
    const std::size_t total = 2 * kMiB + kernel_allowance;
    const std::string data = bulk_data_mode_bytes(total, 0xb01c0006u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 1));
    const long rss_before = vm_rss_kib(d.pid());

    std::atomic<std::size_t> written{0};
    ::testing::AssertionResult wrote = ::testing::AssertionSuccess();
    std::thread writer([&] { wrote = serial.write_all(data, kBulkTimeout, &written); });
    std::this_thread::sleep_for(kPause);
    const std::size_t written_while_paused = written.load();
    const long rss_paused = vm_rss_kib(d.pid());
    std::size_t daemon_tx = 0, daemon_rx = 0, peer_tx = 0, peer_rx = 0;
    const bool queues_known =
        tcp_queues(peer.remote_port(), peer.local_port(), daemon_tx, daemon_rx) &&
        tcp_queues(peer.local_port(), peer.remote_port(), peer_tx, peer_rx);

    std::string got;
    const auto read = peer.read_exactly(total, got);
    writer.join();
    const long rss_after = vm_rss_kib(d.pid());

    RecordProperty("bytes_to_write", std::to_string(total));
    RecordProperty("bytes_written_while_peer_paused", std::to_string(written_while_paused));
    if (queues_known) {
        RecordProperty("daemon_socket_send_queue_while_paused", std::to_string(daemon_tx));
        RecordProperty("peer_socket_receive_queue_while_paused", std::to_string(peer_rx));
    }
    std::cout << "[ BULK     ] the host wrote " << written_while_paused << " of " << total
              << " bytes while the peer read nothing";
    if (queues_known) {
        const std::size_t in_kernel = daemon_tx + peer_rx;
        std::cout << "; in the kernel's TCP queues: " << in_kernel << " (daemon send queue "
                  << daemon_tx << ", peer receive queue " << peer_rx << "); elsewhere (pty, "
                  << "daemon buffers): "
                  << (written_while_paused > in_kernel ? written_while_paused - in_kernel : 0);
    }
    std::cout << "\n";
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_while_blocked", rss_paused);
    record_rss("daemon_vmrss_kib_after", rss_after);
    // Bounded buffering: the writes blocked before everything was taken.
    EXPECT_LT(written_while_paused, total)
        << "all " << total << " bytes were taken while the peer read nothing";
    ASSERT_TRUE(wrote);
    ASSERT_TRUE(read);
    ASSERT_EQ(compare_bulk(data, got), "");
    check_rss(rss_paused);
    check_rss(rss_after);
    ASSERT_TRUE(peer.expect_nothing(Millis{300}));
    ASSERT_TRUE(escape_and_check(d));
}

// Command mode (spec §3.3): 1 MiB from the peer arrives as frames
// "{0,127.0.0.1,<port>,<len>}<payload>\r\n" with 1 <= len <= 1460, whose payloads, joined, are
// what was sent.
TEST(Spec4_Bulk, CommandModeOneMiBArrivesAsFramesOfAtMost1460Bytes) {
    const std::string data = bulk_random_bytes(kMiB, 0xb01c0007u);
    RawTcpListener listener;
    ASSERT_TRUE(listener.listen());
    Daemon d(loopback_options());
    RawTcpStream peer;
    SerialLine serial;
    ASSERT_TRUE(connect_tcn(d, listener, peer, serial, 0));
    const long rss_before = vm_rss_kib(d.pid());

    ::testing::AssertionResult sent = ::testing::AssertionSuccess();
    std::thread sender([&] { sent = peer.send_all(data); });
    std::string joined;
    joined.reserve(data.size());
    std::size_t frames = 0;
    std::size_t largest = 0;
    ::testing::AssertionResult parsed = ::testing::AssertionSuccess();
    const auto deadline = Clock::now() + kBulkTimeout;
    while (joined.size() < data.size()) {
        if (Clock::now() > deadline) {
            parsed = ::testing::AssertionFailure() << "frames: deadline passed";
            break;
        }
        Frame frame;
        parsed = read_frame(serial, {listener.port()}, frame);
        if (!parsed) {
            parsed << " (frame " << frames << ", after " << joined.size() << " bytes)";
            break;
        }
        joined += frame.payload;
        largest = std::max(largest, frame.payload.size());
        ++frames;
    }
    sender.join();
    ASSERT_TRUE(sent);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(compare_bulk(data, joined), "");

    const long rss_after = vm_rss_kib(d.pid());
    RecordProperty("frames", std::to_string(frames));
    RecordProperty("largest_frame_payload", std::to_string(largest));
    std::cout << "[ BULK     ] " << frames << " frames, the largest " << largest << " bytes\n";
    record_rss("daemon_vmrss_kib_before", rss_before);
    record_rss("daemon_vmrss_kib_after", rss_after);
    check_rss(rss_after);
    ASSERT_TRUE(d.expect_nothing(Millis{300}));
    ASSERT_TRUE(d.transact("AT", kOk));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", disconnect_event(0) + std::string(kOk)));
}

// Command mode (spec §3.3) with three sockets receiving at once, more than the pty holds: the
// frames of different sockets interleave, each socket's payloads, joined, are what its peer
// sent, and a peer that closes is announced only after its last frame.
TEST(Spec4_Bulk, CommandModeThreeSocketsAtOnceKeepEachStreamWhole) {
    constexpr unsigned kSockets = 3;
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    std::vector<std::unique_ptr<RawTcpListener>> listeners;
    std::vector<RawTcpStream> peers(kSockets);
    std::vector<std::uint16_t> ports;
    std::vector<std::string> data;
    for (unsigned cid = 0; cid < kSockets; ++cid) {
        listeners.push_back(std::make_unique<RawTcpListener>());
        ASSERT_TRUE(listeners.back()->listen());
        ports.push_back(listeners.back()->port());
        data.push_back(bulk_random_bytes(kMiB / 2, 0xb01c0010u + cid));
        ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(ports.back()) + ",,0",
                               std::string(kOk) + connect_event(cid), kConnectTimeout));
        ASSERT_TRUE(listeners.back()->accept(peers[cid]));
    }
    SerialLine serial;
    ASSERT_TRUE(serial.open(d.link()));

    std::vector<::testing::AssertionResult> sent(kSockets, ::testing::AssertionSuccess());
    std::vector<std::thread> senders;
    for (unsigned cid = 0; cid < kSockets; ++cid)
        senders.emplace_back([&, cid] {
            sent[cid] = peers[cid].send_all(data[cid]);
            // The last socket's peer leaves once all is sent: its [DISCONNECT] follows its frames.
            if (cid == kSockets - 1) peers[cid].close();
        });
    // The host reads nothing for a while: the queue fills and every socket waits.
    std::this_thread::sleep_for(Millis{300});

    std::vector<std::string> joined(kSockets);
    std::set<unsigned> interleaved;
    unsigned previous = kSockets;
    std::size_t total = 0;
    bool disconnected = false;
    ::testing::AssertionResult parsed = ::testing::AssertionSuccess();
    const auto deadline = Clock::now() + kBulkTimeout;
    while (total < kSockets * kMiB / 2) {
        if (Clock::now() > deadline) {
            parsed = ::testing::AssertionFailure() << "frames: deadline passed";
            break;
        }
        Frame frame;
        std::string before;
        parsed = read_frame(serial, ports, frame, &before);
        if (!parsed) break;
        if (!before.empty()) {
            // Only the closed socket's event, and only after all of its bytes.
            if (before != disconnect_event(kSockets - 1) || disconnected ||
                joined[kSockets - 1].size() != data[kSockets - 1].size()) {
                parsed = ::testing::AssertionFailure()
                         << "\"" << escape_bytes(before) << "\" after "
                         << joined[kSockets - 1].size() << " bytes of socket " << kSockets - 1;
                break;
            }
            disconnected = true;
        }
        if (previous != kSockets && previous != frame.cid) interleaved.insert(frame.cid);
        previous = frame.cid;
        joined[frame.cid] += frame.payload;
        total += frame.payload.size();
    }
    for (auto& sender : senders)
        sender.join();
    ASSERT_TRUE(parsed);
    for (unsigned cid = 0; cid < kSockets; ++cid) {
        ASSERT_TRUE(sent[cid]) << "socket " << cid;
        ASSERT_EQ(compare_bulk(data[cid], joined[cid]), "") << "socket " << cid;
    }
    // Fairness: no socket's bytes all came before the others'.
    EXPECT_EQ(interleaved.size(), std::size_t{kSockets}) << "frames did not interleave";
    if (!disconnected) {
        ASSERT_TRUE(d.expect(disconnect_event(kSockets - 1), kTimeout));
    }
    ASSERT_TRUE(d.transact("AT", kOk));
}

}  // namespace
}  // namespace wizfi250d::conformance
