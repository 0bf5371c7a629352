// SPDX-License-Identifier: Apache-2.0
// DataPump: the serial -> network side of data mode (spec §4.2, §4.3).

#include "wizfi250d/module/data_pump.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

using std::chrono::milliseconds;

// A network side that takes packets and completes each send only when the test says so.
class DataPumpTest : public ::testing::Test {
protected:
    DataPumpTest()
        : pump_(io_, DataPump::Callbacks{
                         [this](std::string packet, std::function<void(bool)> done) {
                             sent_.push_back(std::move(packet));
                             pending_.push_back(std::move(done));
                         },
                         [this] { ++escapes_; },
                         [this] { events_ += "hold "; },
                         [this] { events_ += "release "; },
                         [this](std::string_view head, std::string_view body) -> std::size_t {
                             if (direct_room_ == 0) return 0;
                             const std::string both = std::string(head) + std::string(body);
                             const std::size_t n = std::min(both.size(), direct_room_);
                             direct_ += both.substr(0, n);
                             return n;
                         },
                     }) {
        DataPump::Timing timing;
        timing.flush = milliseconds(20);
        timing.escape = milliseconds(20);
        pump_.set_timing(timing);
    }

    // Runs the timers due within `duration`. On a loaded machine the thread may be off the CPU
    // past the end: the handlers that became ready meanwhile still run.
    void run_for(milliseconds duration) {
        io_.restart();
        io_.run_for(duration);
        io_.restart();
        io_.poll();
    }

    // The network took the oldest send.
    void complete_send() {
        ASSERT_FALSE(pending_.empty());
        auto done = std::move(pending_.front());
        pending_.erase(pending_.begin());
        done(true);
    }

    boost::asio::io_context io_;
    std::vector<std::string> sent_;
    std::vector<std::function<void(bool)>> pending_;
    unsigned escapes_ = 0;
    std::string events_;
    // What the socket takes at once per call (0: nothing, every packet queues).
    std::size_t direct_room_ = 0;
    std::string direct_;
    DataPump pump_;
};

TEST_F(DataPumpTest, APacketLeavesAtItsLimitPlusOneByte) {
    pump_.feed(std::string(DataPump::packet_limit, 'a'));
    EXPECT_TRUE(sent_.empty()) << "1460 bytes wait for the flush timer";
    pump_.feed("b");
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0], std::string(DataPump::packet_limit, 'a') + "b");
}

TEST_F(DataPumpTest, TheFlushTimerSendsWhatIsThere) {
    pump_.feed("hello");
    EXPECT_TRUE(sent_.empty());
    run_for(milliseconds(200));
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0], "hello");
}

TEST_F(DataPumpTest, ThreePlusesAndSilenceEscapeAndAreNotSent) {
    pump_.feed("data+++");
    run_for(milliseconds(200));
    EXPECT_EQ(escapes_, 1u);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0], "data");
}

TEST_F(DataPumpTest, AFourthPlusMakesThemAllData) {
    pump_.feed("++++");
    run_for(milliseconds(200));
    EXPECT_EQ(escapes_, 0u);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0], "++++");
}

TEST_F(DataPumpTest, OnAStreamWaitingPacketsLeaveInOneSend) {
    const std::size_t packet = DataPump::packet_limit + 1;
    pump_.feed(std::string(packet, 'a'));
    ASSERT_EQ(sent_.size(), 1u);
    pump_.feed(std::string(packet, 'b'));
    pump_.feed(std::string(packet, 'c'));
    ASSERT_EQ(sent_.size(), 1u) << "one send at a time";
    complete_send();
    ASSERT_EQ(sent_.size(), 2u);
    EXPECT_EQ(sent_[1], std::string(packet, 'b') + std::string(packet, 'c'));
}

TEST_F(DataPumpTest, DatagramsKeepTheirBoundaries) {
    pump_.set_datagrams(true);
    const std::size_t packet = DataPump::packet_limit + 1;
    pump_.feed(std::string(packet, 'a') + std::string(packet, 'b') + std::string(packet, 'c'));
    ASSERT_EQ(sent_.size(), 1u);
    complete_send();
    complete_send();
    ASSERT_EQ(sent_.size(), 3u);
    EXPECT_EQ(sent_[0], std::string(packet, 'a'));
    EXPECT_EQ(sent_[1], std::string(packet, 'b'));
    EXPECT_EQ(sent_[2], std::string(packet, 'c'));
}

