// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/net/socket_table.hpp"

namespace wizfi250d {

std::optional<unsigned> SocketTable::lowest_free() const {
    for (unsigned cid = 0; cid < size; ++cid)
        if (!slots_[cid]) return cid;
    return std::nullopt;
}

std::shared_ptr<Socket> SocketTable::at(unsigned cid) const {
    return cid < size ? slots_[cid] : nullptr;
}

void SocketTable::place(const std::shared_ptr<Socket>& socket) {
    slots_.at(socket->cid()) = socket;
}

void SocketTable::release(unsigned cid) {
    if (cid < size) slots_[cid].reset();
}

unsigned SocketTable::count() const {
    unsigned n = 0;
    for (const auto& slot : slots_)
        n += slot ? 1 : 0;
    return n;
}

bool SocketTable::any_tls() const {
    for (const auto& slot : slots_)
        if (slot && slot->spec().kind.tls) return true;
    return false;
}

std::vector<std::shared_ptr<Socket>> SocketTable::open_sockets() const {
    std::vector<std::shared_ptr<Socket>> sockets;
    for (const auto& slot : slots_)
        if (slot) sockets.push_back(slot);
    return sockets;
}

}  // namespace wizfi250d
