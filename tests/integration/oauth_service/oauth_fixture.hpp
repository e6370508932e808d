// What the OAuth provider tests share: keys made with the openssl CLI, the
// dev server started with per-test flags, form POSTs to it, and a canned
// HTTP server for answers the dev server never gives (a redirect to another
// host, an HTML page, a closed connection).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli_test.hpp"

namespace latchkey::itest {

// Passphrase of keys().rsa_encrypted; must never be printed.
inline const std::string kKeyPassphrase = "k3y-pass-Integ-90aa";

// PEM files made once per test program in a private temporary directory.
struct TestKeys {
    std::string rsa, rsa_pub;              // RSA 2048
    std::string ec, ec_pub;                // EC P-256
    std::string rsa_encrypted;             // rsa, encrypted with kKeyPassphrase
    std::string other_rsa, other_rsa_pub;  // a key the server does not know
    std::string not_a_key;                 // a file that is not PEM
    std::string ca_cert;                   // a CA that signed the three below
    std::string server_cert, server_key;   // for 127.0.0.1
    std::string client_cert, client_key;   // subject CN=tls-app,O=Latchkey Test
    std::string client_key_encrypted;      // client_key, encrypted with kKeyPassphrase
};
const TestKeys& keys();

// POSTs form fields (already encoded pairs are encoded here) to `url`.
test::HttpResult post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& basic_user = "",
                           const std::string& basic_password = "");

// Stands for the canned server's own URL in its answers.
inline constexpr const char* kSelfUrl = "{{SELF}}";

// A server on 127.0.0.1 that reads each request and answers with fixed raw
// bytes: those given for the request's path, else `fallback` ("" closes the
// connection without a word). kSelfUrl in an answer becomes url().
class CannedServer {
 public:
    explicit CannedServer(std::string fallback, std::map<std::string, std::string> by_path = {});
    ~CannedServer();
    CannedServer(const CannedServer&) = delete;
    CannedServer& operator=(const CannedServer&) = delete;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int requests() const { return requests_.load(); }
    // Request paths in arrival order.
    std::vector<std::string> paths() const;
    // Request bodies in arrival order.
    std::vector<std::string> bodies() const;

 private:
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> paths_;
    std::vector<std::string> bodies_;
    std::thread thread_;
};

// The value of `name` in a form-encoded body, decoded ("" when absent).
std::string form_value(const std::string& body, const std::string& name);

// Part `index` of a JWS-compact JWT (0 the header, 1 the claims), parsed; a
// null document when it is not one.
rapidjson::Document jwt_part(const std::string& jwt, int index);

// An HTTP/1.1 response with `status`, a body and extra header lines.
std::string raw_response(int status, const std::string& content_type, const std::string& body,
                         const std::string& extra_headers = "");

// A CliTest whose dev server each test starts with the flags it needs.
class OAuthTest : public CliTest {
 protected:
    OAuthTest();

    // Starts the dev server with the two standard clients and `extra` flags.
    void start(const std::vector<std::string>& extra = {});
    test::DevServer& server() { return *server_; }
    std::string url() const { return server_->url(); }

    // `[sites.NAME]` with `provider` and the lines in `body`.
    static std::string site(const std::string& name, const std::string& provider,
                            const std::string& body);
    // The standard client's id and secret (from the environment), for sites.
    static std::string client_lines();

    // A new refresh token the dev server issued to `client` (through its
    // admin endpoint), registered as never to be printed.
    std::string seed_refresh_token(const std::string& client = kClient);

    // GET /api/whoami with `token` as a Bearer token: 200 when the server takes it.
    long whoami_status(const std::string& token) const;

    // The stats member `clients.ID.KEY...` as an int (0 when absent).
    int client_stat(const std::string& client, const std::string& group, const std::string& key);

    std::unique_ptr<test::DevServer> server_;
};

}  // namespace latchkey::itest