TEST_F(DataPumpTest, InputIsHeldWhileTwoPacketsWaitAndReleasedWhenOneLeaves) {
    pump_.set_datagrams(true);
    const std::size_t packet = DataPump::packet_limit + 1;
    pump_.feed(std::string(packet, 'a'));
    pump_.feed(std::string(packet, 'b'));
    EXPECT_EQ(events_, "") << "one packet in flight, one waiting";
    pump_.feed(std::string(packet, 'c'));
    EXPECT_EQ(events_, "hold ");
    complete_send();
    EXPECT_EQ(events_, "hold release ");
}

// Fills the pipe: one packet in flight that the network never finishes, two waiting.
void fill_until_held(DataPump& pump) {
    const std::size_t packet = DataPump::packet_limit + 1;
    pump.feed(std::string(packet, 'a'));
    pump.feed(std::string(packet, 'b'));
    pump.feed(std::string(packet, 'c'));
}

TEST_F(DataPumpTest, ANetworkThatTakesNothingMakesThePumpDropDataButNotTheEscape) {
    DataPump::Timing timing;
    timing.flush = milliseconds(10);
    timing.escape = milliseconds(10);
    timing.stall_limit = milliseconds(50);
    pump_.set_timing(timing);
    fill_until_held(pump_);
    EXPECT_EQ(events_, "hold ");
    run_for(milliseconds(20));
    EXPECT_EQ(events_, "hold ") << "held until the stall limit";
    run_for(milliseconds(200));
    EXPECT_EQ(events_, "hold release ") << "the host's input is read again";
    pump_.feed("lost bytes");
    EXPECT_EQ(pump_.dropped(), 10u);
    pump_.feed("+++");
    run_for(milliseconds(100));
    EXPECT_EQ(escapes_, 1u) << "+++ still works";
    EXPECT_EQ(sent_.size(), 1u);
    complete_send();
    EXPECT_EQ(pump_.dropped(), 0u) << "the network took data: the stall is over";
    ASSERT_EQ(sent_.size(), 2u);
    const std::size_t packet = DataPump::packet_limit + 1;
    EXPECT_EQ(sent_[1], std::string(packet, 'b') + std::string(packet, 'c'))
        << "what was taken before the stall is still sent";
    pump_.feed("kept");
    run_for(milliseconds(100));
    EXPECT_EQ(pump_.dropped(), 0u);
}

TEST_F(DataPumpTest, WithoutAStallLimitInputStaysHeld) {
    DataPump::Timing timing;
    timing.stall_limit = milliseconds(0);
    pump_.set_timing(timing);
    fill_until_held(pump_);
    run_for(milliseconds(200));
    EXPECT_EQ(events_, "hold ");
}

TEST_F(DataPumpTest, ResetDropsEverythingAndReleasesInput) {
    const std::size_t packet = DataPump::packet_limit + 1;
    pump_.feed(std::string(3 * packet, 'a') + "++");
    EXPECT_EQ(events_, "hold ");
    pump_.reset();
    EXPECT_EQ(events_, "hold release ");
    EXPECT_TRUE(pump_.idle());
    run_for(milliseconds(100));
    EXPECT_EQ(sent_.size(), 1u) << "nothing leaves after a reset";
    EXPECT_EQ(escapes_, 0u);
}

TEST_F(DataPumpTest, WholePacketsGoStraightToASocketThatTakesThem) {
    direct_room_ = 1 << 20;
    const std::string bytes(3 * (DataPump::packet_limit + 1) + 10, 'x');
    pump_.feed(bytes);
    EXPECT_EQ(direct_, bytes.substr(0, 3 * (DataPump::packet_limit + 1)))
        << "whole packets at once, the tail waits for the timer";
    EXPECT_TRUE(sent_.empty());
    run_for(milliseconds(200));
    ASSERT_EQ(sent_.size(), 1u) << "the flush timer sends the tail";
    EXPECT_EQ(sent_[0], std::string(10, 'x'));
}

TEST_F(DataPumpTest, WhatTheSocketDoesNotTakeQueuesAndHoldsInput) {
    direct_room_ = 1000;
    const std::string bytes(2 * (DataPump::packet_limit + 1), 'y');
    pump_.feed(bytes);
    EXPECT_EQ(direct_, bytes.substr(0, 1000));
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0], bytes.substr(1000));
    EXPECT_EQ(events_, "hold ");
    complete_send();
    EXPECT_EQ(events_, "hold release ");
}

TEST_F(DataPumpTest, APlusTakesTheQueuedWay) {
    direct_room_ = 1 << 20;
    pump_.feed("ab+");
    pump_.feed("c");
    run_for(milliseconds(200));
    EXPECT_EQ(direct_ + (sent_.empty() ? std::string() : sent_[0]), "ab+c");
}

}  // namespace
}  // namespace wizfi250d
