// SPDX-License-Identifier: Apache-2.0
// NameLookup: the rules every lookup keeps (name_lookup.hpp) and the system resolver.
//
// Network rules (design "Test rules"): nothing here may reach the host's DNS resolver. The
// names used are a dotted quad (no query), "localhost" (answered from /etc/hosts) and names
// under the reserved TLD "invalid" (refused before any query). The time limit is tested with a
// stand-in query that never answers; no test asserts a duration.

#include "wizfi250d/net/name_lookup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

// Collects the answers of lookups (each must come exactly once).
struct Answers {
    std::vector<std::optional<Ipv4>> got;
    NameLookup::Done callback() {
        return [this](std::optional<Ipv4> address) { got.push_back(address); };
    }
};

Ipv4 ip(const char* text) {
    return *parse_ipv4(text);
}

// A stand-in for a name server (named as such): it keeps every query and answers only when the
// test says so.
class StandInLookup final : public NameLookup {
public:
    using NameLookup::NameLookup;

    std::vector<std::string> queried;
    std::vector<Answer> answers;
    int cancelled = 0;
    // When set, each query is answered with it from the event loop.
    std::optional<Ipv4> answer_with;

protected:
    Cancel query(const std::string& host, Answer answer) override {
        queried.push_back(host);
        if (answer_with) {
            boost::asio::post(io(), [answer, address = *answer_with] { answer(address); });
        }
        answers.push_back(std::move(answer));
        return [this] { ++cancelled; };
    }
};

class NameLookupTest : public ::testing::Test {
protected:
    // Runs the loop until no lookup is left (a lookup always ends: by answer or time limit).
    void run() {
        io_.run();
        io_.restart();
    }

    boost::asio::io_context io_;
    Answers answers_;
};

TEST_F(NameLookupTest, DottedQuadIsAnsweredWithoutAQuery) {
    StandInLookup lookup(io_);
    lookup.lookup("127.0.0.2", 1000ms, answers_.callback());
    lookup.lookup(" 10.1.2.3 ", 1000ms, answers_.callback());  // blanks around, as the parser
    EXPECT_TRUE(answers_.got.empty()) << "never inside lookup()";
    run();
    ASSERT_EQ(answers_.got.size(), 2U);
    EXPECT_EQ(answers_.got[0], ip("127.0.0.2"));
    EXPECT_EQ(answers_.got[1], ip("10.1.2.3"));
    EXPECT_TRUE(lookup.queried.empty());
}

TEST_F(NameLookupTest, DottedQuadIsAnsweredEvenWithAZeroTimeLimit) {
    StandInLookup lookup(io_);
    lookup.lookup("127.0.0.1", 0ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], ip("127.0.0.1"));
}

TEST_F(NameLookupTest, ReservedInvalidNamesFailWithoutAQuery) {
    StandInLookup lookup(io_);
    lookup.lookup("no-such-host.invalid", 1000ms, answers_.callback());
    lookup.lookup("INVALID.", 1000ms, answers_.callback());
    lookup.lookup("", 1000ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 3U);
    for (const auto& answer : answers_.got)
        EXPECT_EQ(answer, std::nullopt);
    EXPECT_TRUE(lookup.queried.empty());
}

TEST_F(NameLookupTest, ReservedInvalidNameRule) {
    for (const char* name : {"invalid", "INVALID", "invalid.", "a.invalid", "x.y.Invalid."})
        EXPECT_TRUE(is_reserved_invalid_name(name)) << name;
    for (const char* name : {"", "localhost", "notinvalid", "invalid.example", "invalidx", "."})
        EXPECT_FALSE(is_reserved_invalid_name(name)) << name;
}

TEST_F(NameLookupTest, ZeroTimeLimitFailsANameWithoutAQuery) {
    // The firmware's DNS client loops "while remaining_time > 0": with 0 it sends nothing.
    StandInLookup lookup(io_);
    lookup.lookup("localhost", 0ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], std::nullopt);
    EXPECT_TRUE(lookup.queried.empty());
}

TEST_F(NameLookupTest, AnswerBeforeTheTimeLimit) {
    StandInLookup lookup(io_);
    lookup.answer_with = ip("127.0.0.9");
    lookup.lookup("peer.test", 60s, answers_.callback());
    run();  // ends with the answer: the time limit's timer is cancelled, not waited for
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], ip("127.0.0.9"));
    EXPECT_EQ(lookup.queried, std::vector<std::string>{"peer.test"});
}

TEST_F(NameLookupTest, TimeLimitCancelsTheQueryAndFails) {
    StandInLookup lookup(io_);  // never answers
    lookup.lookup("slow.test", 1ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], std::nullopt);
    EXPECT_EQ(lookup.cancelled, 1);
}

TEST_F(NameLookupTest, AnswerAfterTheTimeLimitIsDropped) {
    StandInLookup lookup(io_);
    lookup.lookup("slow.test", 1ms, answers_.callback());
    run();
    ASSERT_EQ(lookup.answers.size(), 1U);
    lookup.answers[0](ip("127.0.0.9"));  // too late
    run();
    ASSERT_EQ(answers_.got.size(), 1U) << "exactly once";
    EXPECT_EQ(answers_.got[0], std::nullopt);
}

TEST_F(NameLookupTest, SystemResolverFindsLocalhost) {
    auto lookup = make_system_name_lookup(io_);
    lookup->lookup("localhost", 5000ms, answers_.callback());
    EXPECT_TRUE(answers_.got.empty()) << "never inside lookup()";
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], ip("127.0.0.1"));
}

TEST_F(NameLookupTest, SystemResolverRefusesANameThatCannotExist) {
    auto lookup = make_system_name_lookup(io_);
    lookup->lookup("no-such-host.invalid", 5000ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], std::nullopt);
}

TEST_F(NameLookupTest, SystemResolverWithZeroTimeLimitFails) {
    auto lookup = make_system_name_lookup(io_);
    lookup->lookup("localhost", 0ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], std::nullopt);
}

TEST_F(NameLookupTest, LookupOutlivesItsNameLookupObject) {
    auto lookup = make_system_name_lookup(io_);
    lookup->lookup("localhost", 5000ms, answers_.callback());
    lookup.reset();
    run();
    ASSERT_EQ(answers_.got.size(), 1U);
    EXPECT_EQ(answers_.got[0], ip("127.0.0.1"));
}

TEST_F(NameLookupTest, SeveralLookupsAtOnce) {
    auto lookup = make_system_name_lookup(io_);
    lookup->lookup("localhost", 5000ms, answers_.callback());
    lookup->lookup("127.0.0.3", 5000ms, answers_.callback());
    lookup->lookup("x.invalid", 5000ms, answers_.callback());
    run();
    ASSERT_EQ(answers_.got.size(), 3U);
    // Order of arrival is not specified; each answer is there once.
    EXPECT_EQ(std::count(answers_.got.begin(), answers_.got.end(), ip("127.0.0.1")), 1);
    EXPECT_EQ(std::count(answers_.got.begin(), answers_.got.end(), ip("127.0.0.3")), 1);
    EXPECT_EQ(std::count(answers_.got.begin(), answers_.got.end(), std::nullopt), 1);
}

}  // namespace
}  // namespace wizfi250d
