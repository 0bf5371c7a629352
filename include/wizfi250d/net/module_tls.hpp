// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "wizfi250d/net/certificate_store.hpp"
#include "wizfi250d/net/socket.hpp"
#include "wizfi250d/net/tls_options.hpp"

namespace wizfi250d {

// The TLS contexts of TCS/TSS sockets, made from what AT+MCERT stored and the daemon's
// TlsOptions. Contexts are cached and made again after the store changes (its generation);
// connections keep the context they started with.
//
// client(): TLS 1.2 or newer; the stored certificate and key are sent when both are stored
// (mutual TLS); the server is checked as TlsOptions::trust says.
// server(): nullptr unless a certificate and a key are stored; when a root CA is stored, clients
// must present a certificate issued by it.
// A stored file that does not parse (or a key that does not match the certificate) gives
// nullptr and a log line naming the file and OpenSSL's reason.
class ModuleTlsContexts final : public TlsContexts {
public:
    ModuleTlsContexts(CertificateStore& store, TlsOptions options);
    ~ModuleTlsContexts() override;
    ModuleTlsContexts(const ModuleTlsContexts&) = delete;
    ModuleTlsContexts& operator=(const ModuleTlsContexts&) = delete;

    std::shared_ptr<boost::asio::ssl::context> client() override;
    // A new client context of its own for one connection whose TLS stream is made elsewhere
    // (the MQTT client): as client(), and when check_host_name is on it also expects the peer's
    // certificate to name `peer_ip` (an IP subjectAltName).
    std::shared_ptr<boost::asio::ssl::context> client_for(const std::string& peer_ip) const;
    std::shared_ptr<boost::asio::ssl::context> server() override;
    bool verify_host_name() const override { return options_.check_host_name; }

    const TlsOptions& options() const { return options_; }
    // New options (a config reload); contexts are made again on next use.
    void set_options(const TlsOptions& options);

private:
    struct Cached {
        std::optional<unsigned> generation;
        std::shared_ptr<boost::asio::ssl::context> context;
    };

    std::shared_ptr<boost::asio::ssl::context> make_client() const;
    std::shared_ptr<boost::asio::ssl::context> make_server() const;

    CertificateStore& store_;
    TlsOptions options_;
    Cached client_;
    Cached server_;
};

}  // namespace wizfi250d
