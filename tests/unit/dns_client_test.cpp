// SPDX-License-Identifier: Apache-2.0
// DnsClient against fake DNS servers on 127.0.0.1 / 127.0.0.2 that answer canned packets.

#include "wizfi250d/net/dns_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace wizfi250d {
namespace {

using boost::asio::ip::udp;
using namespace std::chrono_literals;

// ---- building replies ----

void put16(std::string& out, unsigned v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
}

std::string encode_name(const std::string& name) {
    std::string out;
    std::size_t start = 0;
    while (start < name.size()) {
        auto end = name.find('.', start);
        if (end == std::string::npos) end = name.size();
        out.push_back(static_cast<char>(end - start));
        out.append(name, start, end - start);
        start = end + 1;
    }
    out.push_back('\0');
    return out;
}

struct Query {
    unsigned id = 0;
    std::string question;  // the raw question section
};

Query parse_query(const std::string& q) {
    Query out;
    if (q.size() < 12) return out;
    out.id = (static_cast<unsigned char>(q[0]) << 8) | static_cast<unsigned char>(q[1]);
    out.question = q.substr(12);
    return out;
}

std::string header(unsigned id, unsigned flags, unsigned qd, unsigned an) {
    std::string h;
    put16(h, id);
    put16(h, flags);
    put16(h, qd);
    put16(h, an);
    put16(h, 0);
    put16(h, 0);
    return h;
}

// An answer record: owner (already encoded, may be a pointer), type, rdata.
std::string record(const std::string& owner, unsigned type, const std::string& rdata) {
    std::string r = owner;
    put16(r, type);
    put16(r, 1);                          // IN
    r += std::string("\0\0\x0e\x10", 4);  // TTL 3600
    put16(r, static_cast<unsigned>(rdata.size()));
    r += rdata;
    return r;
}

std::string a_rdata(unsigned a, unsigned b, unsigned c, unsigned d) {
    return {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
}

const std::string to_question = std::string("\xc0\x0c", 2);  // pointer to the question's name

std::string reply_a(const std::string& query, const std::string& rdata) {
    const auto q = parse_query(query);
    return header(q.id, 0x8180, 1, 1) + q.question + record(to_question, 1, rdata);
}

std::string reply_rcode(const std::string& query, unsigned rcode) {
    const auto q = parse_query(query);
    return header(q.id, 0x8180 | rcode, 1, 0) + q.question;
}

// ---- the fake server ----

class FakeDnsServer {
public:
    using Responder = std::function<std::vector<std::string>(const std::string& query)>;

    FakeDnsServer(boost::asio::io_context& io, const std::string& address, std::uint16_t port)
        : socket_(io) {
        socket_.open(udp::v4());
        socket_.bind(udp::endpoint(boost::asio::ip::make_address_v4(address), port));
        receive();
    }

    std::uint16_t port() const { return socket_.local_endpoint().port(); }
    int queries() const { return queries_; }
    const std::string& last_query() const { return last_query_; }
    void respond(Responder r) { responder_ = std::move(r); }

private:
    void receive() {
        socket_.async_receive_from(boost::asio::buffer(buffer_), sender_,
                                   [this](const boost::system::error_code& ec, std::size_t n) {
                                       if (ec) return;
                                       ++queries_;
                                       last_query_.assign(buffer_.data(), n);
                                       if (responder_) {
                                           for (const auto& reply : responder_(last_query_))
                                               socket_.send_to(boost::asio::buffer(reply), sender_);
                                       }
                                       receive();
                                   });
    }

    udp::socket socket_;
    std::array<char, 2048> buffer_{};
    udp::endpoint sender_;
    Responder responder_;
    int queries_ = 0;
    std::string last_query_;
};

class DnsClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Two servers on the same port (DnsClient has one port for all servers).
        for (int attempt = 0; attempt < 20 && !second_; ++attempt) {
            first_ = std::make_unique<FakeDnsServer>(io_, "127.0.0.1", 0);
            try {
                second_ = std::make_unique<FakeDnsServer>(io_, "127.0.0.2", first_->port());
            } catch (const boost::system::system_error&) {
                second_.reset();
            }
        }
        ASSERT_TRUE(second_) << "cannot bind 127.0.0.2";
    }

