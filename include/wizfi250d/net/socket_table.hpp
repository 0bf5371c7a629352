// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "wizfi250d/net/socket.hpp"

namespace wizfi250d {

// The module's eight CIDs (spec §4.7). A slot is busy from the moment its socket is made until
// its close has been reported; the lowest free slot is always the next one.
class SocketTable {
public:
    static constexpr unsigned size = 8;

    std::optional<unsigned> lowest_free() const;
    std::shared_ptr<Socket> at(unsigned cid) const;
    void place(const std::shared_ptr<Socket>& socket);
    void release(unsigned cid);

    unsigned count() const;
    bool any_tls() const;
    // Open sockets in CID order.
    std::vector<std::shared_ptr<Socket>> open_sockets() const;

private:
    std::array<std::shared_ptr<Socket>, size> slots_;
};

}  // namespace wizfi250d
