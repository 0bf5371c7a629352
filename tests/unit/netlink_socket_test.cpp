// SPDX-License-Identifier: Apache-2.0
// The netlink layer: real requests to the kernel (NETLINK_ROUTE for "lo", the generic netlink
// controller), which need no privilege, and the answer parser over byte buffers for what a
// kernel should never send: a cut header, a length past the end, an attribute overrunning its
// message, an error, a late answer to an earlier request.

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "../../src/wifi/netlink_socket.hpp"
#include "../../src/wifi/rtnetlink.hpp"

namespace wizfi250d::netlink {
namespace {

using Buffer = std::vector<std::uint8_t>;

void append(Buffer& out, const void* data, std::size_t size) {
    const auto* first = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), first, first + size);
}

// One message as the kernel frames it: header, payload, padding to 4 bytes. `length` overrides
// nlmsg_len (to make it lie).
Buffer message(std::uint16_t type, std::uint16_t flags, std::uint32_t sequence,
               const Buffer& payload, std::optional<std::uint32_t> length = std::nullopt) {
    nlmsghdr header{};
    header.nlmsg_len = length.value_or(static_cast<std::uint32_t>(sizeof header + payload.size()));
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    header.nlmsg_seq = sequence;
    Buffer out;
    append(out, &header, sizeof header);
    out.insert(out.end(), payload.begin(), payload.end());
    out.resize(NLMSG_ALIGN(out.size()), 0);
    return out;
}

Buffer error_payload(int error) {
    nlmsgerr e{};
    e.error = error;
    Buffer out;
    append(out, &e, sizeof e);
    return out;
}

Buffer attribute(std::uint16_t type, const Buffer& value,
                 std::optional<std::uint16_t> length = std::nullopt) {
    nlattr header{};
    header.nla_len = length.value_or(static_cast<std::uint16_t>(sizeof header + value.size()));
    header.nla_type = type;
    Buffer out;
    append(out, &header, sizeof header);
    out.insert(out.end(), value.begin(), value.end());
    out.resize(NLA_ALIGN(out.size()), 0);
    return out;
}

