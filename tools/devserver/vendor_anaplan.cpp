// An Anaplan-style token service (auth.anaplan.com), so the anaplan provider
// is tested against the real protocol:
//   POST /token/authenticate  Authorization: Basic email:password
//   POST /token/authenticate  Authorization: CACertificate <b64 PEM>, JSON body
//        {"encodedData", "encodedSignedData"[, "encodedDataFormat": "v2"]}: the
//        signature (RSA PKCS#1 v1.5, SHA-512) is verified with the public key
//        of the certificate presented; a v2 nonce's timestamp must be recent.
//        A v1 nonce is refused, as Anaplan has refused it since June 2026,
//        unless --setting anaplan.accept_v1=true
//   POST /token/refresh       Authorization: AnaplanAuthToken <token>
//   POST /token/logout        Authorization: AnaplanAuthToken <token> (204)
// Answers like Anaplan: 201 {"status": "SUCCESS", "tokenInfo": {...}} or 401
// {"status": "FAILURE_BAD_CREDENTIAL", "statusMessage": "..."}.
// Knobs: --setting anaplan.email=E --setting anaplan.password=P (the basic
// user), anaplan.token_lifetime=SECONDS (default 2100, Anaplan's 35 minutes),
// anaplan.max_clock_skew=SECONDS (default 300). POST /admin/anaplan
// {"reply": "refuse_refresh"} makes /token/refresh answer 401 (a token
// revoked at the server), "normal" undoes it. Counters in /admin/stats:
// anaplan.authenticate.basic, anaplan.authenticate.certificate, anaplan.refresh,
// anaplan.logout.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "base64.hpp"
#include "json.hpp"
#include "routes.hpp"
#include "settings.hpp"
#include "tokens.hpp"
#include "vendor_support.hpp"

namespace devserver {
namespace {

constexpr std::int64_t kAnaplanLifetime = 35 * 60;

vendor::ReplyMode reply_mode;

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

void fail(httplib::Response& res, int status, const std::string& code, const std::string& message) {
    send_json(res, status, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("status");
        write_string(w, code);
        w.Key("statusMessage");
        write_string(w, message);
        w.EndObject();
    });
}

void bad_credential(httplib::Response& res, const std::string& message) {
    fail(res, 401, "FAILURE_BAD_CREDENTIAL", message);
}

// A new token for `subject`, answered the way Anaplan does.
void issue(ServerContext& ctx, httplib::Response& res, const std::string& subject) {
    const std::int64_t lifetime = static_cast<std::int64_t>(
        setting_seconds(ctx, "anaplan.token_lifetime", static_cast<double>(kAnaplanLifetime)));
    TokenGrant grant;
    grant.client_id = "anaplan";
    grant.subject = subject;
    grant.expires_at = now_epoch_seconds() + lifetime;
    const std::int64_t expires_at_ms = grant.expires_at * 1000;
    const std::string token = ctx.tokens.issue(std::move(grant));
    const std::string token_id = random_token_value("tid-");
    send_json(res, 201, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("meta");
        w.StartObject();
        w.Key("validationUrl");
        write_string(w, ctx.issuer + "/token/validate");
        w.EndObject();
        w.Key("status");
        w.String("SUCCESS");
        w.Key("statusMessage");
        w.String("Login successful");
        w.Key("tokenInfo");
        w.StartObject();
        w.Key("expiresAt");
        w.Int64(expires_at_ms);
        w.Key("tokenId");
        write_string(w, token_id);
        w.Key("tokenValue");
        write_string(w, token);
        w.Key("refreshTokenId");
        write_string(w, token_id);
        w.EndObject();
        w.EndObject();
    });
}

void authenticate_basic(ServerContext& ctx, const std::string& encoded, httplib::Response& res) {
    const auto decoded = decode_base64(encoded);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
        bad_credential(res, "Malformed Basic credentials");
        return;
    }
    const std::string email = decoded->substr(0, colon);
    const std::string password = decoded->substr(colon + 1);
    const std::string want_email = vendor::setting_or(ctx, "anaplan.email", "");
    const std::string want_password = vendor::setting_or(ctx, "anaplan.password", "");
    ctx.stats.count("anaplan.authenticate.basic");
    if (want_email.empty() || email != want_email || password != want_password) {
        bad_credential(res, "Bad credentials");
        return;
    }
    issue(ctx, res, email);
}

// The certificate's subject, one line, for the token's owner.
std::string subject_of(X509* cert) {
    char buf[256] = {0};
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    return buf;
}

// Big-endian seconds at the front of a v2 nonce.
std::int64_t v2_timestamp(const std::string& data) {
    std::uint64_t seconds = 0;
    for (int i = 0; i < 8; ++i) {
        seconds = (seconds << 8) | static_cast<unsigned char>(data[i]);
    }
    return static_cast<std::int64_t>(seconds);
}

