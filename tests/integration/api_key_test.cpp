// The api-key provider through the CLI: the key from the environment or a
// file, a custom header, and JWT keys whose exp claim sets (or ends) their life.
#include <openssl/evp.h>

#include <chrono>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

int64_t now_s() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// base64url without padding (RFC 7515 §2), by OpenSSL plus the alphabet swap.
std::string base64url(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

// An unsigned-looking JWS compact JWT with the given exp (the signature is
// junk: a client never verifies it).
std::string jwt_with_exp(int64_t exp) {
    return base64url(R"({"alg":"HS256","typ":"JWT"})") + "." +
           base64url(R"({"sub":"integration","exp":)" + std::to_string(exp) + "}") + "." +
           base64url("not-a-real-signature");
}

class ApiKey : public CliTest {
   protected:
    const std::string key_ = "ak-Integ-3b9d1e0c77";

    void SetUp() override { token_like(key_); }

    void write_key_policy(const std::string& key_line, const std::string& extra = "") {
        write_policy("[sites.api]\nprovider = \"api-key\"\n" + key_line + "\n" + extra);
    }
};

TEST_F(ApiKey, KeyFromTheEnvironment) {
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }");
    env_["INTEG_API_KEY"] = key_;
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, key_ + "\n");

    auto h = lk({"token", "--header"});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    EXPECT_EQ(h.out, "Authorization: Bearer " + key_ + "\n");

    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("does not expire"), std::string::npos) << st.out;

    auto ex = lk({"config", "explain"});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    EXPECT_NE(ex.out.find("****"), std::string::npos) << ex.out;
    EXPECT_NE(ex.out.find("via env INTEG_API_KEY"), std::string::npos) << ex.out;
}

TEST_F(ApiKey, MissingEnvironmentVariableIsAPolicyError) {
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(policy() + ":3:11"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("INTEG_API_KEY is not set"), std::string::npos) << r.err;
}

TEST_F(ApiKey, KeyFromAFileWithoutItsTrailingNewline) {
    std::string file = sandbox_.write("secrets/api.key", key_ + "\n");
    write_key_policy("api_key = { file = \"" + file + "\" }");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, key_ + "\n");

    auto ex = lk({"config", "explain"});
    EXPECT_NE(ex.out.find("via file " + file), std::string::npos) << ex.out;
}

TEST_F(ApiKey, UnreadableKeyFileNamesTheFile) {
    std::string file = sandbox_.file("secrets/missing.key");
    write_key_policy("api_key = { file = \"" + file + "\" }");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(policy() + ":3:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
}

TEST_F(ApiKey, CustomHeader) {
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }", "header = \"X-API-Key: {token}\"\n");
    env_["INTEG_API_KEY"] = key_;
    auto h = lk({"token", "--header"});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    EXPECT_EQ(h.out, "X-API-Key: " + key_ + "\n");
    auto t = lk({"token"});
    EXPECT_EQ(t.out, key_ + "\n");
}

TEST_F(ApiKey, CustomHeaderIsAcceptedByARealServer) {
    // The dev server's /api/whoami takes a token it issued in X-API-Key, so a
    // token from the dev server is a working API key.
    test::DevServer server(devserver_clients());
    never_print(kSecret);
    write_policy("[sites.cc]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
                 server.token_url() + "\"\nclient_id = \"" + kClient +
                 "\"\nclient_secret = { env = \"" + kSecretVar +
                 "\" }\n\n"
                 "[sites.api]\nprovider = \"api-key\"\napi_key = { env = \"INTEG_API_KEY\" }\n"
                 "header = \"X-API-Key: {token}\"\n");
    env_[kSecretVar] = kSecret;
    auto cc = lk({"--at", "cc", "token"});
    ASSERT_EQ(cc.exit_code, 0) << cc.err;
    std::string issued = first_line(cc.out);

    auto h = lk({"--at", "api", "token", "--header"}, {{"INTEG_API_KEY", issued}});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    EXPECT_EQ(first_line(h.out), "X-API-Key: " + issued);
    auto who = test::http_get(server.url() + "/api/whoami", first_line(h.out));
    EXPECT_EQ(who.status, 200) << who.body;
}

TEST_F(ApiKey, ChangedHeaderTakesEffect) {
    write_key_policy("api_key = \"" + key_ + "\"", "header = \"X-Old: {token}\"\n");
    auto old_header = lk({"token", "--header"});
    ASSERT_EQ(old_header.exit_code, 0) << old_header.err;
    EXPECT_EQ(old_header.out, "X-Old: " + key_ + "\n");

    // The user edits the policy: `sites show` has the new header at once...
    write_key_policy("api_key = \"" + key_ + "\"", "header = \"X-New: {token}\"\n");
    auto show = lk({"sites", "show"});
    ASSERT_NE(show.out.find("X-New: {token}"), std::string::npos) << show.out;
    // ...and so must the credential it presents.
    // (Once served the stale "X-Old" record from the store forever: the
    // header's shape is stored with the credential, so it must be part of
    // the storage key.)
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "X-New: " + key_ + "\n");
    auto set = lk({"--set", "header=X-Set: {token}", "token", "--header"});
    EXPECT_EQ(set.out, "X-Set: " + key_ + "\n");
}

TEST_F(ApiKey, BadHeaderTemplateIsAPolicyError) {
    write_key_policy("api_key = \"" + key_ + "\"", "header = \"no colon here\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("header"), std::string::npos) << r.err;
}

TEST_F(ApiKey, ExpiredJwtKeyFailsSayingSo) {
    std::string jwt = jwt_with_exp(now_s() - 3600);
    token_like(jwt);
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }");
    env_["INTEG_API_KEY"] = jwt;
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("api"), std::string::npos) << r.err;

    // Nothing was stored.
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(ApiKey, JwtKeyExpiryShowsInStatus) {
    int64_t exp = now_s() + 2 * 3600;
    std::string jwt = jwt_with_exp(exp);
    token_like(jwt);
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }");
    env_["INTEG_API_KEY"] = jwt;
    auto r = lk({"-o", "json", "token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(json_string(d, "token"), jwt);
    EXPECT_EQ(d["expires_at_ms"].GetInt64(), exp * 1000);

    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("valid, expires in 1h 59m"), std::string::npos) << st.out;
}

TEST_F(ApiKey, JwtExpiryCanBeIgnored) {
    std::string jwt = jwt_with_exp(now_s() - 3600);
    token_like(jwt);
    write_key_policy("api_key = { env = \"INTEG_API_KEY\" }", "jwt_expiry = false\n");
    env_["INTEG_API_KEY"] = jwt;
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, jwt + "\n");
}

}  // namespace
}  // namespace latchkey::itest
