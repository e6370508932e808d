// The anaplan provider against the dev server's Anaplan-style token service:
// basic and certificate logins (v1 and v2 nonces, encrypted keys), the
// AnaplanAuthToken header, refresh through /token/refresh, and the failures a
// user meets (wrong password, a key that does not match the certificate),
// each with the server's statusMessage and the stored credential kept.
#include <chrono>
#include <thread>

#include "vendor_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kEmail = "planner@example.test";
const std::string kPassword = "Anaplan-Pw-3e9a71";
const std::string kPasswordVar = "ANAPLAN_TEST_PASSWORD";

class Anaplan : public VendorTest {
 protected:
    // The server refuses v1 nonces, as Anaplan does since June 2026, unless
    // `accept_v1`.
    explicit Anaplan(int token_lifetime = 2100, bool accept_v1 = false)
        : VendorTest({"--setting", "anaplan.email=" + kEmail, "--setting",
                      "anaplan.password=" + kPassword, "--setting",
                      "anaplan.token_lifetime=" + std::to_string(token_lifetime), "--setting",
                      std::string("anaplan.accept_v1=") + (accept_v1 ? "true" : "false")}) {
        env_[kPasswordVar] = kPassword;
        never_print(kPassword);
    }

    void write_basic_policy(const std::string& extra = "") {
        write_policy(
            "[sites.anaplan]\n"
            "provider = \"anaplan\"\n"
            "base_url = \"" +
            server_.url() +
            "\"\n"
            "email = \"" +
            kEmail +
            "\"\n"
            "password = { env = \"" +
            kPasswordVar + "\" }\n" + extra);
    }

    void write_certificate_policy(const CertificateFiles& f, const std::string& extra = "") {
        write_policy(
            "[sites.anaplan]\n"
            "provider = \"anaplan\"\n"
            "base_url = \"" +
            server_.url() +
            "\"\n"
            "certificate_file = \"" +
            f.certificate +
            "\"\n"
            "private_key_file = \"" +
            f.private_key + "\"\n" + extra);
    }

    // GET /2/0/users/me with the header line `token --header` prints.
    std::string user_of(const std::string& header_line) {
        auto r = get("/2/0/users/me", header_line);
        EXPECT_EQ(r.status, 200) << r.body;
        auto d = parse_json(r.body);
        return d.IsObject() && d.HasMember("user") ? json_string(d["user"], "email") : "";
    }
};

TEST_F(Anaplan, BasicLoginServesAnAnaplanAuthTokenHeader) {
    write_basic_policy();
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string line = first_line(r.out);
    EXPECT_EQ(line.rfind("Authorization: AnaplanAuthToken dev-at-", 0), 0u) << line;
    EXPECT_EQ(user_of(line), kEmail);
    EXPECT_EQ(counter("anaplan.authenticate.basic"), 1u);

    // Served from the store the second time.
    EXPECT_EQ("Authorization: AnaplanAuthToken " + token(), line);
    EXPECT_EQ(counter("anaplan.authenticate.basic"), 1u);
}

