// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/service.hpp"

namespace wizfi250d {

std::optional<SocketSpec> socket_spec_for(const SocketService& record,
                                          const std::string& domain_name) {
    const auto kind = SocketKind::parse(record.socket_type);
    if (!kind) return std::nullopt;
    SocketSpec spec;
    spec.kind = *kind;
    spec.remote_ip = parse_ipv4(record.remote_ip).value_or(Ipv4{});
    spec.remote_port = static_cast<std::uint16_t>(record.remote_port);
    spec.local_port = static_cast<std::uint16_t>(record.local_port);
    spec.data_mode = record.data_mode == 1;
    // With a remote IP of 0.0.0.0 the module connects to the AT+SDNAME host instead.
    if (spec.kind.role == Role::client && spec.remote_ip.is_zero()) spec.host_name = domain_name;
    return spec;
}

bool is_service(const SocketService& record) {
    return record.open_type == "S" || record.open_type == "SO";
}

}  // namespace wizfi250d
