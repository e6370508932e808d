// ABI 1.3 host services, seen as a user sees them: `latchkey token` and
// `latchkey status` on a site served by test-kit, a provider that uses
// nothing but those services, against a token endpoint run by the test.
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <mutex>
#include <thread>

#include "cli_test.hpp"
#include "unsigned_jwt.hpp"

namespace latchkey::itest {
namespace {

const std::string kPluginDir = std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/kit";
const std::string kToken = "ghs_KitServices7e1d";

// A token endpoint on 127.0.0.1 that answers every POST with what the test
// set, and keeps the Authorization header it got.
class TokenEndpoint {
 public:
    TokenEndpoint() {
        server_.Post("/token", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu_);
            authorization_ = req.get_header_value("Authorization");
            res.status = status_;
            for (auto& [k, v] : headers_) res.set_header(k, v);
            res.set_content(body_, "application/json");
        });
        // Listening once bound: a connection made before the thread accepts waits.
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~TokenEndpoint() {
        server_.stop();
        thread_.join();
    }
    void answer(int status, std::string body, std::map<std::string, std::string> headers = {}) {
        std::lock_guard lock(mu_);
        status_ = status, body_ = std::move(body), headers_ = std::move(headers);
    }
    std::string authorization() {
        std::lock_guard lock(mu_);
        return authorization_;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }

 private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    std::mutex mu_;
    int status_ = 200;
    std::string body_;
    std::map<std::string, std::string> headers_;
    std::string authorization_;
};

class KitServices : public CliTest {
 protected:
    void site(const std::string& extra = "") {
        write_policy("[sites.gh]\nprovider = \"test-kit\"\nurl = \"" + endpoint_.url() +
                     "\"\napp_id = \"app \\\"7\\\"\\n\"\n" + extra);
    }
    RunResult kit(std::vector<std::string> args) {
        args.insert(args.begin(), {"--plugin-dir", kPluginDir});
        return lk(args);
    }
    std::string make_key() {
        const std::string key = sandbox_.file("app.pem");
        auto r = test::run({"/usr/bin/openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", key});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return key;
    }
    void answer_ok(const std::string& expires_at = "2030-01-31T12:00:00Z") {
        endpoint_.answer(200, "{\"token\":\"" + kToken + "\",\"expires_at\":\"" + expires_at +
                                  "\",\"permissions\":{\"contents\":\"read\",\"issues\":"
                                  "[\"write\"]},\"repositories_count\":3.0}");
    }

