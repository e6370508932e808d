#include "tls_listener.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace devserver {
namespace {

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

}  // namespace

std::unique_ptr<httplib::SSLServer> make_tls_server(const std::string& cert, const std::string& key,
                                                    const std::string& client_ca,
                                                    std::string& error) {
    auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
        SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
        if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1) {
            error = "cannot use --tls-cert " + cert + ": " + openssl_error();
            return false;
        }
        if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(&ctx) != 1) {
            error = "cannot use --tls-key " + key + ": " + openssl_error();
            return false;
        }
        if (!client_ca.empty()) {
            if (SSL_CTX_load_verify_locations(&ctx, client_ca.c_str(), nullptr) != 1) {
                error = "cannot use --tls-client-ca " + client_ca + ": " + openssl_error();
                return false;
            }
            // Ask for a certificate and refuse one the CA did not sign, but let clients
            // without one in: they authenticate some other way.
            SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
            SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file(client_ca.c_str()));
        }
        return true;
    });
    if (!server->is_valid()) {
        if (error.empty()) {
            error = "cannot set up TLS: " + openssl_error();
        }
        return nullptr;
    }
    return server;
}

std::optional<std::string> client_certificate_subject(const httplib::Request& req) {
    if (req.ssl == nullptr) {
        return std::nullopt;
    }
    std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(req.ssl), X509_free);
    if (!cert || SSL_get_verify_result(req.ssl) != X509_V_OK) {
        return std::nullopt;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (!bio ||
        X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0, XN_FLAG_RFC2253) < 0) {
        return std::nullopt;
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace devserver