TEST_F(Anaplan, LogoutEndsTheTokenAtAnaplan) {
    write_basic_policy();
    const std::string line = "Authorization: AnaplanAuthToken " + token();
    EXPECT_EQ(get("/2/0/users/me", line).status, 200);
    auto r = lk({"logout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(counter("anaplan.logout"), 1u);
    EXPECT_EQ(get("/2/0/users/me", line).status, 401);
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

// The default nonce is v2: this server refuses v1.
TEST_F(Anaplan, CertificateLoginSignsANonceTheServerVerifies) {
    auto f = make_certificate("anaplan", "anaplan-integration");
    write_certificate_policy(f);
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(user_of(first_line(r.out)), "/CN=anaplan-integration");
    EXPECT_EQ(counter("anaplan.authenticate.certificate"), 1u);
    EXPECT_EQ(counter("anaplan.authenticate.basic"), 0u);
}

// A v1 nonce where the server takes one still signs correctly; where it does
// not (Anaplan since June 2026), the server's refusal is what the user reads.
class AnaplanAcceptingV1 : public Anaplan {
 protected:
    AnaplanAcceptingV1() : Anaplan(2100, true) {}
};

TEST_F(AnaplanAcceptingV1, V1NonceIsStillSignedWhenAsked) {
    auto f = make_certificate("v1", "anaplan-v1");
    write_certificate_policy(f, "encoded_data_format = \"v1\"\n");
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(user_of(first_line(r.out)), "/CN=anaplan-v1");
}

TEST_F(Anaplan, V1NonceRefusedByTheServerSaysWhy) {
    auto f = make_certificate("v1", "anaplan-v1");
    write_certificate_policy(f, "encoded_data_format = \"v1\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("encodedDataFormat v1 is no longer accepted"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("anaplan"), std::string::npos) << r.err;
}

TEST_F(Anaplan, V2NonceWithAnEncryptedKey) {
    const std::string passphrase = "Key-Pass-81c2d0";
    never_print(passphrase);
    auto f = make_certificate("v2", "anaplan-v2", passphrase);
    write_certificate_policy(f,
                             "encoded_data_format = \"v2\"\n"
                             "private_key_passphrase = { env = \"ANAPLAN_KEY_PASS\" }\n");
    auto r = lk({"token", "--header"}, {{"ANAPLAN_KEY_PASS", passphrase}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(user_of(first_line(r.out)), "/CN=anaplan-v2");

    // The wrong passphrase is the user's mistake, named as such.
    auto bad = lk({"login", "--force"}, {{"ANAPLAN_KEY_PASS", "not-the-pass-4410"}});
    EXPECT_EQ(bad.exit_code, 1) << bad.err;
    EXPECT_NE(bad.err.find("anaplan"), std::string::npos) << bad.err;
    never_print("not-the-pass-4410");
}

// Tokens live 4 s on this server.
class ShortAnaplanToken : public Anaplan {
 protected:
    ShortAnaplanToken() : Anaplan(4) {}
};

TEST_F(ShortAnaplanToken, RefreshGoesThroughTokenRefresh) {
    // Refresh 3 s before expiry, i.e. after 1 s.
    write_basic_policy("refresh_before = \"3s\"\n");
    const std::string first = token();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const std::string second = token();
    EXPECT_NE(first, second);
    EXPECT_EQ(counter("anaplan.refresh"), 1u);
    EXPECT_EQ(counter("anaplan.authenticate.basic"), 1u);
    EXPECT_EQ(user_of("Authorization: AnaplanAuthToken " + second), kEmail);
}

TEST_F(ShortAnaplanToken, ARefusedRefreshMeansANewLogin) {
    write_basic_policy("refresh_before = \"3s\"\n");
    const std::string first = token();
    reply("anaplan", "refuse_refresh");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const std::string second = token();
    EXPECT_NE(first, second);
    EXPECT_EQ(counter("anaplan.refresh"), 1u);
    EXPECT_EQ(counter("anaplan.authenticate.basic"), 2u);
    EXPECT_EQ(user_of("Authorization: AnaplanAuthToken " + second), kEmail);
}

TEST_F(Anaplan, WrongPasswordShowsTheServerMessageAndKeepsTheStoredToken) {
    write_basic_policy();
    const std::string kept = token();
    const std::string wrong = "Wrong-Pw-77d1b2";
    never_print(wrong);

    auto r = lk({"login", "--force"}, {{kPasswordVar, wrong}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("site 'anaplan'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Bad credentials"), std::string::npos) << r.err;

    EXPECT_EQ(token(), kept);
}

TEST_F(Anaplan, KeyThatDoesNotMatchTheCertificateIsRefusedByTheServer) {
    auto f = make_certificate("good", "anaplan-good");
    auto other = make_certificate("other", "anaplan-other");
    write_certificate_policy(f);
    const std::string kept = token();

    auto r = lk({"--set", "private_key_file=" + other.private_key, "login", "--force"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("Signature verification failed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("site 'anaplan'"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("PRIVATE KEY"), std::string::npos) << r.err;

    EXPECT_EQ(token(), kept);
}

TEST_F(Anaplan, MissingCertificateFileIsAPolicyError) {
    write_certificate_policy({sandbox_.file("absent.pem"), sandbox_.file("absent-key.pem")});
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("cannot read the certificate file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