    TokenEndpoint endpoint_;
};

TEST_F(KitServices, ReadsTheAnswerWithTheHostsJsonAndTimeServices) {
    site();
    answer_ok("2030-01-31T14:00:00.250+02:00");
    token_like(kToken);
    auto token = kit({"token"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    EXPECT_EQ(token.out, kToken + "\n");

    auto status = kit({"-o", "json", "status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    auto doc = parse_json(status.out);
    const auto& s = doc["sites"][0];
    EXPECT_EQ(s["expires_at_ms"].GetInt64(), 1896091200250);  // 12:00:00.250 UTC
    // A typed extra is an object in the JSON output, not a string holding one.
    ASSERT_TRUE(s["extras"]["permissions"].IsObject()) << status.out;
    EXPECT_EQ(json_string(s["extras"]["permissions"], "contents"), "read");
    EXPECT_EQ(std::string(s["extras"]["permissions"]["issues"][0].GetString()), "write");
    EXPECT_EQ(json_string(s["extras"], "repositories"), "3");
    EXPECT_EQ(json_string(s["extras"], "expires"), "Thu, 31 Jan 2030 12:00:00 GMT");
}

// In a helper process (isolation = "process") the services are the helper's
// and the typed extra crosses back as JSON.
TEST_F(KitServices, TypedExtrasCrossFromAProviderHelperProcess) {
    site("isolation = \"process\"\n");
    answer_ok();
    token_like(kToken);
    ASSERT_EQ(kit({"token"}).exit_code, 0);
    auto status = kit({"-o", "json", "status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    auto doc = parse_json(status.out);
    ASSERT_TRUE(doc["sites"][0]["extras"]["permissions"].IsObject()) << status.out;
    EXPECT_EQ(json_string(doc["sites"][0]["extras"]["permissions"], "contents"), "read");
}

TEST_F(KitServices, SignsTheAppJwtWithTheHostsKey) {
    const std::string key = make_key();
    site("private_key_file = \"" + key + "\"\n");
    answer_ok();
    token_like(kToken);
    ASSERT_EQ(kit({"token"}).exit_code, 0);

    const std::string auth = endpoint_.authorization();
    ASSERT_EQ(auth.rfind("Bearer ", 0), 0u) << auth;
    const std::string jwt = auth.substr(7);
    const size_t a = jwt.find('.'), b = jwt.find('.', a + 1);
    ASSERT_NE(b, std::string::npos) << jwt;
    EXPECT_EQ(jwt.find('='), std::string::npos) << "base64url without padding: " << jwt;
    auto header = parse_json(base64url_decode(jwt.substr(0, a)));
    EXPECT_EQ(json_string(header, "alg"), "RS256");
    EXPECT_EQ(json_string(header, "typ"), "JWT");
    EXPECT_EQ(json_string(header, "kid"), "test-kit");
    // The writer escaped the quotes and the newline of app_id.
    auto claims = parse_json(base64url_decode(jwt.substr(a + 1, b - a - 1)));
    EXPECT_EQ(json_string(claims, "iss"), "app \"7\"\n");
    EXPECT_EQ(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 540);

    // The signature verifies with the key's public half.
    FILE* f = std::fopen(key.c_str(), "r");
    ASSERT_NE(f, nullptr);
    EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    ASSERT_NE(pkey, nullptr);
    const std::string input = jwt.substr(0, b);
    const std::string sig = base64url_decode(jwt.substr(b + 1));
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ASSERT_EQ(EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey), 1);
    EXPECT_EQ(EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(input.data()), input.size()),
              1);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
}

TEST_F(KitServices, AMissingKeyIsNamedOnceWithTheSite) {
    site("private_key_file = \"" + sandbox_.file("absent.pem") + "\"\n");
    answer_ok();
    auto r = kit({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("absent.pem"), std::string::npos) << r.err;
    const size_t first = r.err.find("site 'gh'");
    ASSERT_NE(first, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("site 'gh'", first + 1), std::string::npos) << r.err;
}

// "site 'NAME': " is the host's to add; the sign service's own error and the
// api-key provider's once carried it too, so it printed twice.
int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST_F(KitServices, TheSignServicesErrorNamesTheSiteOnce) {
    write_policy("[sites.svc]\nprovider = \"test-services\"\nevents_file = \"" +
                 sandbox_.file("events.txt") + "\"\nkey_file = \"" + sandbox_.file("absent.pem") +
                 "\"\n");
    auto r = lk({"--plugin-dir", std::string(LATCHKEY_TEST_PLUGIN_DIR) + "/services", "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("absent.pem"), std::string::npos) << r.err;
    EXPECT_EQ(count(r.err, "site 'svc'"), 1) << r.err;
}

TEST_F(KitServices, TheApiKeyProvidersErrorsNameTheSiteOnce) {
    write_policy(
        "[sites.api]\nprovider = \"api-key\"\napi_key = \"ak-Kit-51d2\"\n"
        "header = \"no header name\"\n");
    never_print("ak-Kit-51d2");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("option 'header'"), std::string::npos) << r.err;
    EXPECT_EQ(count(r.err, "site 'api'"), 1) << r.err;
}

TEST_F(KitServices, MalformedJsonIsAClearErrorNotACrash) {
    site();
    never_print("leaky-secret-in-body");
    for (const std::string body :
         {"{\"token\": \"leaky-secret-in-body\"",
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]",
          "<html>502</html>", "{\"token\": 7, \"expires_at\": \"2030-01-31T12:00:00Z\"}",
          "{\"token\": \"leaky-secret-in-body\", \"expires_at\": \"31/01/2030\"}"}) {
        endpoint_.answer(200, body);
        auto r = kit({"token"});
        EXPECT_EQ(r.exit_code, 1) << body << "\n" << r.err;
        EXPECT_NE(r.err.find("site 'gh'"), std::string::npos) << r.err;
    }
    endpoint_.answer(200, "{\"token\": \"x\"");
    EXPECT_NE(kit({"token"}).err.find("the answer is not JSON: "), std::string::npos);
    endpoint_.answer(200, "{\"token\": 7}");
    EXPECT_NE(kit({"token"}).err.find("the answer has a number at '/token', not a string"),
              std::string::npos);
    endpoint_.answer(200, "{\"token\": \"t\", \"expires_at\": \"31/01/2030\"}");
    EXPECT_NE(kit({"token"}).err.find("not an RFC 3339 date-time"), std::string::npos);
}

TEST_F(KitServices, HttpStatusesMapToTheirCategory) {
    site();
    endpoint_.answer(404, "{}");
    auto r = kit({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("the token endpoint answered HTTP 404 Not Found: no such endpoint"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("latchkey config check --at gh"), std::string::npos) << r.err;

    endpoint_.answer(401, "{}");
    r = kit({"token"});
    EXPECT_NE(r.err.find("HTTP 401 Unauthorized: the credentials were refused"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("check the credentials configured for this site"), std::string::npos);

    endpoint_.answer(422, "{}");
    r = kit({"token"});
    EXPECT_NE(r.err.find("HTTP 422 Unprocessable Content"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("latchkey config check --at gh"), std::string::npos) << r.err;

    endpoint_.answer(429, "{}", {{"Retry-After", "7"}});
    r = kit({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("HTTP 429 Too Many Requests: try again later (the server asked to wait "
                         "7 s)"),
              std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
