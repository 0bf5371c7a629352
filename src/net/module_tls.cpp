// SPDX-License-Identifier: Apache-2.0
// TLS contexts for TCS/TSS from AT+MCERT's files (spec §4.6, §7) and the daemon's TlsOptions.

#include "wizfi250d/net/module_tls.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/verify_context.hpp>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace wizfi250d {

namespace {

namespace ssl = boost::asio::ssl;
struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

// OpenSSL's reasons in its error queue, oldest first (e.g. "PEM routines: bad base64 decode"),
// without repeats; the queue is emptied.
std::string openssl_errors() {
    std::string text;
    while (const unsigned long error = ERR_get_error()) {
        const char* library = ERR_lib_error_string(error);
        const char* reason = ERR_reason_error_string(error);
        std::string one = std::string(library != nullptr ? library : "OpenSSL") + ": " +
                          (reason != nullptr ? reason : "error " + std::to_string(error));
        if (text.find(one) != std::string::npos) continue;
        if (!text.empty()) text += "; ";
        text += one;
    }
    return text.empty() ? "no usable PEM data" : text;
}

BioPtr memory_bio(const std::string& text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// An encrypted key fails to load instead of prompting for a password on a terminal.
int no_password(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) {
    return 0;
}

// A file's contents, or nullopt when it is absent or empty (nothing stored).
std::optional<std::string> stored(const CertificateStore& store, CertificateKind kind) {
    auto text = store.read(kind);
    if (text && text->find_first_not_of(" \t\r\n") == std::string::npos) {
        spdlog::warn("TLS: {} is empty; treated as not stored", store.path(kind));
        return std::nullopt;
    }
    return text;
}

// Wipes a copy of the private key once OpenSSL has parsed it.
struct KeyText {
    std::optional<std::string> text;
    ~KeyText() {
        if (text && !text->empty()) OPENSSL_cleanse(text->data(), text->size());
    }
};

// All certificates of a PEM text (at least one).
bool parse_certificates(const std::string& pem, std::vector<X509Ptr>& out, std::string& reason) {
    ERR_clear_error();
    const BioPtr bio = memory_bio(pem);
    if (!bio) {
        reason = openssl_errors();
        return false;
    }
    for (;;) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
        if (!cert) {
            const unsigned long error = ERR_peek_last_error();
            const bool at_end =
                ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
            if (!out.empty() && at_end) {
                ERR_clear_error();
                return true;
            }
            reason = openssl_errors();
            return false;
        }
        out.push_back(std::move(cert));
    }
}

// TLS 1.2 or newer, no compression, and never a password prompt.
void set_common_options(ssl::context& context) {
    context.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                        ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_default_passwd_cb(context.native_handle(), no_password);
}

// Logs why a peer certificate was refused (the handshake error alone says only "certificate
// verify failed"). Subject names are public; nothing secret is logged.
void log_rejections(ssl::context& context, const char* side) {
    context.set_verify_callback([side](bool preverified, ssl::verify_context& verify) {
        if (!preverified) {
            X509_STORE_CTX* store = verify.native_handle();
            const int error = X509_STORE_CTX_get_error(store);
            std::array<char, 256> subject{'?'};
            if (X509* cert = X509_STORE_CTX_get_current_cert(store); cert != nullptr) {
                X509_NAME_oneline(X509_get_subject_name(cert), subject.data(),
                                  static_cast<int>(subject.size()));
            }
            spdlog::info("TLS {}: peer certificate refused at depth {} ({}): {}", side,
                         X509_STORE_CTX_get_error_depth(store), subject.data(),
                         X509_verify_cert_error_string(error));
        }
        return preverified;
    });
}

// Loads the stored certificate (and the chain after it) and key, and checks that they belong
// together.
bool use_certificate_and_key(ssl::context& context, const CertificateStore& store,
                             const std::string& certificate, const std::string& key,
                             const char* side) {
    SSL_CTX* handle = context.native_handle();
    std::vector<X509Ptr> chain;
    std::string reason;
    if (!parse_certificates(certificate, chain, reason)) {
        spdlog::error("TLS {}: cannot use {}: {}", side, store.path(CertificateKind::certificate),
                      reason);
        return false;
    }
    ERR_clear_error();
    bool ok = SSL_CTX_use_certificate(handle, chain.front().get()) == 1;
    // SSL_CTX_add1_chain_cert() without the macro's C cast.
    for (std::size_t i = 1; ok && i < chain.size(); ++i) {
        ok = SSL_CTX_ctrl(handle, SSL_CTRL_CHAIN_CERT, 1, chain[i].get()) == 1;
    }
    if (!ok) {
        spdlog::error("TLS {}: cannot use {}: {}", side, store.path(CertificateKind::certificate),
                      openssl_errors());
        return false;
    }

    const BioPtr bio = memory_bio(key);
    const KeyPtr private_key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr)
                                 : nullptr);
    if (!private_key || SSL_CTX_use_PrivateKey(handle, private_key.get()) != 1) {
        // OpenSSL's decoder says only "unsupported" or "bad decrypt" for the common mistakes.
        const char* hint = key.find("-----BEGIN") == std::string::npos ? "no PEM data; "
                           : key.find("ENCRYPTED") != std::string::npos
                               ? "encrypted keys are not supported; "
                               : "";
        spdlog::error("TLS {}: cannot use {}: {}{}", side, store.path(CertificateKind::key), hint,
                      openssl_errors());
        return false;
    }
    if (SSL_CTX_check_private_key(handle) != 1) {
        spdlog::error("TLS {}: {} does not match {}: {}", side, store.path(CertificateKind::key),
                      store.path(CertificateKind::certificate), openssl_errors());
        return false;
    }
    return true;
}