Buffer operator+(Buffer a, const Buffer& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes view(const Buffer& b) {
    return Bytes(b.data(), b.size());
}

struct Recorder {
    std::vector<std::uint32_t> sequences;
    MessageHandler handler() {
        return [this](const nlmsghdr& header, Bytes) { sequences.push_back(header.nlmsg_seq); };
    }
};

// ---- the kernel, for real ----

TEST(NetlinkKernel, LoopbackHasIndexOneAndAMissingInterfaceHasNone) {
    Rtnetlink rtnl;
    ASSERT_TRUE(rtnl.ok());
    EXPECT_EQ(rtnl.interface_index("lo"), 1);
    EXPECT_EQ(rtnl.interface_index("nosuchif0"), std::nullopt);
    // The socket is still in step after the kernel's error.
    EXPECT_EQ(rtnl.interface_index("lo"), 1);
}

TEST(NetlinkKernel, TheKernelsErrorIsTheResultWithItsText) {
    Rtnetlink rtnl;
    const auto r = rtnl.set_up(0x7ffffff0);
    EXPECT_FALSE(r);
    EXPECT_EQ(r.code, -ENODEV);
    EXPECT_EQ(r.message(), std::strerror(ENODEV));
    EXPECT_EQ(Rtnetlink::Result{}.message(), "success");
}

TEST(NetlinkKernel, ADumpIsReadToItsEnd) {
    Socket socket(NETLINK_ROUTE);
    ASSERT_TRUE(socket.ok());
    Request request(RTM_GETLINK, NLM_F_DUMP);
    ifinfomsg link{};
    link.ifi_family = AF_UNSPEC;
    request.put_header(link);
    std::vector<std::string> names;
    ASSERT_EQ(socket.exchange(request,
                              [&names](const nlmsghdr& header, Bytes payload) {
                                  ASSERT_EQ(header.nlmsg_type, RTM_NEWLINK);
                                  ASSERT_NE(header.nlmsg_flags & NLM_F_MULTI, 0);
                                  const auto attributes = Attributes::parse(
                                      attributes_after<ifinfomsg>(payload), IFLA_MAX);
                                  ASSERT_TRUE(attributes);
                                  names.push_back(attributes->string(IFLA_IFNAME).value_or(""));
                              }),
              0);
    EXPECT_NE(std::find(names.begin(), names.end(), "lo"), names.end());
}

TEST(NetlinkKernel, GenericFamiliesByName) {
    Socket socket(NETLINK_GENERIC);
    // qemu-user (the cross builds' unit tests) passes on only some netlink protocols.
    if (socket.open_error() == -EPROTONOSUPPORT)
        GTEST_SKIP() << "generic netlink sockets are not available here: "
                     << error_text(socket.open_error());
    ASSERT_TRUE(socket.ok()) << error_text(socket.open_error());
    EXPECT_EQ(generic_family(socket, "nlctrl"), GENL_ID_CTRL);
    EXPECT_EQ(generic_family(socket, "no-such-family"), -ENOENT);
    EXPECT_EQ(generic_family(socket, "nlctrl"), GENL_ID_CTRL);
}

// ---- answers as bytes ----

TEST(NetlinkAnswers, ACutHeaderIsMalformed) {
    const Buffer whole = message(RTM_NEWLINK, 0, 5, Buffer(8, 0));
    const Buffer cut(whole.begin(), whole.begin() + 10);
    Recorder seen;
    const Progress p = walk_answers(view(cut), 5, seen.handler());
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(p.error, -EBADMSG);
    EXPECT_TRUE(seen.sequences.empty());
}

TEST(NetlinkAnswers, ALengthPastTheEndOrShorterThanTheHeaderIsMalformed) {
    Recorder seen;
    const Buffer long_claim = message(RTM_NEWLINK, 0, 5, Buffer(8, 0), 200);
    Progress p = walk_answers(view(long_claim), 5, seen.handler());
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(p.error, -EBADMSG);
    // A length below the header's would never move on.
    const Buffer short_claim = message(RTM_NEWLINK, 0, 5, Buffer(8, 0), 4);
    p = walk_answers(view(short_claim), 5, seen.handler());
    EXPECT_EQ(p.state, Progress::State::failed);
    // A good message first is handed over; the bad one after it still fails the datagram.
    const Buffer good_then_bad = message(RTM_NEWLINK, NLM_F_MULTI, 5, Buffer(4, 0)) + long_claim;
    p = walk_answers(view(good_then_bad), 5, seen.handler());
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(seen.sequences, std::vector<std::uint32_t>{5});
}

TEST(NetlinkAnswers, TheKernelsErrorAndAcknowledgement) {
    Progress p = walk_answers(view(message(NLMSG_ERROR, 0, 9, error_payload(-EPERM))), 9, {});
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(p.error, -EPERM);
    p = walk_answers(view(message(NLMSG_ERROR, 0, 9, error_payload(0))), 9, {});
    EXPECT_EQ(p.state, Progress::State::done);
    // An error message too short for its code.
    p = walk_answers(view(message(NLMSG_ERROR, 0, 9, Buffer(2, 0))), 9, {});
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(p.error, -EBADMSG);
    // A positive code is no errno the kernel sends.
    p = walk_answers(view(message(NLMSG_ERROR, 0, 9, error_payload(3))), 9, {});
    EXPECT_EQ(p.error, -EBADMSG);
}

TEST(NetlinkAnswers, AnotherSequenceNumberIsSkipped) {
    Recorder seen;
    // A late answer to request 7 while 8 is waited for: nothing handed over, still waiting.
    Progress p = walk_answers(view(message(RTM_NEWLINK, 0, 7, Buffer(16, 0)) +
                                   message(NLMSG_ERROR, 0, 7, error_payload(-EPERM))),
                              8, seen.handler());
    EXPECT_EQ(p.state, Progress::State::more);
    EXPECT_TRUE(seen.sequences.empty());
    p = walk_answers(
        view(message(RTM_NEWLINK, 0, 7, Buffer(16, 0)) + message(RTM_NEWLINK, 0, 8, Buffer(16, 0)) +
             message(NLMSG_ERROR, 0, 8, error_payload(0))),
        8, seen.handler());
    EXPECT_EQ(p.state, Progress::State::done);
    EXPECT_EQ(seen.sequences, std::vector<std::uint32_t>{8});
}

TEST(NetlinkAnswers, AMultiPartAnswerEndsWithDone) {
    Recorder seen;
    Progress p = walk_answers(view(message(RTM_NEWLINK, NLM_F_MULTI, 3, Buffer(16, 0)) +
                                   message(RTM_NEWLINK, NLM_F_MULTI, 3, Buffer(16, 0))),
                              3, seen.handler());
    EXPECT_EQ(p.state, Progress::State::more);
    p = walk_answers(view(message(RTM_NEWLINK, NLM_F_MULTI, 3, Buffer(16, 0)) +
                          message(NLMSG_DONE, NLM_F_MULTI, 3, Buffer(4, 0))),
                     3, seen.handler());
    EXPECT_EQ(p.state, Progress::State::done);
    EXPECT_EQ(seen.sequences.size(), 3u);
    // A dump that failed part way says so in its end.
    int interrupted = -EINTR;
    Buffer code(sizeof interrupted);
    std::memcpy(code.data(), &interrupted, sizeof interrupted);
    p = walk_answers(view(message(NLMSG_DONE, NLM_F_MULTI, 3, code)), 3, {});
    EXPECT_EQ(p.state, Progress::State::failed);
    EXPECT_EQ(p.error, -EINTR);
}

// ---- attributes ----

TEST(NetlinkAttributes, ValuesByTypeWithTheirSizesChecked) {
    const Buffer bytes = attribute(1, {0x78, 0x56, 0x34, 0x12}) + attribute(2, {'w', 'l', 0}) +
                         attribute(3, {0xAB, 0xCD}) + attribute(9, {1, 2, 3, 4}) +
                         attribute(static_cast<std::uint16_t>(4 | NLA_F_NESTED), attribute(1, {7}));
    const auto a = Attributes::parse(view(bytes), 4);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->u32(1), 0x12345678u);
    EXPECT_EQ(a->string(2), "wl");
    EXPECT_EQ(a->u16(3), 0xCDABu);
    EXPECT_EQ(a->u32(3), std::nullopt);  // two bytes are no u32
    EXPECT_EQ(a->get(9), std::nullopt);  // above the largest type asked for
    EXPECT_EQ(a->get(5), std::nullopt);
    const auto nested = a->get(4);
    ASSERT_TRUE(nested);
    const auto inner = Attributes::parse(*nested, 1);
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->u8(1), 7);
}

