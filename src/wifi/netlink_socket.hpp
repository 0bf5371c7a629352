// SPDX-License-Identifier: Apache-2.0
#pragma once

// Netlink on a plain AF_NETLINK socket, for the few requests the daemon makes (rtnetlink.cpp,
// radio_info.cpp): build a request (header, family header, attributes), send it, and walk the
// kernel's answers until the exchange ends (an acknowledgement, an error, or the end of a dump).
//
// Reading never trusts a length from the kernel: every message and attribute is checked against
// the bytes received, and the bytes are copied out (no casts into the receive buffer), so a short
// or malformed answer is reported as -EBADMSG instead of being read past its end.

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wizfi250d::netlink {

// A view of received bytes (the receive buffer outlives every view handed out).
class Bytes {
public:
    Bytes() = default;
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    // The bytes from `offset` on (empty when offset is past the end).
    Bytes from(std::size_t offset) const;
    // The first bytes as a T (a netlink or family header), nullopt when there are too few.
    template <typename T>
    std::optional<T> read() const;

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// The payload of a message after its fixed family header of type T (ifinfomsg, genlmsghdr...),
// where the attributes begin.
template <typename T>
Bytes attributes_after(Bytes payload) {
    return payload.from(NLMSG_ALIGN(sizeof(T)));
}

// The attributes of a message (or of a nested attribute), by type. Types above the largest
// the caller asks about are left out; of repeated types the last one counts.
class Attributes {
public:
    // nullopt when an attribute is shorter than its header or runs past the end.
    static std::optional<Attributes> parse(Bytes bytes, std::uint16_t max_type);

    std::optional<Bytes> get(std::uint16_t type) const;
    // nullopt when absent or shorter than the value.
    std::optional<std::uint8_t> u8(std::uint16_t type) const;
    std::optional<std::uint16_t> u16(std::uint16_t type) const;
    std::optional<std::uint32_t> u32(std::uint16_t type) const;
    // A NUL-terminated string attribute (the text up to the NUL, or all of it without one).
    std::optional<std::string> string(std::uint16_t type) const;

private:
    std::vector<std::optional<Bytes>> by_type_;
};

// A request: the netlink header, a family header, then attributes (lengths kept aligned).
class Request {
public:
    // NLM_F_REQUEST and NLM_F_ACK are always set: every exchange ends with the kernel's
    // acknowledgement, its error, or (for NLM_F_DUMP) the end of the dump.
    Request(std::uint16_t type, std::uint16_t flags);

    template <typename T>
    void put_header(const T& header) {
        put_bytes(&header, sizeof header);
    }
    void put_attribute(std::uint16_t type, const void* data, std::size_t size);
    void put_u32(std::uint16_t type, std::uint32_t value) {
        put_attribute(type, &value, sizeof value);
    }
    void put_string(std::uint16_t type, const std::string& text) {
        put_attribute(type, text.c_str(), text.size() + 1);
    }

    // The finished message with `sequence` in its header.
    const std::vector<std::uint8_t>& finish(std::uint32_t sequence);

private:
    void put_bytes(const void* data, std::size_t size);
    std::vector<std::uint8_t> bytes_;
};

// Called with each data message of the answer: its header and the bytes after the header.
using MessageHandler = std::function<void(const nlmsghdr& header, Bytes payload)>;

// How far the answer to one request has come after one received datagram.
struct Progress {
    enum class State { more, done, failed };
    State state = State::more;
    int error = 0;  // when failed: the kernel's -errno, or -EBADMSG for a malformed datagram
};

// Walks the messages of one datagram, handing those answering request `sequence` to on_message;
// messages with another sequence number (a late answer to an earlier request) are skipped. Pure:
// the bytes are all it reads.
Progress walk_answers(Bytes datagram, std::uint32_t sequence, const MessageHandler& on_message);

class Socket {
public:
    // Opens and binds a socket of `protocol` (NETLINK_ROUTE, NETLINK_GENERIC) with a short
    // receive timeout: the kernel answers these requests at once; the timeout only bounds a
    // misbehaving one.
    explicit Socket(int protocol);
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    // False when the socket could not be opened; open_error() is then the -errno.
    bool ok() const { return fd_ >= 0; }
    int open_error() const { return open_error_; }

    // Sends `request` and hands every data message of the answer to on_message. 0 on success,
    // else a -errno: the kernel's error, -EAGAIN when it did not answer in time, -EBADMSG for
    // a malformed answer, -EMSGSIZE for one larger than the receive buffer.
    int exchange(Request& request, const MessageHandler& on_message = {});

private:
    int fd_ = -1;
    int open_error_ = 0;
    std::uint32_t sequence_ = 0;
};

// Generic netlink: the id of family `name` (CTRL_CMD_GETFAMILY), or a -errno (-ENOENT when the
// kernel has no such family).
int generic_family(Socket& socket, const std::string& name);

// The text for a -errno (strerror); "success" for 0.
std::string error_text(int code);

template <typename T>
std::optional<T> Bytes::read() const {
    if (size_ < sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, data_, sizeof value);
    return value;
}

}  // namespace wizfi250d::netlink