    std::optional<Ipv4> resolve(const std::string& name, std::vector<Ipv4> servers,
                                std::chrono::milliseconds timeout) {
        DnsClient client(io_, first_->port());
        bool called = false;
        bool inside = true;
        std::optional<Ipv4> result;
        client.resolve(name, std::move(servers), timeout, [&](std::optional<Ipv4> a) {
            EXPECT_FALSE(called) << "done ran twice";
            EXPECT_FALSE(inside) << "done ran inside resolve()";
            called = true;
            result = a;
        });
        inside = false;
        const auto limit = std::chrono::steady_clock::now() + timeout + 5s;
        while (!called && std::chrono::steady_clock::now() < limit)
            io_.run_one_for(100ms);
        EXPECT_TRUE(called) << "done never ran";
        return result;
    }

    const Ipv4 one_{{127, 0, 0, 1}};
    const Ipv4 two_{{127, 0, 0, 2}};
    boost::asio::io_context io_;
    std::unique_ptr<FakeDnsServer> first_;
    std::unique_ptr<FakeDnsServer> second_;
};

TEST_F(DnsClientTest, AnswersARecord) {
    first_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 7))};
    });
    const auto a = resolve("echo.test", {one_}, 2000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.7");
    EXPECT_EQ(first_->queries(), 1);
    // The query: RD set, one question for echo.test, type A, class IN.
    const std::string& q = first_->last_query();
    ASSERT_GE(q.size(), 12U);
    EXPECT_EQ(static_cast<unsigned char>(q[2]), 0x01);
    EXPECT_EQ(q.substr(12), encode_name("echo.test") + std::string("\0\x01\0\x01", 4));
}

TEST_F(DnsClientTest, FollowsCnameChainWithCompressionPointers) {
    first_->respond([](const std::string& query) {
        const auto q = parse_query(query);
        // www.example.test (question at offset 12: 3 www 7 example 4 test 0)
        //   CNAME alias.<pointer to "example.test" at offset 16>
        //   alias... CNAME final.example.test (written out in full)
        //   final.example.test A 203.0.113.9 (owner: "final" + pointer into the previous rdata)
        std::string reply = header(q.id, 0x8180, 1, 3) + q.question;
        const std::string alias = std::string(
            "\x05"
            "alias\xc0\x10",
            8);
        reply += record(to_question, 5, alias);
        const std::size_t alias_owner_at = reply.size();
        const std::string final_name = encode_name("final.example.test");
        reply += record(std::string("\x05"
                                    "alias\xc0\x10",
                                    8),
                        5, final_name);
        const std::size_t final_rdata_at = reply.size() - final_name.size();
        (void)alias_owner_at;
        std::string owner = std::string(1, '\xc0') + static_cast<char>(final_rdata_at);
        reply += record(owner, 1, a_rdata(203, 0, 113, 9));
        return std::vector<std::string>{reply};
    });
    const auto a = resolve("WWW.Example.Test.", {one_}, 2000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.9");
}

TEST_F(DnsClientTest, CnameWithoutAddressIsNoAddress) {
    first_->respond([](const std::string& query) {
        const auto q = parse_query(query);
        std::string reply = header(q.id, 0x8180, 1, 1) + q.question;
        reply += record(to_question, 5, encode_name("elsewhere.test"));
        return std::vector<std::string>{reply};
    });
    EXPECT_FALSE(resolve("www.example.test", {one_, two_}, 2000ms));
    EXPECT_EQ(second_->queries(), 0);
}

TEST_F(DnsClientTest, NxdomainEndsTheLookupWithoutAskingTheNextServer) {
    first_->respond(
        [](const std::string& q) { return std::vector<std::string>{reply_rcode(q, 3)}; });
    second_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 8))};
    });
    EXPECT_FALSE(resolve("nonexist.test", {one_, two_}, 4000ms));
    EXPECT_EQ(first_->queries(), 1);
    EXPECT_EQ(second_->queries(), 0);
}

