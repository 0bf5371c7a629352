// SPDX-License-Identifier: Apache-2.0
// Pinger: ICMP echo packets, reply matching, and real pings to 127.0.0.1.
//
// Network rules (design "Test rules"): echo requests go to 127.0.0.1 only. A timeout cannot be
// produced there deterministically (the loopback always answers, and racing a tiny time limit
// against it would test timing), so the timeout path rests on the reply matching: a reply that
// is not ours (wrong identifier, wrong sequence, not an echo reply) is ignored, and an ignored
// reply leaves the ping waiting for its time limit. No test asserts a duration.

#include "wizfi250d/net/pinger.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

// ----- packets ----------------------------------------------------------------------------------

std::uint16_t checksum_of(const std::string& bytes) {
    return icmp::checksum(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// An echo reply as the peer sends it: the request with type 0 and a new checksum.
std::string reply_to(std::string packet) {
    packet[0] = static_cast<char>(icmp::echo_reply_type);
    packet[2] = packet[3] = 0;
    const std::uint16_t sum = checksum_of(packet);
    packet[2] = static_cast<char>(sum >> 8);
    packet[3] = static_cast<char>(sum & 0xff);
    return packet;
}

// A minimal IPv4 header (no options unless extra_words) in front of an ICMP packet, as a raw
// socket returns it.
std::string with_ip_header(const std::string& icmp_packet, unsigned extra_words = 0,
                           unsigned char protocol = 1) {
    std::string header(20 + 4 * extra_words, '\0');
    header[0] = static_cast<char>(0x40 | (5 + extra_words));
    header[9] = static_cast<char>(protocol);
    return header + icmp_packet;
}

TEST(IcmpPackets, ChecksumOfTheRfc1071Example) {
    const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(icmp::checksum(bytes, sizeof bytes), 0x220d);
    const std::uint8_t odd[] = {0x01};
    EXPECT_EQ(icmp::checksum(odd, sizeof odd), 0xfeff);
}

TEST(IcmpPackets, EchoRequestLayout) {
    const std::string packet = icmp::make_echo_request(0x1234, 0xabcd, "xyz");
    ASSERT_EQ(packet.size(), icmp::header_size + 3);
    EXPECT_EQ(static_cast<unsigned char>(packet[0]), icmp::echo_request_type);
    EXPECT_EQ(packet[1], 0);
    EXPECT_EQ(static_cast<unsigned char>(packet[4]), 0x12);
    EXPECT_EQ(static_cast<unsigned char>(packet[5]), 0x34);
    EXPECT_EQ(static_cast<unsigned char>(packet[6]), 0xab);
    EXPECT_EQ(static_cast<unsigned char>(packet[7]), 0xcd);
    EXPECT_EQ(packet.substr(8), "xyz");
    EXPECT_EQ(checksum_of(packet), 0) << "a packet with its checksum sums to zero";
    EXPECT_EQ(checksum_of(icmp::make_echo_request(1, 2, "odd")), 0);
}

TEST(IcmpPackets, OurReplyMatches) {
    const std::string reply = reply_to(icmp::make_echo_request(0x1234, 7, "payload"));
    EXPECT_TRUE(icmp::is_echo_reply(reply, false, 0x1234, 7));
    EXPECT_TRUE(icmp::is_echo_reply(with_ip_header(reply), true, 0x1234, 7));
    EXPECT_TRUE(icmp::is_echo_reply(with_ip_header(reply, 3), true, 0x1234, 7))
        << "IP options are skipped";
    EXPECT_TRUE(
        icmp::is_echo_reply(reply_to(icmp::make_echo_request(0x1234, 7, "")), false, 0x1234, 7))
        << "no payload";
}

TEST(IcmpPackets, OtherRepliesAreIgnored) {
    const std::string reply = reply_to(icmp::make_echo_request(0x1234, 7, "payload"));
    EXPECT_FALSE(icmp::is_echo_reply(reply, false, 0x1235, 7)) << "another pinger's reply";
    EXPECT_FALSE(icmp::is_echo_reply(reply, false, 0x1234, 6)) << "a late reply";
    EXPECT_FALSE(icmp::is_echo_reply(reply, false, 0x1234, 8));
    EXPECT_FALSE(icmp::is_echo_reply(with_ip_header(reply), true, 0x1234, 6));
}

TEST(IcmpPackets, OtherIcmpIsIgnored) {
    const std::string request = icmp::make_echo_request(0x1234, 7, "payload");
    EXPECT_FALSE(icmp::is_echo_reply(request, false, 0x1234, 7)) << "our own request";
    EXPECT_FALSE(icmp::is_echo_reply(with_ip_header(request), true, 0x1234, 7));
    std::string unreachable = reply_to(request);
    unreachable[0] = 3;  // destination unreachable
    EXPECT_FALSE(icmp::is_echo_reply(unreachable, false, 0x1234, 7));
    std::string coded = reply_to(request);
    coded[1] = 1;  // an echo reply has code 0
    EXPECT_FALSE(icmp::is_echo_reply(coded, false, 0x1234, 7));
}

TEST(IcmpPackets, MalformedPacketsAreIgnored) {
    const std::string reply = reply_to(icmp::make_echo_request(0x1234, 7, ""));
    EXPECT_FALSE(icmp::is_echo_reply("", false, 0x1234, 7));
    EXPECT_FALSE(icmp::is_echo_reply(reply.substr(0, 7), false, 0x1234, 7)) << "short";
    EXPECT_FALSE(icmp::is_echo_reply(reply, true, 0x1234, 7)) << "no IP header";
    EXPECT_FALSE(icmp::is_echo_reply(with_ip_header(reply).substr(0, 19), true, 0x1234, 7));
    EXPECT_FALSE(icmp::is_echo_reply(with_ip_header(reply, 0, 17), true, 0x1234, 7)) << "not ICMP";
    std::string ipv6 = with_ip_header(reply);
    ipv6[0] = 0x65;
    EXPECT_FALSE(icmp::is_echo_reply(ipv6, true, 0x1234, 7)) << "not IPv4";
    std::string long_header = with_ip_header(reply);
    long_header[0] = 0x4f;  // claims 60 bytes of header: more than the packet has
    EXPECT_FALSE(icmp::is_echo_reply(long_header, true, 0x1234, 7));
    std::string short_header = with_ip_header(reply);
    short_header[0] = 0x44;  // 16 bytes: less than an IPv4 header
    EXPECT_FALSE(icmp::is_echo_reply(short_header, true, 0x1234, 7));
}

// ----- pings ------------------------------------------------------------------------------------

Ipv4 loopback() {
    return *parse_ipv4("127.0.0.1");
}

struct RunRecord {
    std::vector<PingResult> results;
    int done = 0;
};

// Starts a run and returns its record; the Pinger keeps itself alive while it runs.
std::shared_ptr<RunRecord> start(const std::shared_ptr<Pinger>& pinger, Ipv4 target,
                                 unsigned count) {
    auto record = std::make_shared<RunRecord>();
    pinger->run(
        target, count, [record](const PingResult& result) { record->results.push_back(result); },
        [record] { ++record->done; });
    return record;
}

class PingerTest : public ::testing::Test {
protected:
    void run() {
        io_.run();
        io_.restart();
    }
    boost::asio::io_context io_;
};

TEST_F(PingerTest, LoopbackAnswers) {
    auto pinger = Pinger::create(io_);
    if (pinger->socket_kind() == IcmpSocketKind::none)
        GTEST_SKIP() << "no ICMP socket here (ping_group_range / CAP_NET_RAW)";
    const auto record = start(pinger, loopback(), 3);
    EXPECT_TRUE(record->results.empty()) << "never inside run()";
    pinger.reset();  // the run keeps it alive
    run();
    EXPECT_EQ(record->done, 1);
    ASSERT_EQ(record->results.size(), 3U);
    for (const auto& result : record->results)
        EXPECT_EQ(result.outcome, PingOutcome::reply);
}

TEST_F(PingerTest, EachKindOfSocketThatOpensGetsReplies) {
    for (const auto choice : {IcmpSocketChoice::datagram_only, IcmpSocketChoice::raw_only}) {
        auto pinger = Pinger::create(io_, PingerOptions{900ms, choice});
        const IcmpSocketKind kind = pinger->socket_kind();
        const auto record = start(pinger, loopback(), 2);
        run();
        EXPECT_EQ(record->done, 1);
        ASSERT_EQ(record->results.size(), 2U);
        // A kind that cannot be opened here makes every ping an error.
        const PingOutcome expected =
            kind == IcmpSocketKind::none ? PingOutcome::error : PingOutcome::reply;
        for (const auto& result : record->results)
            EXPECT_EQ(result.outcome, expected) << icmp_socket_kind_name(kind);
        if (kind != IcmpSocketKind::none) {
            EXPECT_EQ(kind, choice == IcmpSocketChoice::raw_only ? IcmpSocketKind::raw
                                                                 : IcmpSocketKind::datagram);
        }
    }
}

TEST_F(PingerTest, ConsecutiveRunsOnOnePinger) {
    auto pinger = Pinger::create(io_);
    const auto first = start(pinger, loopback(), 1);
    run();
    const auto second = start(pinger, loopback(), 2);
    run();
    EXPECT_EQ(first->done, 1);
    EXPECT_EQ(first->results.size(), 1U);
    EXPECT_EQ(second->done, 1);
    ASSERT_EQ(second->results.size(), 2U);
    if (pinger->socket_kind() != IcmpSocketKind::none) {
        EXPECT_EQ(second->results[1].outcome, PingOutcome::reply);
    }
}

TEST_F(PingerTest, ZeroPingsIsDoneAtOnce) {
    auto pinger = Pinger::create(io_);
    const auto record = start(pinger, loopback(), 0);
    EXPECT_EQ(record->done, 0) << "never inside run()";
    run();
    EXPECT_EQ(record->done, 1);
    EXPECT_TRUE(record->results.empty());
}

TEST_F(PingerTest, CancelStopsTheRun) {
    auto pinger = Pinger::create(io_);
    auto record = std::make_shared<RunRecord>();
    pinger->run(
        loopback(), 5,
        [record, pinger](const PingResult& result) {
            record->results.push_back(result);
            pinger->cancel();
        },
        [record] { ++record->done; });
    run();
    EXPECT_EQ(record->results.size(), 1U);
    EXPECT_EQ(record->done, 0);
}

}  // namespace
}  // namespace wizfi250d