void authenticate_certificate(ServerContext& ctx, const std::string& encoded_cert,
                              const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count("anaplan.authenticate.certificate");
    const auto pem = decode_base64(encoded_cert);
    std::unique_ptr<BIO, BioFree> bio(
        pem ? BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())) : nullptr);
    std::unique_ptr<X509, X509Free> cert(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
        bad_credential(res, "The CACertificate header does not hold a PEM certificate");
        return;
    }
    if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) <= 0 ||
        X509_cmp_current_time(X509_get0_notBefore(cert.get())) >= 0) {
        bad_credential(res, "Certificate is expired or not yet valid");
        return;
    }

    rapidjson::Document body;
    body.Parse(req.body.c_str(), req.body.size());
    auto text = [&](const char* key) -> std::optional<std::string> {
        if (body.HasParseError() || !body.IsObject() || !body.HasMember(key) ||
            !body[key].IsString()) {
            return std::nullopt;
        }
        return std::string(body[key].GetString(), body[key].GetStringLength());
    };
    const auto data_b64 = text("encodedData");
    const auto sig_b64 = text("encodedSignedData");
    const auto data = data_b64 ? decode_base64(*data_b64) : std::nullopt;
    const auto signature = sig_b64 ? decode_base64(*sig_b64) : std::nullopt;
    if (!data || !signature) {
        fail(res, 400, "FAILURE_BAD_REQUEST",
             "encodedData and encodedSignedData must be base64 strings");
        return;
    }
    const std::string format = text("encodedDataFormat").value_or("v1");
    if (format != "v1" && format != "v2") {
        fail(res, 400, "FAILURE_BAD_REQUEST", "Unknown encodedDataFormat");
        return;
    }
    if (format == "v1" && !setting_flag(ctx, "anaplan.accept_v1", false)) {
        bad_credential(res, "encodedDataFormat v1 is no longer accepted; sign a v2 nonce");
        return;
    }

    std::unique_ptr<EVP_PKEY, KeyFree> key(X509_get_pubkey(cert.get()));
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
    const bool verified =
        key && md && EVP_PKEY_base_id(key.get()) == EVP_PKEY_RSA &&
        EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha512(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                         signature->size(), reinterpret_cast<const unsigned char*>(data->data()),
                         data->size()) == 1;
    if (!verified) {
        bad_credential(res,
                       "Signature verification failed: encodedSignedData was not made with the "
                       "certificate's private key");
        return;
    }
    if (format == "v2") {
        const std::int64_t skew =
            static_cast<std::int64_t>(setting_seconds(ctx, "anaplan.max_clock_skew", 300.0));
        if (data->size() < 8 || std::llabs(now_epoch_seconds() - v2_timestamp(*data)) > skew) {
            bad_credential(res, "The encodedData timestamp is not recent");
            return;
        }
    }
    issue(ctx, res, subject_of(cert.get()));
}

void handle_authenticate(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    if (const auto basic = vendor::authorization(req, "Basic")) {
        authenticate_basic(ctx, *basic, res);
    } else if (const auto cert = vendor::authorization(req, "CACertificate")) {
        authenticate_certificate(ctx, *cert, req, res);
    } else {
        bad_credential(res, "Full authentication is required to access this resource");
    }
}

void handle_refresh(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count("anaplan.refresh");
    const auto token = vendor::authorization(req, "AnaplanAuthToken");
    const auto grant = token ? ctx.tokens.lookup(*token) : std::nullopt;
    if (!grant || grant->client_id != "anaplan" || reply_mode.get() == "refuse_refresh") {
        bad_credential(res, "Token is invalid or has expired");
        return;
    }
    issue(ctx, res, grant->subject);
}

void handle_logout(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    ctx.stats.count("anaplan.logout");
    const auto token = vendor::authorization(req, "AnaplanAuthToken");
    TokenFilter filter;
    filter.token = token.value_or("");
    filter.client_id = "anaplan";
    if (!token || token->empty() || ctx.tokens.revoke(filter) == 0) {
        bad_credential(res, "Token is invalid or has expired");
        return;
    }
    res.status = 204;
}

// GET /2/0/users/me: a resource that takes "Authorization: AnaplanAuthToken".
void handle_me(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto token = vendor::authorization(req, "AnaplanAuthToken");
    const auto grant = token ? ctx.tokens.lookup(*token) : std::nullopt;
    if (!grant || grant->client_id != "anaplan") {
        bad_credential(res, "Token is invalid or has expired");
        return;
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("user");
        w.StartObject();
        w.Key("email");
        write_string(w, grant->subject);
        w.EndObject();
        w.EndObject();
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    server.Post("/token/authenticate", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_authenticate(ctx, req, res);
    });
    server.Post("/token/refresh", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_refresh(ctx, req, res);
    });
    server.Post("/token/logout", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_logout(ctx, req, res);
    });
    server.Get("/2/0/users/me", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_me(ctx, req, res);
    });
    vendor::install_reply_switch(server, "/admin/anaplan", reply_mode,
                                 {"normal", "refuse_refresh"});
}

}  // namespace
}  // namespace devserver

static const devserver::RouteModule kModule{"vendor_anaplan", devserver::install};
