// Faults injected on the dev server's token endpoint, as a user of the CLI
// sees them: what is retried, what fails at once, what the message says, and
// that a failed fetch never damages the credential already stored.
#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

using Clock = std::chrono::steady_clock;

class Faults : public DevServerTest {
 protected:
    void SetUp() override { write_cc_policy(); }

    int issued() const { return server_.issued(kClient); }
};

// ---- transient answers are retried ----------------------------------------

TEST_F(Faults, Http500OnceIsRetried) {
    server_.fault("500", 1);
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 1);
    EXPECT_EQ(token_requests(), 2);
    EXPECT_EQ(whoami("Authorization: Bearer " + first_line(r.out)).status, 200);
}

TEST_F(Faults, Http503OnceIsRetried) {
    server_.fault("503", 1);
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 1);
    EXPECT_EQ(token_requests(), 2);
}

TEST_F(Faults, Http503ForeverFailsAfterBoundedRetries) {
    server_.fault("503", -1);
    auto r = lk({"token"}, {}, 60'000);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(server_.token_url()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 503"), std::string::npos) << r.err;
    // The HTML body of the gateway page is not dumped on the user.
    EXPECT_EQ(r.err.find("<html>"), std::string::npos) << r.err;
    int n = token_requests();
    EXPECT_GT(n, 1) << "a 503 is worth retrying";
    EXPECT_LE(n, 10) << "retries must be bounded";
    EXPECT_EQ(issued(), 0);
}

TEST_F(Faults, Http429WithRetryAfterWaitsAndSucceeds) {
    server_.fault("429", 1, /*retry_after_s=*/1);
    auto start = Clock::now();
    auto r = lk({"-v", "token"});
    auto waited = Clock::now() - start;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 1);
    EXPECT_EQ(token_requests(), 2);
    // Retry-After was honoured (a lower bound: the wait cannot be shorter).
    EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count(), 900);
    EXPECT_NE(r.err.find("retrying in"), std::string::npos) << r.err;
}

TEST_F(Faults, Http429WithRetryAfterAsADateWaitsUntilThen) {
    // "Retry-After: <HTTP-date>" three seconds ahead: whole seconds, so at
    // least two of them are left when it arrives.
    server_.fault("429", 1, /*retry_after_s=*/3, /*delay_ms=*/0, /*retry_after_date=*/true);
    auto start = Clock::now();
    auto r = lk({"-v", "token"});
    auto waited = Clock::now() - start;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(token_requests(), 2);
    EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count(), 1900);
    EXPECT_NE(r.err.find("retrying in"), std::string::npos) << r.err;
}

TEST_F(Faults, Http429AskingForTooLongFailsInsteadOfHanging) {
    server_.fault("429", -1, /*retry_after_s=*/3600);
    auto r = lk({"token"}, {}, 30'000);
    EXPECT_FALSE(r.timed_out) << "an hour's Retry-After must not keep the CLI waiting";
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("temporarily_unavailable"), std::string::npos) << r.err;
}

TEST_F(Faults, ConnectionResetOnceIsRetried) {
    server_.fault("reset", 1);
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 1);
    EXPECT_EQ(token_requests(), 2);
}

TEST_F(Faults, ConnectionResetForeverFailsWithATransportError) {
    server_.fault("reset", -1);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("request to " + server_.token_url() + " failed"), std::string::npos)
        << r.err;
    EXPECT_GT(token_requests(), 1);
    EXPECT_LE(token_requests(), 10);
}

// ---- answers that are wrong, not busy --------------------------------------

