// SPDX-License-Identifier: Apache-2.0
// ModuleTlsContexts and the client-side checks (tls_verification): real TLS handshakes over
// 127.0.0.1 between two Asio streams in one io_context, with a throwaway PKI made here with the
// OpenSSL C API (a CA, a CA-signed server and client, a self-signed server).

#include "wizfi250d/net/module_tls.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../../src/net/tls_verification.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
namespace ssl = boost::asio::ssl;
using boost::asio::ip::tcp;

constexpr auto deadline = 20s;

// ---- A throwaway PKI ----------------------------------------------------------------------

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
    void operator()(X509* cert) const { X509_free(cert); }
};
struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what);
}

KeyPtr make_key() {
    KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "EC key generation");
    return key;
}

// A certificate for key, named cn, with the given extensions (NID, value), signed by issuer
// (self-signed when issuer is null).
CertPtr make_certificate(EVP_PKEY* key, const std::string& cn, long serial,
                         const std::vector<std::pair<int, std::string>>& extensions,
                         X509* issuer = nullptr, EVP_PKEY* issuer_key = nullptr) {
    CertPtr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1, "serial");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600) != nullptr, "notAfter");
    check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                     0) == 1,
          "subject");
    check(X509_set_issuer_name(cert.get(),
                               issuer != nullptr ? X509_get_subject_name(issuer) : name) == 1,
          "issuer");
    X509V3_CTX context{};
    X509V3_set_ctx(&context, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr,
                   0);
    for (const auto& [nid, value] : extensions) {
        X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
        check(extension != nullptr, value.c_str());
        const int added = X509_add_ext(cert.get(), extension, -1);
        X509_EXTENSION_free(extension);
        check(added == 1, "X509_add_ext");
    }
    check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
          "X509_sign");
    return cert;
}

std::string drain(BIO* bio) {
    std::string text(BIO_ctrl_pending(bio), '\0');
    check(
        BIO_read(bio, text.data(), static_cast<int>(text.size())) == static_cast<int>(text.size()),
        "BIO_read");
    return text;
}

std::string pem_of(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
    return drain(bio.get());
}

