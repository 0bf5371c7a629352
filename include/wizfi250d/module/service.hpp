// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

#include "wizfi250d/net/socket.hpp"
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// The socket an SCON record describes (the record AT+SCON stores and the service mechanism of
// spec §5.5 opens). nullopt when the record cannot be opened (a corrupt type).
std::optional<SocketSpec> socket_spec_for(const SocketService& record,
                                          const std::string& domain_name);

// Whether the record is a service: open type S or SO (spec §5.5).
bool is_service(const SocketService& record);

}  // namespace wizfi250d
