// SPDX-License-Identifier: Apache-2.0
// Netlink requests and answers on a plain AF_NETLINK socket (see netlink_socket.hpp).

#include "netlink_socket.hpp"

#include <linux/genetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wizfi250d::netlink {

namespace {

// The kernel answers at once; this only bounds a misbehaving kernel.
constexpr long receive_timeout_us = 300000;
// Larger than any answer the daemon asks for; the kernel sizes the parts of a dump to the
// buffer the reader offers (at most 32 KiB).
constexpr std::size_t receive_buffer_size = 32768;

constexpr std::size_t message_header_size = NLMSG_ALIGN(sizeof(nlmsghdr));
constexpr std::size_t attribute_header_size = NLA_ALIGN(sizeof(nlattr));

Progress failed(int error) {
    return {Progress::State::failed, error};
}

}  // namespace

Bytes Bytes::from(std::size_t offset) const {
    if (offset >= size_) return Bytes(data_ + size_, 0);
    return Bytes(data_ + offset, size_ - offset);
}

// ---- attributes ----

std::optional<Attributes> Attributes::parse(Bytes bytes, std::uint16_t max_type) {
    Attributes result;
    result.by_type_.resize(std::size_t{max_type} + 1);
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        const Bytes rest = bytes.from(offset);
        const auto header = rest.read<nlattr>();
        if (!header || header->nla_len < attribute_header_size || header->nla_len > rest.size())
            return std::nullopt;
        const auto type = static_cast<std::uint16_t>(header->nla_type & NLA_TYPE_MASK);
        if (type <= max_type)
            result.by_type_[type] =
                Bytes(rest.data() + attribute_header_size, header->nla_len - attribute_header_size);
        offset += NLA_ALIGN(header->nla_len);
    }
    return result;
}

std::optional<Bytes> Attributes::get(std::uint16_t type) const {
    if (type >= by_type_.size()) return std::nullopt;
    return by_type_[type];
}

std::optional<std::uint8_t> Attributes::u8(std::uint16_t type) const {
    const auto bytes = get(type);
    return bytes ? bytes->read<std::uint8_t>() : std::nullopt;
}

std::optional<std::uint16_t> Attributes::u16(std::uint16_t type) const {
    const auto bytes = get(type);
    return bytes ? bytes->read<std::uint16_t>() : std::nullopt;
}

std::optional<std::uint32_t> Attributes::u32(std::uint16_t type) const {
    const auto bytes = get(type);
    return bytes ? bytes->read<std::uint32_t>() : std::nullopt;
}

std::optional<std::string> Attributes::string(std::uint16_t type) const {
    const auto bytes = get(type);
    if (!bytes) return std::nullopt;
    const auto* text = reinterpret_cast<const char*>(bytes->data());
    const void* end = std::memchr(text, '\0', bytes->size());
    const std::size_t length = end == nullptr
                                   ? bytes->size()
                                   : static_cast<std::size_t>(static_cast<const char*>(end) - text);
    return std::string(text, length);
}

// ---- requests ----

Request::Request(std::uint16_t type, std::uint16_t flags) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    put_bytes(&header, sizeof header);
}

void Request::put_bytes(const void* data, std::size_t size) {
    const auto* first = static_cast<const std::uint8_t*>(data);
    bytes_.insert(bytes_.end(), first, first + size);
    bytes_.resize(NLMSG_ALIGN(bytes_.size()), 0);
}

void Request::put_attribute(std::uint16_t type, const void* data, std::size_t size) {
    nlattr header{};
    header.nla_len = static_cast<std::uint16_t>(attribute_header_size + size);
    header.nla_type = type;
    put_bytes(&header, sizeof header);
    put_bytes(data, size);
}

const std::vector<std::uint8_t>& Request::finish(std::uint32_t sequence) {
    nlmsghdr header{};
    std::memcpy(&header, bytes_.data(), sizeof header);
    header.nlmsg_len = static_cast<std::uint32_t>(bytes_.size());
    header.nlmsg_seq = sequence;
    std::memcpy(bytes_.data(), &header, sizeof header);
    return bytes_;
}

// ---- answers ----

