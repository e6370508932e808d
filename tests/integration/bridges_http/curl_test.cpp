// `latchkey curl`: real requests from the real CLI to servers on 127.0.0.1.
// The API server takes only the dev server's current token, so a token
// revoked behind latchkey's back is refused the way a real API refuses it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_test.hpp"
#include "recording_server.hpp"

namespace latchkey::itest {
namespace {

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

class CurlTest : public DevServerTest {
 protected:
    CurlTest() {
        write_cc_policy();
        api_.check_with(server_.url());
    }
    RecordingServer api_;
};

TEST_F(CurlTest, ARequestCarriesTheSitesCurrentToken) {
    auto r = lk({"curl", server_.url() + "/api/whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = parse_json(r.out);
    EXPECT_EQ(json_string(doc, "client_id"), kClient);
    EXPECT_EQ(server_.issued(kClient), 1);
}

TEST_F(CurlTest, ATokenRevokedBehindLatchkeysBackIsReplacedAndTheRequestSentOnceMore) {
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string old_token = first_line(first.out);
    ASSERT_EQ(server_.revoke_tokens(), 1);  // the access token; client credentials have no refresh

    auto r = lk({"-v", "curl", api_.url() + "/v1/items"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");  // the 401 of the first try is not shown
    EXPECT_EQ(count(r.err, "refused the credential (401); sent again with a new one"), 1u) << r.err;
    EXPECT_EQ(server_.issued(kClient), 2);  // exactly one new token
    auto seen = api_.requests();
    ASSERT_EQ(seen.size(), 2u);  // the refused request and exactly one retry
    EXPECT_EQ(seen[0].header("Authorization"), "Bearer " + old_token);
    EXPECT_NE(seen[1].header("Authorization"), seen[0].header("Authorization"));

    // The new token was kept: the next call needs no new one and no retry.
    auto again = lk({"curl", api_.url() + "/v1/items"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(server_.issued(kClient), 2);
    EXPECT_EQ(api_.requests().size(), 3u);
    EXPECT_EQ(api_.requests()[2].header("Authorization"), seen[1].header("Authorization"));
}

TEST_F(CurlTest, A401ForATokenAnotherProcessHasAlreadyReplacedKeepsTheReplacement) {
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    // While this request is at the API with the first token, the server
    // revokes it and another latchkey replaces it (`logout` erases it,
    // `token` fetches and stores a second one). The API then refuses the
    // first token.
    std::string replacement;
    api_.before_next_answer([&] {
        EXPECT_EQ(lk({"logout"}).exit_code, 0);
        EXPECT_EQ(server_.revoke_tokens(), 1);
        replacement = first_line(lk({"token"}).out);
    });
    auto r = lk({"curl", api_.url() + "/v1/items"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
    // The late 401 did not throw the replacement away: no third token.
    EXPECT_EQ(server_.issued(kClient), 2);
    auto seen = api_.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].header("Authorization"), "Bearer " + replacement);
}

TEST_F(CurlTest, ASecondRefusalIsTheAnswerAndNoThirdRequestIsMade) {
    RecordingServer closed;
    closed.accept_only("Bearer none-will-do");
    auto shown = lk({"curl", closed.url() + "/v1/items"});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;  // an answer came, as curl says without -f
    EXPECT_EQ(shown.out, R"({"error":"invalid_token"})");
    EXPECT_EQ(closed.requests().size(), 2u);
    EXPECT_EQ(server_.issued(kClient), 2);

    auto failed = lk({"curl", "-f", closed.url() + "/v1/items"});
    EXPECT_EQ(failed.exit_code, 22);
    EXPECT_EQ(failed.out, "");
    EXPECT_NE(failed.err.find("the server answered 401"), std::string::npos) << failed.err;
    EXPECT_EQ(closed.requests().size(), 4u);
}

TEST_F(CurlTest, MethodHeadersDataAndOutputOptionsWorkAsInCurl) {
    std::string payload("line one\r\nline\0two", 19);
    std::string data_file = sandbox_.write("payload.bin", payload);
    std::string out_file = sandbox_.file("answer.txt");
    auto r = lk({"curl", "-sS", "-XPUT", "-H", "X-Request-Id: r-77", "--data-binary",
                 "@" + data_file, "-i", "-o", out_file, "-w", "%{http_code} %{size_download}\\n",
                 api_.url() + "/v1/items/3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "200 3\n");
    auto seen = api_.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "PUT");
    EXPECT_EQ(seen[0].path, "/v1/items/3");
    EXPECT_EQ(seen[0].body, payload);
    EXPECT_EQ(seen[0].header("X-Request-Id"), "r-77");
    EXPECT_EQ(seen[0].header("Content-Type"), "application/x-www-form-urlencoded");
    std::ifstream in(out_file, std::ios::binary);
    std::stringstream answer;
    answer << in.rdbuf();
    EXPECT_EQ(answer.str().rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer.str();
    EXPECT_NE(answer.str().find("\r\nX-Served-By: recording-server\r\n"), std::string::npos);
    EXPECT_EQ(answer.str().substr(answer.str().size() - 7), "\r\n\r\nok\n");

    // -d: joined with &, line breaks of @FILE dropped, POST.
    std::string form_file = sandbox_.write("form.txt", "c=3\n");
    auto form =
        lk({"curl", "-d", "a=1", "--data", "b=2", "-d", "@" + form_file, api_.url() + "/f"});
    ASSERT_EQ(form.exit_code, 0) << form.err;
    EXPECT_EQ(api_.requests()[1].method, "POST");
    EXPECT_EQ(api_.requests()[1].body, "a=1&b=2&c=3");
}

TEST_F(CurlTest, FailOptionsDecideWhatAnErrorStatusPrintsAndTheExitCode) {
    std::string out_file = sandbox_.file("never-made.txt");
    auto fail = lk({"curl", "--fail", "-o", out_file, api_.url() + "/missing"});
    EXPECT_EQ(fail.exit_code, 22);
    EXPECT_FALSE(std::filesystem::exists(out_file));
    auto with_body = lk({"curl", "--fail-with-body", api_.url() + "/missing"});
    EXPECT_EQ(with_body.exit_code, 22);
    EXPECT_EQ(with_body.out, "gone\n");
    auto plain = lk({"curl", api_.url() + "/missing"});
    EXPECT_EQ(plain.exit_code, 0);
    EXPECT_EQ(plain.out, "gone\n");
}

TEST_F(CurlTest, ARedirectIsTheAnswerAndTheCredentialGoesNowhereElse) {
    RecordingServer elsewhere;
    api_.redirect_to(elsewhere.url() + "/collect");
    auto r = lk({"curl", "-i", api_.url() + "/redirect"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("HTTP/1.1 302", 0), 0u) << r.out;
    EXPECT_TRUE(elsewhere.requests().empty());
    auto follow = lk({"curl", "-L", api_.url() + "/redirect"});
    EXPECT_EQ(follow.exit_code, 2);
    EXPECT_NE(follow.err.find("redirects are not followed"), std::string::npos) << follow.err;
}

TEST_F(CurlTest, BadCommandLinesAndPlainHttpToAnotherMachineAreRefusedBeforeAnythingIsSent) {
    auto plain = lk({"curl", "http://192.0.2.7:9/v1"});
    EXPECT_EQ(plain.exit_code, 2);
    EXPECT_NE(plain.err.find("refusing plain http to 192.0.2.7"), std::string::npos) << plain.err;
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    for (const Case& c : std::vector<Case>{
             {{"curl"}, "name the URL"},
             {{"curl", "-v", api_.url()}, "it would print the credential"},
             {{"curl", "--compressed", api_.url()}, "option --compressed is not supported"},
             {{"curl", "-H", "NoColon", api_.url()}, "expected 'Name: value'"},
             {{"curl", "-H", "Authorization: Basic eA==", api_.url()},
              "the one latchkey sends the credential in"},
             {{"curl", "-w", "%{time_total}", api_.url()}, "%{time_total} is not supported"},
             {{"curl", api_.url(), api_.url()}, "one URL only"}}) {
        auto r = lk(c.args);
        EXPECT_EQ(r.exit_code, 2) << join_args(c.args);
        EXPECT_NE(r.err.find(c.says), std::string::npos) << join_args(c.args) << ": " << r.err;
    }
    auto unknown = lk({"--at", "nope", "curl", api_.url()});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("unknown site 'nope'"), std::string::npos) << unknown.err;
    EXPECT_TRUE(api_.requests().empty());
}

}  // namespace
}  // namespace latchkey::itest
