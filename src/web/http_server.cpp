// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/web/http_server.hpp"
#include "wizfi250d/net/listen.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <iterator>
#include <optional>
#include <set>

namespace wizfi250d {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

constexpr int listen_backlog = 16;

HttpResponse plain_response(http::status status, std::string_view text) {
    HttpResponse response{status, 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.body() = std::string(text) + "\n";
    response.keep_alive(false);
    response.prepare_payload();
    return response;
}

class Session;

// What the listener and its sessions share: the sessions are owned by their pending operations
// (shared_ptr), so that a server destroyed in the middle of a request cannot leave a handler
// with a dangling session.
struct ServerState {
    std::set<Session*> sessions;
    std::function<void()> session_ended;  // resumes accepting after the limit was reached
};

class Session final : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Ipv4 client, std::shared_ptr<ServerState> state,
            const WebServerPolicy& policy, HttpLimits limits, HttpHandler& handler)
        : stream_(std::move(socket)),
          client_(client),
          state_(std::move(state)),
          idle_timeout_(policy.idle_timeout),
          limits_(limits),
          handler_(handler),
          buffer_(limits.max_header_bytes + limits.max_body_bytes) {
        state_->sessions.insert(this);
    }
    ~Session() {
        state_->sessions.erase(this);
        if (state_->session_ended) state_->session_ended();
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start() { read_request(); }

    // The server stops: the pending operation ends with an error and drops the session.
    void close() {
        closed_ = true;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

private:
    void read_request() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
        parser_->body_limit(limits_.max_body_bytes);
        // One deadline for the whole request: a client that trickles bytes (slowloris) gets no
        // more time than an idle one.
        stream_.expires_after(idle_timeout_);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (closed_) return;
        if (ec) {
            if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                ec != boost::asio::error::operation_aborted)
                spdlog::debug("web: {}: {}", client_.to_string(), ec.message());
            if (auto response = response_for_parse_error(ec)) write(HttpReply{*response, {}});
            return;
        }
        HttpRequest request = parser_->release();
        const auto fields = static_cast<std::size_t>(std::distance(request.begin(), request.end()));
        if (fields > limits_.max_header_fields) {
            write(HttpReply{
                plain_response(http::status::request_header_fields_too_large, "Too many headers"),
                {}});
            return;
        }
        stream_.expires_never();  // the handler may take its time (a login delay, a join)
        const bool keep_alive = request.keep_alive();
        handler_.handle(request, client_, [self = shared_from_this(), keep_alive](HttpReply reply) {
            if (self->closed_) return;
            if (!keep_alive) reply.response.keep_alive(false);
            self->write(std::move(reply));
        });
    }

    void write(HttpReply reply) {
        reply_ = std::move(reply);
        reply_.response.prepare_payload();
        stream_.expires_after(idle_timeout_);
        http::async_write(stream_, reply_.response,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_written(ec);
                          });
    }

    void on_written(beast::error_code ec) {
        const bool keep_alive = reply_.response.keep_alive();
        const auto after_sent = std::move(reply_.after_sent);
        reply_ = HttpReply{};
        if (!ec && keep_alive && !closed_) {
            read_request();
        } else if (!closed_) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
        if (after_sent) after_sent();
    }

    beast::tcp_stream stream_;
    Ipv4 client_;
    std::shared_ptr<ServerState> state_;
    std::chrono::seconds idle_timeout_;
    HttpLimits limits_;
    HttpHandler& handler_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    HttpReply reply_;
    bool closed_ = false;
};

class BeastHttpServer final : public HttpServer {
public:
    BeastHttpServer(boost::asio::io_context& io, const WebServerPolicy& policy, HttpLimits limits,
                    HttpHandler& handler)
        : acceptor_(io), policy_(policy), limits_(limits), handler_(handler) {
        state_->session_ended = [this] {
            if (!accepting_ && acceptor_.is_open()) accept();
        };
    }
    ~BeastHttpServer() override {
        state_->session_ended = nullptr;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        // Copy: a session may end (and leave the set) while it closes.
        const std::set<Session*> open = state_->sessions;
        for (Session* session : open)
            session->close();
    }
    BeastHttpServer(const BeastHttpServer&) = delete;
    BeastHttpServer& operator=(const BeastHttpServer&) = delete;

    bool listen(const tcp::endpoint& endpoint) {
        const auto ec = listen_on(acceptor_, endpoint, listen_backlog);
        if (ec) {
            spdlog::warn("web server: cannot listen on {}:{}: {}", endpoint.address().to_string(),
                         endpoint.port(), ec.message());
            return false;
        }
        accept();
        return true;
    }

    std::uint16_t port() const override {
        boost::system::error_code ec;
        return acceptor_.local_endpoint(ec).port();
    }
    std::size_t connections() const override { return state_->sessions.size(); }

private:
    void accept() {
        // At the connection limit the next client waits in the kernel's queue (backpressure).
        if (state_->sessions.size() >= policy_.max_connections) {
            accepting_ = false;
            return;
        }
        accepting_ = true;
        acceptor_.async_accept([this, state = std::weak_ptr<ServerState>(state_)](
                                   boost::system::error_code ec, tcp::socket socket) {
            if (state.expired() || ec == boost::asio::error::operation_aborted) return;
            if (!ec) serve(std::move(socket));
            accept();
        });
    }

    void serve(tcp::socket socket) {
        boost::system::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (ec) return;
        const Ipv4 client =
            Ipv4::from_uint(remote.address().is_v4() ? remote.address().to_v4().to_uint() : 0);
        if (!allowed_by(policy_.allowed, client)) {
            spdlog::warn("web server: client {} refused by web_server_allow", client.to_string());
            return;  // the socket closes here
        }
        std::make_shared<Session>(std::move(socket), client, state_, policy_, limits_, handler_)
            ->start();
    }

    tcp::acceptor acceptor_;
    WebServerPolicy policy_;
    HttpLimits limits_;
    HttpHandler& handler_;
    std::shared_ptr<ServerState> state_ = std::make_shared<ServerState>();
    bool accepting_ = false;
};

}  // namespace

std::optional<HttpResponse> response_for_parse_error(const boost::system::error_code& ec) {
    if (ec == http::error::header_limit)
        return plain_response(http::status::request_header_fields_too_large, "Header too large");
    if (ec == http::error::body_limit)
        return plain_response(http::status::payload_too_large, "Request body too large");
    // Any other parser error (the http category) is a bad request; socket errors get no answer.
    if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
        return plain_response(http::status::bad_request, "Bad request");
    return std::nullopt;  // the client left, timed out or the server stops: no answer
}

std::unique_ptr<HttpServer> start_http_server(boost::asio::io_context& io, const Ipv4& address,
                                              std::uint16_t port, const WebServerPolicy& policy,
                                              HttpLimits limits, HttpHandler& handler) {
    auto server = std::make_unique<BeastHttpServer>(io, policy, limits, handler);
    if (!server->listen(tcp::endpoint(boost::asio::ip::address_v4(address.to_uint()), port)))
        return nullptr;
    return server;
}

}  // namespace wizfi250d