TEST_F(Faults, DelayBeyondTheSiteTimeoutFailsNamingTheTimeout) {
    write_cc_policy("timeout = \"1s\"\n");
    server_.fault("delay", -1, 0, /*delay_ms=*/3000);
    auto r = lk({"token"}, {}, 60'000);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(server_.token_url()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
    EXPECT_GT(token_requests(), 1) << "a timeout is worth retrying";
    EXPECT_LE(token_requests(), 10) << "retries must be bounded";
}

TEST_F(Faults, DelayWithinTheTimeoutIsOnlySlow) {
    server_.fault("delay", 1, 0, /*delay_ms=*/300);
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(token_requests(), 1);
}

// The server starts a token's lifetime when it answers, no later; an answer
// that arrives 2 s late must not make latchkey believe the token lives 2 s
// longer than the server says (it would then serve it after it expired).
TEST_F(Faults, ALifetimeCountsFromTheRequestNotFromTheLateAnswer) {
    server_.fault("delay", 1, 0, /*delay_ms=*/2000);
    const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto status = lk({"-o", "json", "status"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const std::string key = "\"expires_at_ms\":";
    auto at = status.out.find(key);
    ASSERT_NE(at, std::string::npos) << status.out;
    const int64_t expires_at_ms = std::stoll(status.out.substr(at + key.size()));
    // The dev server's tokens live 3600 s; 1 s of slack for the request
    // being sent after `before_ms`, well under the 2 s the answer took.
    EXPECT_LE(expires_at_ms, before_ms + 3600'000 + 1000) << status.out;
    EXPECT_GE(expires_at_ms, before_ms + 3600'000 - 1000) << status.out;
}

TEST_F(Faults, MalformedJsonIsAnInvalidResponse) {
    server_.fault("malformed", -1);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("invalid response"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(server_.token_url()), std::string::npos) << r.err;
    EXPECT_EQ(token_requests(), 1) << "a broken answer is not retried";
}

TEST_F(Faults, HtmlWithStatus200IsAnInvalidResponse) {
    server_.fault("html", -1);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("invalid response"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("<form"), std::string::npos) << "the body is not quoted:\n" << r.err;
}

TEST_F(Faults, OversizedAnswerIsRefusedAtTheSizeCap) {
    server_.fault("oversized", -1);
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("larger than"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("KiB"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("xxxxxxxxxxxxxxxx"), std::string::npos) << "the body is not quoted";
    EXPECT_LT(r.err.size(), 4096u);
    EXPECT_EQ(token_requests(), 1) << "an answer over the cap is not retried";
}

TEST_F(Faults, WrongClientSecretIsRejectedWithoutRetry) {
    const std::string wrong = "wr0ng-Integ-secret-1d2e";
    never_print(wrong);
    auto r = lk({"token"}, {{kSecretVar, wrong}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("invalid_client"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("client authentication failed"), std::string::npos)
        << r.err;  // the server's words
    EXPECT_EQ(token_requests(), 1);
    EXPECT_EQ(issued(), 0);
}

TEST_F(Faults, WrongClientSecretWithPostAuthentication) {
    const std::string wrong = "wr0ng-Integ-secret-post";
    never_print(wrong);
    auto r = lk({"--set", "client_auth=client_secret_post", "-v", "token"}, {{kSecretVar, wrong}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("invalid_client"), std::string::npos) << r.err;
    EXPECT_EQ(token_requests(), 1);
}

TEST_F(Faults, UnreachableTokenEndpointNamesTheUrl) {
    const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/oauth2/token";
    auto r = lk({"--set", "token_url=" + url, "token"}, {}, 60'000);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(url), std::string::npos) << r.err;
}

TEST_F(Faults, PlainHttpToAnotherHostIsRefusedBeforeAnythingIsSent) {
    // Never contacted: the host refuses to send a secret over plain http
    // anywhere but loopback, before any connection is made.
    auto r = lk({"--set", "token_url=http://auth.example.invalid/oauth2/token", "token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("refusing plain http"), std::string::npos) << r.err;
}

// ---- a failed re-fetch leaves the stored credential alone -----------------

struct FaultCase {
    std::string name;
    std::string mode;
    int delay_ms = 0;
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class StoredCredentialSurvives : public Faults, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(StoredCredentialSurvives, LoginForceUnderFault) {
    const FaultCase& c = GetParam();
    write_cc_policy("timeout = \"1s\"\n");
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string old_token = first_line(first.out);

    std::map<std::string, std::optional<std::string>> env;
    if (c.mode == "wrong-secret") {
        env[kSecretVar] = "wr0ng-Integ-secret-force";
        never_print("wr0ng-Integ-secret-force");
    } else {
        server_.fault(c.mode, -1, 0, c.delay_ms);
    }
    auto forced = lk({"login", "--force"}, env, 60'000);
    EXPECT_EQ(forced.exit_code, 1) << forced.out << forced.err;
    EXPECT_FALSE(forced.err.empty());
    server_.fault("none");

    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("valid, expires in"), std::string::npos) << st.out;

    auto again = lk({"token"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(first_line(again.out), old_token);
    // (a delayed request the client gave up on is still answered, and
    // counted, by the server: only the others can check the count)
    if (c.mode != "delay") {
        EXPECT_EQ(issued(), 1);
    }
    EXPECT_EQ(whoami("Authorization: Bearer " + old_token).status, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, StoredCredentialSurvives,
    ::testing::Values(FaultCase{"http500", "500"}, FaultCase{"http503", "503"},
                      FaultCase{"http429", "429"}, FaultCase{"malformed", "malformed"},
                      FaultCase{"html", "html"}, FaultCase{"oversized", "oversized"},
                      FaultCase{"reset", "reset"}, FaultCase{"timeout", "delay", 2500},
                      FaultCase{"wrong_secret", "wrong-secret"}),
    [](const auto& info) { return info.param.name; });

TEST_F(Faults, CorruptStoredCredentialIsReplacedNotTrusted) {
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    // Overwrite the stored record with garbage, keeping its mode.
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(state_dir())) {
        if (e.path().extension() != ".json") continue;
        ++files;
        sandbox_.write(std::filesystem::relative(e.path(), sandbox_.path()).string(), "{not json",
                       0600);
    }
    ASSERT_EQ(files, 1);
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 2);
}

TEST_F(Faults, StillValidCredentialIsServedWhileRefreshFails) {
    // refresh_before longer than the token's life: every stored credential is
    // inside its refresh window at once, yet valid for another hour.
    write_cc_policy("refresh_before = \"2h\"\n");
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    server_.fault("503", -1);

    // (Once failed with the endpoint's 503: a fresh process went straight to
    // a fetch and never fell back to the stored, still-valid credential.)
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, first.out);
    EXPECT_EQ(issued(), 1);
}

TEST_F(Faults, ExpiredCredentialIsNotServedWhenTheServerIsDown) {
    test::DevServer short_lived({"--client", kClient + ":" + kSecret, "--token-lifetime", "2"});
    write_policy("[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
                 short_lived.token_url() + "\"\nclient_id = \"" + kClient +
                 "\"\nclient_secret = { env = \"" + kSecretVar + "\" }\n");
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("expired"), std::string::npos) << st.out;

    short_lived.fault("503", -1);
    auto down = lk({"token"});
    EXPECT_EQ(down.exit_code, 1);
    EXPECT_EQ(down.out, "");

    short_lived.fault("none");
    auto up = lk({"token"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    EXPECT_NE(up.out, first.out);
    EXPECT_EQ(short_lived.issued(kClient), 2);
    EXPECT_EQ(test::http_get(short_lived.url() + "/api/whoami",
                             "Authorization: Bearer " + first_line(up.out))
                  .status,
              200);
}

TEST_F(Faults, LoginForceRetriesATransientFailureLikeToken) {
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    server_.fault("503", 1);
    // (Once gave up on the first 503: login bypassed the retry loop.)
    auto r = lk({"login", "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(issued(), 2);
    EXPECT_EQ(token_requests(), 3);
}

}  // namespace
}  // namespace latchkey::itest
