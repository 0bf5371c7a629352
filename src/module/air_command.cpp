// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/module/air_command.hpp"
#include "wizfi250d/net/listen.hpp"

#include <spdlog/spdlog.h>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

namespace wizfi250d {

namespace {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

constexpr std::size_t max_request = 1500;

bool allowed(const AirCommandPolicy& policy, const Ipv4& client) {
    return allowed_by(policy.allowed, client);
}

Ipv4 to_ipv4(const boost::asio::ip::address& address) {
    return Ipv4::from_uint(address.is_v4() ? address.to_v4().to_uint() : 0);
}

class TcpAirCommandServer final : public AirCommandServer,
                                  public std::enable_shared_from_this<TcpAirCommandServer> {
public:
    TcpAirCommandServer(boost::asio::io_context& io, AirCommandPolicy policy, Executor executor)
        : acceptor_(io), client_(io), policy_(std::move(policy)), executor_(std::move(executor)) {}
    ~TcpAirCommandServer() override {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        client_.close(ignored);
    }

    bool listen(const tcp::endpoint& endpoint) {
        const auto ec = listen_on(acceptor_, endpoint, 1);
        if (ec) {
            spdlog::warn("Air command: cannot listen on {}: {}", endpoint.port(), ec.message());
            return false;
        }
        accept();
        return true;
    }

    std::uint16_t port() const override {
        boost::system::error_code ec;
        return acceptor_.local_endpoint(ec).port();
    }

private:
    // One client at a time; after it leaves, the next.
    void accept() {
        acceptor_.async_accept(client_, [this, alive = std::weak_ptr<bool>(alive_)](
                                            const boost::system::error_code& ec) {
            if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
            if (ec) {
                accept();
                return;
            }
            boost::system::error_code peer_ec;
            const Ipv4 client = to_ipv4(client_.remote_endpoint(peer_ec).address());
            if (!allowed(policy_, client)) {
                spdlog::warn("Air command: client {} refused by air_command_allow",
                             client.to_string());
                client_.close(peer_ec);
                accept();
                return;
            }
            receive();
        });
    }

    void receive() {
        client_.async_read_some(
            boost::asio::buffer(buffer_), [this, alive = std::weak_ptr<bool>(alive_)](
                                              const boost::system::error_code& ec, std::size_t n) {
                if (alive.expired()) return;
                if (ec) {
                    boost::system::error_code ignored;
                    client_.close(ignored);
                    accept();
                    return;
                }
                const auto commands = air_command_request(std::string_view(buffer_.data(), n));
                if (!commands) {
                    receive();
                    return;
                }
                executor_(*commands, [this, alive](std::string reply) {
                    if (alive.expired() || !client_.is_open()) return;
                    auto bytes = std::make_shared<std::string>(std::move(reply));
                    boost::asio::async_write(
                        client_, boost::asio::buffer(*bytes),
                        [bytes](const boost::system::error_code&, std::size_t) {});
                });
                receive();
            });
    }

    tcp::acceptor acceptor_;
    tcp::socket client_;
    AirCommandPolicy policy_;
    Executor executor_;
    std::array<char, max_request> buffer_{};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

class UdpAirCommandServer final : public AirCommandServer {
public:
    UdpAirCommandServer(boost::asio::io_context& io, AirCommandPolicy policy, Executor executor)
        : socket_(io), policy_(std::move(policy)), executor_(std::move(executor)) {}
    ~UdpAirCommandServer() override {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

    bool bind(const udp::endpoint& endpoint) {
        boost::system::error_code ec;
        socket_.open(endpoint.protocol(), ec);
        if (!ec) socket_.bind(endpoint, ec);
        if (ec) {
            spdlog::warn("Air command: cannot bind UDP {}: {}", endpoint.port(), ec.message());
            return false;
        }
        receive();
        return true;
    }

    std::uint16_t port() const override {
        boost::system::error_code ec;
        return socket_.local_endpoint(ec).port();
    }

private:
    // Replies go to each requester.
    void receive() {
        socket_.async_receive_from(
            boost::asio::buffer(buffer_), sender_,
            [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec,
                                                        std::size_t n) {
                if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
                const auto commands =
                    ec ? std::nullopt : air_command_request(std::string_view(buffer_.data(), n));
                if (commands && allowed(policy_, to_ipv4(sender_.address()))) {
                    executor_(*commands, [this, alive, to = sender_](std::string reply) {
                        if (alive.expired()) return;
                        auto bytes = std::make_shared<std::string>(std::move(reply));
                        socket_.async_send_to(
                            boost::asio::buffer(*bytes), to,
                            [bytes](const boost::system::error_code&, std::size_t) {});
                    });
                }
                receive();
            });
    }

    udp::socket socket_;
    udp::endpoint sender_;
    AirCommandPolicy policy_;
    Executor executor_;
    std::array<char, max_request> buffer_{};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::optional<std::string> air_command_request(std::string_view bytes) {
    // The prefix is case-sensitive and the last byte must be CR (spec §6; not 0x1d).
    if (bytes.size() <= AirCommandServer::prefix.size() ||
        bytes.substr(0, AirCommandServer::prefix.size()) != AirCommandServer::prefix ||
        bytes.back() != '\r')
        return std::nullopt;
    return std::string(bytes.substr(AirCommandServer::prefix.size()));
}

std::unique_ptr<AirCommandServer> start_air_command_server(boost::asio::io_context& io,
                                                           bool tcp_server, const Ipv4& address,
                                                           std::uint16_t port,
                                                           AirCommandPolicy policy,
                                                           AirCommandServer::Executor executor) {
    const auto ip = boost::asio::ip::address_v4(address.to_uint());
    if (tcp_server) {
        auto server =
            std::make_unique<TcpAirCommandServer>(io, std::move(policy), std::move(executor));
        if (!server->listen(tcp::endpoint(ip, port))) return nullptr;
        return server;
    }
    auto server = std::make_unique<UdpAirCommandServer>(io, std::move(policy), std::move(executor));
    if (!server->bind(udp::endpoint(ip, port))) return nullptr;
    return server;
}

}  // namespace wizfi250d