// The key in PEM, encrypted with password when one is given.
std::string pem_of(EVP_PKEY* key, const std::string& password = {}) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    const EVP_CIPHER* cipher = password.empty() ? nullptr : EVP_aes_128_cbc();
    std::string pass = password;
    check(bio && PEM_write_bio_PrivateKey(bio.get(), key, cipher,
                                          reinterpret_cast<unsigned char*>(pass.data()),
                                          static_cast<int>(pass.size()), nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    return drain(bio.get());
}

struct Identity {
    std::string certificate;
    std::string key;
};

struct Pki {
    std::string ca;                    // the root CA certificate
    Identity server;                   // CA-signed; SAN DNS:tls.test, IP:127.0.0.1
    Identity self_signed;              // the same names, signed by itself
    Identity client;                   // CA-signed, for TLS client authentication
    Identity foreign_client;           // a client certificate signed by itself
    std::string encrypted_server_key;  // the server's key, encrypted with a password
};

const Pki& pki() {
    static const Pki made = [] {
        Pki pki;
        const KeyPtr ca_key = make_key();
        const CertPtr ca = make_certificate(ca_key.get(), "wizfi250d test CA", 1,
                                            {{NID_basic_constraints, "critical,CA:TRUE"},
                                             {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                             {NID_subject_key_identifier, "hash"}});
        pki.ca = pem_of(ca.get());

        const std::vector<std::pair<int, std::string>> server_extensions = {
            {NID_basic_constraints, "critical,CA:FALSE"},
            {NID_key_usage, "critical,digitalSignature"},
            {NID_ext_key_usage, "serverAuth"},
            {NID_subject_alt_name, "DNS:tls.test,IP:127.0.0.1"}};
        const KeyPtr server_key = make_key();
        pki.server = {pem_of(make_certificate(server_key.get(), "tls.test", 2, server_extensions,
                                              ca.get(), ca_key.get())
                                 .get()),
                      pem_of(server_key.get())};
        pki.encrypted_server_key = pem_of(server_key.get(), "password");

        const KeyPtr self_key = make_key();
        pki.self_signed = {
            pem_of(make_certificate(self_key.get(), "tls.test", 3, server_extensions).get()),
            pem_of(self_key.get())};

        const std::vector<std::pair<int, std::string>> client_extensions = {
            {NID_basic_constraints, "critical,CA:FALSE"},
            {NID_key_usage, "critical,digitalSignature"},
            {NID_ext_key_usage, "clientAuth"}};
        const KeyPtr client_key = make_key();
        pki.client = {pem_of(make_certificate(client_key.get(), "wizfi250d test client", 4,
                                              client_extensions, ca.get(), ca_key.get())
                                 .get()),
                      pem_of(client_key.get())};

        const KeyPtr foreign_key = make_key();
        pki.foreign_client = {
            pem_of(make_certificate(foreign_key.get(), "stranger", 5, client_extensions).get()),
            pem_of(foreign_key.get())};
        return pki;
    }();
    return made;
}

// ---- Stores in temporary directories ---------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wizfi250d-tls-XXXXXX");
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// One side's MCERT store.
class Side {
public:
    Side(const TempDir& dir, const std::string& name) : store_(dir.file(name)) {}

    Side& store(CertificateKind kind, const std::string& text) {
        std::string error;
        if (!store_.write(kind, text, error)) throw std::runtime_error(error);
        return *this;
    }
    Side& identity(const Identity& id) {
        store(CertificateKind::certificate, id.certificate);
        return store(CertificateKind::key, id.key);
    }
    Side& root_ca(const std::string& pem) { return store(CertificateKind::root_ca, pem); }

    CertificateStore& certificates() { return store_; }

private:
    CertificateStore store_;
};

// ---- One handshake over 127.0.0.1 ------------------------------------------------------------

struct Outcome {
    bool done = false;
    boost::system::error_code ec;
    std::string description;  // describe_tls_error(ec, stream) when it failed
};

struct Handshake {
    Outcome client;
    Outcome server;
    bool accepted() const { return client.done && server.done && !client.ec && !server.ec; }
};

// A TLS server stream with server_context and a client stream with client_context, prepared
// with prepare_client_verification(name, check_name), shake hands. A side that fails closes its
// socket, so the other one ends too. The io_context runs until both are done (or the deadline).
Handshake shake_hands(ssl::context& server_context, ssl::context& client_context,
                      const std::string& name, bool check_name) {
    boost::asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
    ssl::stream<tcp::socket> server(io, server_context);
    ssl::stream<tcp::socket> client(io, client_context);
    prepare_client_verification(client, name, check_name);
    Handshake result;

    auto finish = [](Outcome& outcome, ssl::stream<tcp::socket>& stream,
                     const boost::system::error_code& ec) {
        outcome.done = true;
        outcome.ec = ec;
        if (ec) {
            outcome.description = describe_tls_error(ec, stream);
            boost::system::error_code ignored;
            stream.next_layer().close(ignored);
        }
    };
    acceptor.async_accept(server.next_layer(), [&](const boost::system::error_code& ec) {
        if (ec) return finish(result.server, server, ec);
        server.async_handshake(ssl::stream_base::server, [&](const boost::system::error_code& e) {
            finish(result.server, server, e);
        });
    });
    client.next_layer().async_connect(
        acceptor.local_endpoint(), [&](const boost::system::error_code& ec) {
            if (ec) return finish(result.client, client, ec);
            client.async_handshake(
                ssl::stream_base::client,
                [&](const boost::system::error_code& e) { finish(result.client, client, e); });
        });
    io.run_for(deadline);
    EXPECT_TRUE(result.client.done) << "client handshake did not end";
    EXPECT_TRUE(result.server.done) << "server handshake did not end";
    return result;
}

// A server (TSS) and a client (TCS) built by ModuleTlsContexts from their stores.
Handshake shake_hands(Side& server_side, Side& client_side, const std::string& name,
                      TlsOptions client_options = {}) {
    ModuleTlsContexts server_contexts(server_side.certificates(), TlsOptions{});
    ModuleTlsContexts client_contexts(client_side.certificates(), client_options);
    auto server = server_contexts.server();
    auto client = client_contexts.client();
    if (!server || !client) {
        ADD_FAILURE() << "no context";
        return {};
    }
    return shake_hands(*server, *client, name, client_contexts.verify_host_name());
}

class ModuleTls : public ::testing::Test {
protected:
    TempDir dir_;
    Side server_{dir_, "server-certs"};
    Side client_{dir_, "client-certs"};
};

// ---- TCS: checking the server -----------------------------------------------------------------

TEST_F(ModuleTls, WithoutRootCaAnySelfSignedServerIsAccepted) {
    server_.identity(pki().self_signed);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.accepted())
        << result.client.description << " / " << result.server.description;
    // The name is not checked either when the server is not checked (module behaviour).
    EXPECT_TRUE(shake_hands(server_, client_, "wrong.test").accepted());
}

TEST_F(ModuleTls, WithRootCaACaSignedServerIsAccepted) {
    server_.identity(pki().server);
    client_.root_ca(pki().ca);
    const auto by_name = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(by_name.accepted()) << by_name.client.description;
    // By IP address: the IP subjectAltName.
    const auto by_address = shake_hands(server_, client_, "127.0.0.1");
    EXPECT_TRUE(by_address.accepted()) << by_address.client.description;
    // cert.pem may hold the chain after the certificate.
    server_.store(CertificateKind::certificate, pki().server.certificate + pki().ca);
    const auto with_chain = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(with_chain.accepted()) << with_chain.client.description;
}

TEST_F(ModuleTls, WithRootCaASelfSignedServerIsRejected) {
    server_.identity(pki().self_signed);
    client_.root_ca(pki().ca);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.client.ec);
    EXPECT_TRUE(result.server.ec);
    EXPECT_NE(result.client.description.find("certificate verify failed"), std::string::npos)
        << result.client.description;
    EXPECT_NE(result.client.description.find("self-signed"), std::string::npos)
        << result.client.description;
}