Progress walk_answers(Bytes datagram, std::uint32_t sequence, const MessageHandler& on_message) {
    const Progress malformed = failed(-EBADMSG);
    std::size_t offset = 0;
    while (offset < datagram.size()) {
        const Bytes rest = datagram.from(offset);
        const auto header = rest.read<nlmsghdr>();
        if (!header || header->nlmsg_len < message_header_size || header->nlmsg_len > rest.size())
            return malformed;
        const Bytes payload(rest.data() + message_header_size,
                            header->nlmsg_len - message_header_size);
        offset += NLMSG_ALIGN(header->nlmsg_len);
        if (header->nlmsg_seq != sequence) continue;
        switch (header->nlmsg_type) {
            case NLMSG_NOOP:
                break;
            case NLMSG_ERROR: {
                // error 0 is the acknowledgement that ends a request without a dump.
                const auto error = payload.read<nlmsgerr>();
                if (!error) return malformed;
                if (error->error == 0) return {Progress::State::done, 0};
                return failed(error->error < 0 ? error->error : -EBADMSG);
            }
            case NLMSG_DONE: {
                // The end of a dump; a dump that failed part way carries the -errno here.
                const auto code = payload.read<int>();
                if (code && *code < 0) return failed(*code);
                return {Progress::State::done, 0};
            }
            case NLMSG_OVERRUN:
                return failed(-ENOBUFS);
            default:
                if (on_message) on_message(*header, payload);
                break;
        }
    }
    return {};
}

// ---- the socket ----

Socket::Socket(int protocol) {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    if (fd < 0) {
        open_error_ = -errno;
        return;
    }
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks the port
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0) {
        open_error_ = -errno;
        ::close(fd);
        return;
    }
    const timeval timeout{0, receive_timeout_us};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    // Acknowledgements without a copy of the request's payload.
    const int on = 1;
    ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    fd_ = fd;
}

Socket::~Socket() {
    if (fd_ >= 0) ::close(fd_);
}

int Socket::exchange(Request& request, const MessageHandler& on_message) {
    if (fd_ < 0) return open_error_ != 0 ? open_error_ : -EBADF;
    const std::uint32_t sequence = ++sequence_;
    const auto& message = request.finish(sequence);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent = 0;
    do {
        sent = ::sendto(fd_, message.data(), message.size(), 0,
                        reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return -errno;
    if (static_cast<std::size_t>(sent) != message.size()) return -EMSGSIZE;

    std::vector<std::uint8_t> buffer(receive_buffer_size);
    for (;;) {
        sockaddr_nl sender{};
        iovec part{buffer.data(), buffer.size()};
        msghdr header{};
        header.msg_name = &sender;
        header.msg_namelen = sizeof sender;
        header.msg_iov = &part;
        header.msg_iovlen = 1;
        // MSG_TRUNC: the datagram's real length, so a cut one is seen.
        const ssize_t received = ::recvmsg(fd_, &header, MSG_TRUNC);
        if (received < 0) {
            if (errno == EINTR) continue;
            return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        }
        if (static_cast<std::size_t>(received) > buffer.size()) return -EMSGSIZE;
        if (sender.nl_pid != 0) continue;  // not from the kernel
        const Progress progress = walk_answers(
            Bytes(buffer.data(), static_cast<std::size_t>(received)), sequence, on_message);
        if (progress.state == Progress::State::done) return 0;
        if (progress.state == Progress::State::failed) return progress.error;
    }
}

// ---- generic netlink ----

int generic_family(Socket& socket, const std::string& name) {
    Request request(GENL_ID_CTRL, 0);
    genlmsghdr header{};
    header.cmd = CTRL_CMD_GETFAMILY;
    header.version = 1;
    request.put_header(header);
    request.put_string(CTRL_ATTR_FAMILY_NAME, name);
    std::optional<std::uint16_t> id;
    const int r = socket.exchange(request, [&id](const nlmsghdr&, Bytes payload) {
        const auto attributes =
            Attributes::parse(attributes_after<genlmsghdr>(payload), CTRL_ATTR_FAMILY_ID);
        if (attributes) id = attributes->u16(CTRL_ATTR_FAMILY_ID);
    });
    if (r < 0) return r;
    return id ? int{*id} : -ENOENT;
}

std::string error_text(int code) {
    return code == 0 ? "success" : std::strerror(-code);
}

}  // namespace wizfi250d::netlink
