// A token endpoint (and the documents around it) answering as an attacker
// would: JSON nested 300 000 levels deep, well inside the 1 MiB body cap (a
// recursive parser overflows the stack on it); an access token or token type
// carrying CR LF (header injection) or \u0000 (a silently shortened token);
// an expires_in that overflows as milliseconds. Each ends in exit 1 with a
// message naming the site and what was wrong, never in a crash, never with
// the injected text on any output, and nothing stored.
#include <openssl/evp.h>

#include <filesystem>

#include "../unsigned_jwt.hpp"
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kDeep(300'000, '[');
const std::string kSeedVar = "INTEG_SEED_RT";
const std::string kSeed = "seed-Integ-rt-0d5e7a";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// An unsigned JWT whose claims are `claims_json` (latchkey never checks the
// signature: it only reads the claims).
std::string jwt_with_claims(const std::string& claims_json) {
    return base64url("{\"alg\":\"none\"}") + "." + base64url(claims_json) + ".c2ln";
}

std::string json_answer(const std::string& body) {
    return raw_response(200, "application/json", body);
}

class HostileAnswer : public OAuthTest {
 protected:
    // A client-credentials site `cc` whose endpoints are `server`'s; `extra`
    // lines go inside the table.
    void write_site(const CannedServer& server, const std::string& extra = "") {
        write_policy(site("cc", "oauth2-client-credentials",
                          "token_url = \"" + server.url() + "/token\"\n" + client_lines() + extra));
    }

    // A refresh-token site `rt` (a provider with discovery and whoami) whose
    // endpoint lines are `endpoints`.
    void write_rt_site(const std::string& endpoints) {
        env_[kSeedVar] = kSeed;
        never_print(kSeed);
        write_policy(
            site("rt", "oauth2-refresh-token",
                 endpoints + client_lines() + "refresh_token = { env = \"" + kSeedVar + "\" }\n"));
    }

    // Runs `latchkey ARGS`, which must fail with exit 1 (not a signal) and
    // print nothing on standard output.
    RunResult failing(const std::vector<std::string>& args) {
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 1) << join_args(args) << ":\n" << r.err;
        EXPECT_EQ(r.out, "");
        return r;
    }

    // True when the file store holds any credential.
    bool anything_stored() const {
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(state_dir(), ec))
            if (e.path().extension() == ".json") return true;
        return false;
    }
};

TEST_F(HostileAnswer, ATokenAnswerNestedThreeHundredThousandLevelsIsRefused) {
    CannedServer s(json_answer(kDeep));
    write_site(s);
    auto r = failing({"token"});
    EXPECT_TRUE(has(r.err, "site 'cc': token endpoint " + s.url() +
                               "/token returned an invalid response: nested deeper than 64 "
                               "levels at offset 64"))
        << r.err;
    EXPECT_FALSE(anything_stored());
}

TEST_F(HostileAnswer, AnErrorAnswerNestedThreeHundredThousandLevelsIsRefused) {
    CannedServer s(raw_response(400, "application/json", "{\"error\":" + kDeep));
    write_site(s);
    auto r = failing({"token"});
    EXPECT_TRUE(has(r.err, "token endpoint " + s.url() + "/token answered HTTP 400")) << r.err;
}

TEST_F(HostileAnswer, CrLfInTheAccessTokenIsRefusedNotSentAsAHeader) {
    never_print("X-Injected");
    CannedServer s(json_answer(
        R"({"access_token": "abc\r\nX-Injected: yes", "token_type": "Bearer", "expires_in": 3600})"));
    write_site(s);
    for (auto args : {std::vector<std::string>{"token", "--header"}, {"token"}}) {
        auto r = failing(args);
        EXPECT_TRUE(has(r.err,
                        "site 'cc': the credential from provider oauth2-client-credentials was "
                        "refused: its token contains a control character (such as a line break "
                        "or NUL), which cannot be sent in an HTTP header; the server sent a "
                        "malformed token, and nothing was stored"))
            << r.err;
    }
    EXPECT_FALSE(anything_stored());
}

TEST_F(HostileAnswer, CrLfInTheTokenTypeIsRefused) {
    never_print("X-Injected");
    token_like("tok-Integ-crlf-type");
    CannedServer s(json_answer(
        R"({"access_token": "tok-Integ-crlf-type", "token_type": "Bearer\r\nX-Injected: yes"})"));
    write_site(s);
    auto r = failing({"token", "--header"});
    EXPECT_TRUE(has(r.err,
                    "site 'cc': the credential from provider oauth2-client-credentials was "
                    "refused: its token type contains a control character"))
        << r.err;
    EXPECT_TRUE(has(r.err, "the server sent a malformed token")) << r.err;
    EXPECT_FALSE(anything_stored());
}