TEST_F(ModuleTls, SystemTrustRejectsASelfSignedServerWithoutRootCa) {
    server_.identity(pki().self_signed);
    TlsOptions options;
    options.trust = TlsOptions::Trust::system;
    const auto result = shake_hands(server_, client_, "tls.test", options);
    EXPECT_TRUE(result.client.ec);
    EXPECT_NE(result.client.description.find("certificate verify failed"), std::string::npos)
        << result.client.description;
}

TEST_F(ModuleTls, SystemTrustAcceptsAServerFromTheStoredRootCa) {
    server_.identity(pki().server);
    client_.root_ca(pki().ca);
    TlsOptions options;
    options.trust = TlsOptions::Trust::system;
    const auto result = shake_hands(server_, client_, "tls.test", options);
    EXPECT_TRUE(result.accepted()) << result.client.description;
}

TEST_F(ModuleTls, AWrongHostNameIsRejected) {
    server_.identity(pki().server);
    client_.root_ca(pki().ca);
    const auto by_name = shake_hands(server_, client_, "wrong.test");
    EXPECT_TRUE(by_name.client.ec);
    EXPECT_NE(by_name.client.description.find("hostname mismatch"), std::string::npos)
        << by_name.client.description;
    const auto by_address = shake_hands(server_, client_, "127.0.0.2");
    EXPECT_TRUE(by_address.client.ec);
    EXPECT_NE(by_address.client.description.find("IP address mismatch"), std::string::npos)
        << by_address.client.description;
}

TEST_F(ModuleTls, WithoutNameCheckAWrongHostNameIsAccepted) {
    server_.identity(pki().server);
    client_.root_ca(pki().ca);
    TlsOptions options;
    options.check_host_name = false;
    const auto result = shake_hands(server_, client_, "wrong.test", options);
    EXPECT_TRUE(result.accepted()) << result.client.description;
}

TEST_F(ModuleTls, ClientSendsItsStoredCertificate) {
    server_.identity(pki().server).root_ca(pki().ca);
    client_.identity(pki().client).root_ca(pki().ca);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.accepted())
        << result.client.description << " / " << result.server.description;
}

// ---- TSS: checking clients --------------------------------------------------------------------

TEST_F(ModuleTls, ServerWithRootCaRejectsAClientWithoutCertificate) {
    server_.identity(pki().server).root_ca(pki().ca);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.server.ec);
    EXPECT_NE(result.server.description.find("peer did not return a certificate"),
              std::string::npos)
        << result.server.description;
}

TEST_F(ModuleTls, ServerWithRootCaRejectsAClientFromAnotherIssuer) {
    server_.identity(pki().server).root_ca(pki().ca);
    client_.identity(pki().foreign_client);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.server.ec);
    EXPECT_NE(result.server.description.find("certificate verify failed"), std::string::npos)
        << result.server.description;
}

TEST_F(ModuleTls, ServerWithRootCaAcceptsACaSignedClient) {
    server_.identity(pki().server).root_ca(pki().ca);
    client_.identity(pki().client);
    const auto result = shake_hands(server_, client_, "tls.test");
    EXPECT_TRUE(result.accepted())
        << result.client.description << " / " << result.server.description;
}