TEST(NetlinkAttributes, ALengthPastTheEndOrBelowTheHeaderIsMalformed) {
    EXPECT_FALSE(Attributes::parse(view(attribute(1, {1, 2, 3, 4}, 40)), 4));
    EXPECT_FALSE(Attributes::parse(view(attribute(1, {1, 2, 3, 4}, 2)), 4));
    EXPECT_FALSE(Attributes::parse(view(attribute(1, {1, 2, 3, 4}) + Buffer(2, 0)), 4));
    // Inside a message: the attribute may not run into the bytes after its message.
    const Buffer first = attribute(1, {1, 2, 3, 4}, 12);
    const Buffer datagram = message(RTM_NEWLINK, 0, 1, first) + message(RTM_NEWLINK, 0, 1, first);
    bool parsed = true;
    walk_answers(view(datagram), 1, [&parsed](const nlmsghdr&, Bytes payload) {
        parsed = parsed && Attributes::parse(payload, 4).has_value();
    });
    EXPECT_FALSE(parsed);
    EXPECT_TRUE(Attributes::parse(Bytes(), 4));  // no attributes is not an error
}

// ---- requests ----

TEST(NetlinkRequests, AttributesArePaddedAndTheHeaderSaysTheLength) {
    Request request(RTM_GETLINK, NLM_F_DUMP);
    ifinfomsg link{};
    request.put_header(link);
    request.put_string(IFLA_IFNAME, "lo");
    request.put_u32(IFLA_MTU, 1500);
    const auto& bytes = request.finish(42);
    ASSERT_EQ(bytes.size(), sizeof(nlmsghdr) + sizeof link + 8 + 8);
    nlmsghdr header{};
    std::memcpy(&header, bytes.data(), sizeof header);
    EXPECT_EQ(header.nlmsg_len, bytes.size());
    EXPECT_EQ(header.nlmsg_seq, 42u);
    EXPECT_EQ(header.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
    // Read back with the answer parser.
    std::optional<Attributes> attributes;
    const auto p = walk_answers(
        Bytes(bytes.data(), bytes.size()), 42, [&attributes](const nlmsghdr&, Bytes payload) {
            attributes = Attributes::parse(attributes_after<ifinfomsg>(payload), IFLA_MAX);
        });
    EXPECT_EQ(p.state, Progress::State::more);
    ASSERT_TRUE(attributes);
    EXPECT_EQ(attributes->string(IFLA_IFNAME), "lo");
    EXPECT_EQ(attributes->u32(IFLA_MTU), 1500u);
}

}  // namespace
}  // namespace wizfi250d::netlink