TEST_F(HostileAnswer, ANulInTheAccessTokenIsRefusedNotCutShort) {
    // Cut at the NUL, "abc" would have been served as if it were the token.
    never_print("tail-Integ-after-nul");
    CannedServer s(json_answer(
        R"({"access_token": "abc\u0000tail-Integ-after-nul", "token_type": "Bearer"})"));
    write_site(s);
    auto r = failing({"token", "--header"});
    EXPECT_TRUE(has(r.err, "site 'cc': token endpoint " + s.url() +
                               "/token returned an invalid response: a string holds a NUL "
                               "character (\\u0000) at offset"))
        << r.err;
    EXPECT_FALSE(anything_stored());
}

TEST_F(HostileAnswer, ANulInTheTokenTypeIsRefused) {
    token_like("tok-Integ-nul-type");
    CannedServer s(
        json_answer(R"({"access_token": "tok-Integ-nul-type", "token_type": "Bearer\u0000x"})"));
    write_site(s);
    auto r = failing({"token", "--header"});
    EXPECT_TRUE(has(r.err, "a string holds a NUL character (\\u0000)")) << r.err;
}

TEST_F(HostileAnswer, AnExpiresInThatOverflowsIsRefused) {
    // 9.3e15 s is 9.3e18 ms: past INT64_MAX, so the expiry used to wrap into
    // the past ("expired 105865093445d ago").
    for (std::string expires_in : {"9300000000000000", "1e300"}) {
        token_like("tok-Integ-long-life");
        CannedServer s(json_answer(R"({"access_token": "tok-Integ-long-life", "expires_in": )" +
                                   expires_in + "}"));
        write_site(s);
        auto r = failing({"token"});
        EXPECT_TRUE(has(r.err, "token endpoint " + s.url() +
                                   "/token returned an invalid response: expires_in " + expires_in +
                                   " ends after the year 9999; it is not a lifetime in seconds"))
            << r.err;
        EXPECT_FALSE(anything_stored());
    }
}

TEST_F(HostileAnswer, AnIdTokenWithDeeplyNestedClaimsDoesNotCrashTheLogin) {
    const std::string access = "tok-Integ-deep-id";
    token_like(access);
    never_print(jwt_with_claims(kDeep).substr(0, 40));
    CannedServer s(json_answer(R"({"access_token": ")" + access +
                               R"(", "token_type": "Bearer", "expires_in": 3600, "id_token": ")" +
                               jwt_with_claims(kDeep) + "\"}"));
    write_site(s);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, access + "\n");
    // Claims that cannot be read are not kept: status shows none.
    auto st = lk({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.err;
    EXPECT_FALSE(has(st.out, "id_token_claims")) << st.out;
}

TEST_F(HostileAnswer, WhoamiOnAJwtWithDeeplyNestedClaimsFailsCleanly) {
    const std::string access = jwt_with_claims("{\"sub\":" + kDeep + "}");
    token_like(access);
    CannedServer s(json_answer(R"({"access_token": ")" + access + R"(", "expires_in": 3600})"));
    write_rt_site("token_url = \"" + s.url() + "/token\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto r = failing({"whoami"});
    EXPECT_TRUE(has(r.err, "the access token is opaque and no userinfo endpoint is known"))
        << r.err;
}

TEST_F(HostileAnswer, ADeeplyNestedUserinfoAnswerIsRefused) {
    token_like("tok-Integ-userinfo");
    CannedServer s(json_answer(R"({"access_token": "tok-Integ-userinfo", "expires_in": 3600})"),
                   {{"/userinfo", json_answer(kDeep)}});
    write_rt_site("token_url = \"" + s.url() + "/token\"\nuserinfo_url = \"" + s.url() +
                  "/userinfo\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto r = failing({"whoami"});
    EXPECT_TRUE(has(r.err, "site 'rt': the userinfo endpoint " + s.url() +
                               "/userinfo did not answer with a JSON object: nested deeper than "
                               "64 levels at offset 64"))
        << r.err;
}

TEST_F(HostileAnswer, ADeeplyNestedDiscoveryDocumentIsRefused) {
    CannedServer s("", {{"/.well-known/openid-configuration", json_answer(kDeep)}});
    write_rt_site("issuer = \"" + s.url() + "\"\n");
    auto r = failing({"token"});
    EXPECT_TRUE(has(r.err, "discovery at " + s.url() +
                               "/.well-known/openid-configuration did not answer with a JSON "
                               "object (application/json: nested deeper than 64 levels at "
                               "offset 64)"))
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