TEST_F(ModuleTls, ServerWithoutRootCaAcceptsAnyClient) {
    server_.identity(pki().server);
    client_.identity(pki().foreign_client);
    EXPECT_TRUE(shake_hands(server_, client_, "tls.test").accepted());
}

// ---- Contexts -----------------------------------------------------------------------------

TEST_F(ModuleTls, ServerNeedsCertificateAndKey) {
    ModuleTlsContexts contexts(server_.certificates(), TlsOptions{});
    EXPECT_EQ(contexts.server(), nullptr);
    server_.store(CertificateKind::certificate, pki().server.certificate);
    EXPECT_EQ(contexts.server(), nullptr);
    server_.store(CertificateKind::key, pki().server.key);
    EXPECT_NE(contexts.server(), nullptr);
    // The client context needs nothing stored.
    EXPECT_NE(ModuleTlsContexts(client_.certificates(), TlsOptions{}).client(), nullptr);
}

TEST_F(ModuleTls, GarbagePemGivesNoContext) {
    const std::string garbage =
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
        "-----END CERTIFICATE-----\n";
    ModuleTlsContexts contexts(server_.certificates(), TlsOptions{});

    server_.identity({garbage, pki().server.key});
    EXPECT_EQ(contexts.server(), nullptr);
    EXPECT_EQ(contexts.client(), nullptr);

    server_.identity({pki().server.certificate, "garbage"});
    EXPECT_EQ(contexts.server(), nullptr);
    EXPECT_EQ(contexts.client(), nullptr);

    // A key that is not the certificate's.
    server_.identity({pki().server.certificate, pki().client.key});
    EXPECT_EQ(contexts.server(), nullptr);
    EXPECT_EQ(contexts.client(), nullptr);

    server_.identity(pki().server).root_ca(garbage);
    EXPECT_EQ(contexts.server(), nullptr);
    EXPECT_EQ(contexts.client(), nullptr);

    // An encrypted key cannot be used (and is never asked a password for).
    server_.identity({pki().server.certificate, pki().encrypted_server_key});
    EXPECT_EQ(contexts.server(), nullptr);
    EXPECT_EQ(contexts.client(), nullptr);

    // Fixed: contexts again.
    server_.identity(pki().server).root_ca(pki().ca);
    EXPECT_NE(contexts.server(), nullptr);
    EXPECT_NE(contexts.client(), nullptr);
}

TEST_F(ModuleTls, ContextsAreCachedUntilTheStoreChanges) {
    server_.identity(pki().server);
    ModuleTlsContexts contexts(server_.certificates(), TlsOptions{});
    const auto client = contexts.client();
    const auto server = contexts.server();
    ASSERT_NE(client, nullptr);
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(contexts.client(), client);
    EXPECT_EQ(contexts.server(), server);

    server_.root_ca(pki().ca);
    EXPECT_NE(contexts.client(), client);
    EXPECT_NE(contexts.server(), server);
    EXPECT_EQ(SSL_CTX_get_verify_mode(contexts.server()->native_handle()),
              SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    EXPECT_EQ(SSL_CTX_get_verify_mode(contexts.client()->native_handle()), SSL_VERIFY_PEER);

    std::string error;
    ASSERT_TRUE(server_.certificates().remove(CertificateKind::root_ca, error));
    EXPECT_EQ(SSL_CTX_get_verify_mode(contexts.server()->native_handle()), SSL_VERIFY_NONE);
    EXPECT_EQ(SSL_CTX_get_verify_mode(contexts.client()->native_handle()), SSL_VERIFY_NONE);
}

TEST_F(ModuleTls, Tls12IsTheMinimum) {
    server_.identity(pki().server);
    ModuleTlsContexts contexts(server_.certificates(), TlsOptions{});
    EXPECT_EQ(SSL_CTX_get_min_proto_version(contexts.client()->native_handle()), TLS1_2_VERSION);
    EXPECT_EQ(SSL_CTX_get_min_proto_version(contexts.server()->native_handle()), TLS1_2_VERSION);
}

TEST_F(ModuleTls, VerifyHostNameFollowsTheOptions) {
    TlsOptions options;
    EXPECT_TRUE(ModuleTlsContexts(client_.certificates(), options).verify_host_name());
    options.check_host_name = false;
    EXPECT_FALSE(ModuleTlsContexts(client_.certificates(), options).verify_host_name());
}

}  // namespace
}  // namespace wizfi250d