TEST_F(DnsClientTest, ServfailMovesToTheNextServer) {
    first_->respond(
        [](const std::string& q) { return std::vector<std::string>{reply_rcode(q, 2)}; });
    second_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 8))};
    });
    const auto a = resolve("echo.test", {one_, two_}, 4000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.8");
    EXPECT_EQ(second_->queries(), 1);
}

TEST_F(DnsClientTest, GarbageFromTheFirstServerThenTheSecondAnswers) {
    first_->respond([](const std::string& query) {
        // The right ID, then nonsense.
        std::string garbage =
            query.substr(0, 2) + std::string("\x81\x80\xff\xff\x12\x34\xde\xad", 8);
        return std::vector<std::string>{garbage};
    });
    second_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 8))};
    });
    const auto a = resolve("echo.test", {one_, two_}, 4000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.8");
}

TEST_F(DnsClientTest, TruncatedRepliesAreFailures) {
    first_->respond([](const std::string& q) {
        std::string full = reply_a(q, a_rdata(203, 0, 113, 7));
        full.resize(full.size() - 6);                 // cut inside the answer
        full[2] = static_cast<char>(full[2] | 0x02);  // TC
        return std::vector<std::string>{full};
    });
    second_->respond([](const std::string& q) {
        std::string full = reply_a(q, a_rdata(203, 0, 113, 7));
        full.resize(full.size() - 3);  // cut, no TC bit
        return std::vector<std::string>{full};
    });
    EXPECT_FALSE(resolve("echo.test", {one_, two_}, 4000ms));
    EXPECT_EQ(first_->queries(), 1);
    EXPECT_EQ(second_->queries(), 1);
}

TEST_F(DnsClientTest, IgnoresRepliesWithAnotherIdOrQuestion) {
    first_->respond([](const std::string& query) {
        std::string wrong_id = reply_a(query, a_rdata(203, 0, 113, 66));
        wrong_id[1] = static_cast<char>(wrong_id[1] ^ 0x5a);
        const auto q = parse_query(query);
        const std::string other_question = header(q.id, 0x8180, 1, 1) + encode_name("other.test") +
                                           std::string("\0\x01\0\x01", 4) +
                                           record(to_question, 1, a_rdata(203, 0, 113, 67));
        const std::string tiny = "\x01";
        return std::vector<std::string>{wrong_id, other_question, tiny,
                                        reply_a(query, a_rdata(203, 0, 113, 7))};
    });
    const auto a = resolve("echo.test", {one_}, 2000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.7");
}

TEST_F(DnsClientTest, SilentServerTimesOut) {
    EXPECT_FALSE(resolve("echo.test", {one_}, 300ms));
    EXPECT_EQ(first_->queries(), 1);
}

TEST_F(DnsClientTest, SilentFirstServerThenTheSecondIsAsked) {
    second_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 8))};
    });
    const auto a = resolve("echo.test", {one_, two_}, 1000ms);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "203.0.113.8");
    EXPECT_EQ(first_->queries(), 1);
    EXPECT_EQ(second_->queries(), 1);
}

TEST_F(DnsClientTest, NoQueryWhenNotNeeded) {
    const auto literal = resolve("203.0.113.5", {one_}, 1000ms);
    ASSERT_TRUE(literal);
    EXPECT_EQ(literal->to_string(), "203.0.113.5");
    EXPECT_FALSE(resolve("echo.test", {}, 1000ms));
    EXPECT_FALSE(resolve("echo.test", {Ipv4{}}, 1000ms));
    EXPECT_FALSE(resolve("echo.test", {one_}, 0ms));
    EXPECT_FALSE(resolve("", {one_}, 1000ms));
    EXPECT_FALSE(resolve("a..b", {one_}, 1000ms));
    EXPECT_FALSE(resolve(std::string(64, 'x') + ".test", {one_}, 1000ms));
    EXPECT_EQ(first_->queries(), 0);
}

