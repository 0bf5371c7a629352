// SPDX-License-Identifier: Apache-2.0
// SNI, the expected peer name, and readable handshake errors for TLS client streams.

#include "tls_verification.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>

namespace wizfi250d {

namespace {

bool is_ip_literal(const std::string& name) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    return !ec;
}

// SSL_set_tlsext_host_name() without the macro's C cast.
bool set_sni(SSL* ssl, const std::string& name) {
    return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(name.c_str())) == 1;
}

}  // namespace

void prepare_client_verification(boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream,
                                 const std::string& name, bool check_name) {
    if (name.empty()) return;
    SSL* ssl = stream.native_handle();
    const bool ip = is_ip_literal(name);
    // SNI carries host names only (RFC 6066 §3).
    if (!ip && !set_sni(ssl, name)) spdlog::warn("TLS: cannot set SNI to {}", name);
    if (!check_name) return;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) != 1) {
            spdlog::warn("TLS: cannot expect IP address {}", name);
        }
        return;
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) != 1) {
        spdlog::warn("TLS: cannot expect host name {}", name);
    }
}

std::string describe_tls_error(const boost::system::error_code& ec) {
    if (ec == boost::asio::ssl::error::stream_truncated) {
        return "the peer closed the connection during the handshake";
    }
    return ec.message();
}

std::string describe_tls_error(const boost::system::error_code& ec,
                               boost::asio::ssl::stream<boost::asio::ip::tcp::socket>& stream) {
    std::string text = describe_tls_error(ec);
    SSL* ssl = stream.native_handle();
    if (ssl == nullptr || (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) return text;
    const long result = SSL_get_verify_result(ssl);
    if (result != X509_V_OK) {
        text += ": ";
        text += X509_verify_cert_error_string(result);
    }
    return text;
}

}  // namespace wizfi250d