// Adds the stored root CA(s) to the context's trust store (and, for a server, to the list of
// CA names sent to clients). Stored CAs are trust anchors even when they are intermediates.
bool use_root_ca(ssl::context& context, const CertificateStore& store, const std::string& pem,
                 bool server, const char* side) {
    std::vector<X509Ptr> certificates;
    std::string reason;
    if (!parse_certificates(pem, certificates, reason)) {
        spdlog::error("TLS {}: cannot use {}: {}", side, store.path(CertificateKind::root_ca),
                      reason);
        return false;
    }
    X509_STORE* trust = SSL_CTX_get_cert_store(context.native_handle());
    for (const auto& cert : certificates) {
        ERR_clear_error();
        if (X509_STORE_add_cert(trust, cert.get()) != 1 ||
            (server && SSL_CTX_add_client_CA(context.native_handle(), cert.get()) != 1)) {
            spdlog::error("TLS {}: cannot use {}: {}", side, store.path(CertificateKind::root_ca),
                          openssl_errors());
            return false;
        }
    }
    X509_STORE_set_flags(trust, X509_V_FLAG_PARTIAL_CHAIN);
    return true;
}

}  // namespace

ModuleTlsContexts::ModuleTlsContexts(CertificateStore& store, TlsOptions options)
    : store_(store), options_(options) {}

ModuleTlsContexts::~ModuleTlsContexts() = default;

void ModuleTlsContexts::set_options(const TlsOptions& options) {
    options_ = options;
    client_ = Cached{};
    server_ = Cached{};
}

std::shared_ptr<ssl::context> ModuleTlsContexts::client() {
    if (client_.generation != store_.generation()) {
        client_.context = make_client();
        client_.generation = store_.generation();
    }
    return client_.context;
}

std::shared_ptr<ssl::context> ModuleTlsContexts::client_for(const std::string& peer_ip) const {
    auto context = make_client();
    if (context && options_.check_host_name &&
        X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(context->native_handle()),
                                      peer_ip.c_str()) != 1) {
        spdlog::error("TLS client: cannot expect IP address {}", peer_ip);
        return nullptr;
    }
    return context;
}

std::shared_ptr<ssl::context> ModuleTlsContexts::server() {
    if (server_.generation != store_.generation()) {
        server_.context = make_server();
        server_.generation = store_.generation();
    }
    return server_.context;
}

std::shared_ptr<ssl::context> ModuleTlsContexts::make_client() const {
    constexpr const char* side = "client";
    try {
        auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
        set_common_options(*context);

        const auto certificate = stored(store_, CertificateKind::certificate);
        KeyText key{stored(store_, CertificateKind::key)};
        if (certificate && key.text) {
            if (!use_certificate_and_key(*context, store_, *certificate, *key.text, side)) {
                return nullptr;
            }
        } else if (certificate || key.text) {
            spdlog::warn(
                "TLS client: {} is stored but {} is not; connecting without a client "
                "certificate",
                store_.path(certificate ? CertificateKind::certificate : CertificateKind::key),
                store_.path(certificate ? CertificateKind::key : CertificateKind::certificate));
        }

        const auto root_ca = stored(store_, CertificateKind::root_ca);
        if (options_.trust == TlsOptions::Trust::system) {
            boost::system::error_code ec;
            context->set_default_verify_paths(ec);
            if (ec) spdlog::warn("TLS client: cannot use the system trust store: {}", ec.message());
        }
        if (root_ca && !use_root_ca(*context, store_, *root_ca, false, side)) return nullptr;

        if (options_.trust == TlsOptions::Trust::system || root_ca) {
            context->set_verify_mode(ssl::verify_peer);
            log_rejections(*context, side);
            const char* against = options_.trust == TlsOptions::Trust::module ? "rootca.pem"
                                  : root_ca ? "the system trust store and rootca.pem"
                                            : "the system trust store";
            spdlog::debug("TLS client: servers are checked against {}", against);
        } else {
            // As on the module: no root CA stored, no server check.
            context->set_verify_mode(ssl::verify_none);
            spdlog::debug("TLS client: no root CA stored; servers are not checked");
        }
        return context;
    } catch (const std::exception& e) {
        spdlog::error("TLS client: cannot make a context: {}", e.what());
        return nullptr;
    }
}

std::shared_ptr<ssl::context> ModuleTlsContexts::make_server() const {
    constexpr const char* side = "server";
    try {
        const auto certificate = stored(store_, CertificateKind::certificate);
        KeyText key{stored(store_, CertificateKind::key)};
        if (!certificate || !key.text) {
            std::string missing;
            if (!certificate) missing = store_.path(CertificateKind::certificate);
            if (!key.text) {
                missing += (missing.empty() ? "" : " and ") + store_.path(CertificateKind::key);
            }
            spdlog::warn(
                "TLS server: needs a certificate and a key (AT+MCERT=W,C / W,K); "
                "missing {}",
                missing);
            return nullptr;
        }

        auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
        set_common_options(*context);
        static constexpr unsigned char session_id[] = "wizfi250d";
        SSL_CTX_set_session_id_context(context->native_handle(), session_id, sizeof session_id - 1);
        if (!use_certificate_and_key(*context, store_, *certificate, *key.text, side)) {
            return nullptr;
        }

        const auto root_ca = stored(store_, CertificateKind::root_ca);
        if (root_ca) {
            if (!use_root_ca(*context, store_, *root_ca, true, side)) return nullptr;
            context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
            log_rejections(*context, side);
            spdlog::debug("TLS server: clients must present a certificate from rootca.pem");
        } else {
            context->set_verify_mode(ssl::verify_none);
        }
        return context;
    } catch (const std::exception& e) {
        spdlog::error("TLS server: cannot make a context: {}", e.what());
        return nullptr;
    }
}

}  // namespace wizfi250d