TEST_F(DnsClientTest, NameLookupAdapterAsksTheLinkServers) {
    first_->respond([](const std::string& q) {
        return std::vector<std::string>{reply_a(q, a_rdata(203, 0, 113, 7))};
    });
    std::vector<Ipv4> servers{one_};
    auto lookup = make_dns_name_lookup(
        io_, [&] { return servers; }, 2000ms, first_->port());
    std::optional<std::optional<Ipv4>> result;
    lookup->lookup("echo.test", 2000ms, [&](std::optional<Ipv4> a) { result = a; });
    for (int i = 0; i < 50 && !result; ++i)
        io_.run_one_for(100ms);
    ASSERT_TRUE(result);
    ASSERT_TRUE(*result);
    EXPECT_EQ((*result)->to_string(), "203.0.113.7");

    // No servers: fails (the caller uses the system resolver for such links).
    servers.clear();
    result.reset();
    lookup->lookup("echo.test", 2000ms, [&](std::optional<Ipv4> a) { result = a; });
    for (int i = 0; i < 50 && !result; ++i)
        io_.run_one_for(100ms);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
}

// ---- parse_reply on hostile input ----

TEST(DnsParse, CompressionLoopsAndBadPointersAreMalformed) {
    const std::string query = dns::make_query(0x1234, "echo.test");
    ASSERT_FALSE(query.empty());
    // Question name is a pointer to itself.
    std::string loop =
        header(0x1234, 0x8180, 1, 0) + std::string("\xc0\x0c", 2) + std::string("\0\x01\0\x01", 4);
    auto r = dns::parse_reply(loop, 0x1234, "echo.test");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, dns::Reply::Kind::malformed);
    // Answer owner points past the end.
    std::string past = header(0x1234, 0x8180, 1, 1) + query.substr(12) +
                       record(std::string("\xc3\xff", 2), 1, a_rdata(1, 2, 3, 4));
    r = dns::parse_reply(past, 0x1234, "echo.test");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, dns::Reply::Kind::malformed);
    // A CNAME loop: a -> b -> a.
    std::string cname_loop = header(0x1234, 0x8180, 1, 2) + query.substr(12) +
                             record(to_question, 5, encode_name("b.test")) +
                             record(encode_name("b.test"), 5, encode_name("echo.test"));
    r = dns::parse_reply(cname_loop, 0x1234, "echo.test");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, dns::Reply::Kind::no_address);
}

TEST(DnsParse, RandomBytesNeverCrash) {
    std::mt19937 random(250);
    std::uniform_int_distribution<int> byte(0, 255);
    const std::string query = dns::make_query(0x4242, "echo.test");
    for (int i = 0; i < 20000; ++i) {
        std::string m;
        const std::size_t len = static_cast<std::size_t>(byte(random)) % 80;
        // Half of them start like a real reply, so the parser gets past the header.
        if (i % 2 == 0) m = header(0x4242, 0x8180, 1, byte(random) % 4) + query.substr(12);
        for (std::size_t j = 0; j < len; ++j)
            m.push_back(static_cast<char>(byte(random)));
        (void)dns::parse_reply(m, 0x4242, "echo.test");
    }
    SUCCEED();
}

TEST(DnsParse, QueryEncoding) {
    EXPECT_EQ(dns::make_query(1, "a.b"), header(1, 0x0100, 1, 0) + std::string("\x01"
                                                                               "a\x01"
                                                                               "b\0\0\x01\0\x01",
                                                                               9));
    EXPECT_TRUE(dns::make_query(1, ".").empty());
    EXPECT_TRUE(dns::make_query(1, "a.").size() > 0);
    std::string long_name;
    for (int i = 0; i < 5; ++i)
        long_name += std::string(60, 'x') + ".";
    EXPECT_TRUE(dns::make_query(1, long_name).empty());
}

}  // namespace
}  // namespace wizfi250d
