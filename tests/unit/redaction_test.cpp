// Secrets never reach a log line or an error message: the test-counter
// provider deliberately logs its `secret` option at INFO and puts it in its
// error messages; the host must turn it into "****".
#include <algorithm>
#include <latchkey/admin.hpp>

#include "unit_support.hpp"
#include "http/http_client.hpp"
#include "util/redactor.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::LogLevel;
using namespace lkt;

const std::string kSecret = "hunter2-correct-horse-battery";

class Redaction : public CounterSite {
 protected:
    latchkey::Host open(const std::string& lines) {
        return CounterSite::open("env_prefix = \"TC_\"\n" + lines);
    }
    void expect_no_secret_logged() {
        for (auto& [level, line] : log.lines())
            EXPECT_EQ(line.find(kSecret), std::string::npos) << "leaked in a log line: " << line;
    }
};

TEST_F(Redaction, SecretLoggedByTheProviderIsMasked) {
    auto host = open("secret = \"" + kSecret + "\"\n");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_TRUE(log.contains("t: using secret ****")) << log.all();
    bool at_info = false;
    for (auto& [level, line] : log.lines())
        if (line.find("using secret") != std::string::npos) at_info = level == LogLevel::info;
    EXPECT_TRUE(at_info);
    expect_no_secret_logged();
}

TEST_F(Redaction, SecretInAFailingAcquireMessageIsMasked) {
    auto host = open("secret = \"" + kSecret + "\"\nreject = true\n");
    auto e = catch_error([&] { host.token("t"); });
    EXPECT_EQ(e.kind(), ErrorKind::rejected);
    EXPECT_EQ(
        std::string(e.what()),
        "site 't': test-counter: rejected (using secret ****); check the credentials configured "
        "for this site");
    expect_no_secret_logged();
}

TEST_F(Redaction, SecretInTransientFailuresAndRetryLogsIsMasked) {
    auto host = open("secret = \"" + kSecret + "\"\nfail_transient = 10\n");
    auto e = catch_error([&] { host.token("t"); });
    EXPECT_EQ(e.kind(), ErrorKind::transient);
    EXPECT_EQ(std::string(e.what()),
              "site 't': test-counter: transient failure 4 of 10 (using secret ****)");
    EXPECT_EQ(log.count("(using secret ****); retrying in"), 3u) << log.all();
    expect_no_secret_logged();
}

TEST_F(Redaction, SecretFromTheEnvironmentOrAFileIsMaskedToo) {
    {
        env.set("TC_SECRET", kSecret);
        auto host = open("reject = true\n");
        auto e = catch_error([&] { host.token("t"); });
        EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("(using secret ****)"), std::string::npos) << e.what();
        env.unset("TC_SECRET");
    }
    {
        std::string f = dir.write("secret.txt", kSecret + "\n");
        auto host = open("reject = true\nsecret = { file = \"" + f + "\" }\n");
        auto e = catch_error([&] { host.token("t"); });
        EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("(using secret ****)"), std::string::npos) << e.what();
    }
    expect_no_secret_logged();
}

TEST_F(Redaction, ExplainMarksTheValueSecret) {
    auto host = open("secret = \"" + kSecret + "\"\n");
    auto site = latchkey::admin::Admin::of(host).describe("t");
    auto value = [&](const std::string& key) {
        auto v = std::find_if(site.values.begin(), site.values.end(),
                              [&](const latchkey::admin::Value& v) { return v.key == key; });
        EXPECT_NE(v, site.values.end()) << key;
        return v == site.values.end() ? latchkey::admin::Value{} : *v;
    };
    EXPECT_TRUE(value("secret").secret);
    EXPECT_EQ(value("secret").text, "****");
    EXPECT_FALSE(value("counter_file").secret);
}

TEST(Redactor, MasksEveryOccurrenceLongestFirst) {
    latchkey::util::Redactor r;
    r.add("abcd");
    r.add("abcdefgh");
    r.add("xyz");  // too short to be worth masking: left alone
    EXPECT_EQ(r.redact("abcdefgh and abcd and abcdabcd and xyz"),
              "**** and **** and ******** and xyz");
    EXPECT_EQ(r.redact("nothing here"), "nothing here");
}

TEST(Redactor, ASecretContainingAnotherIsHiddenWhole) {
    // "bcde" sorts after "abcdef", so an order that is not by length masks
    // the inner one first and leaves the outer one's first and last
    // characters in the text.
    latchkey::util::Redactor r;
    r.add("bcde");
    r.add("abcdef");
    EXPECT_EQ(r.redact("key=abcdef"), "key=****");
}

}  // namespace

// URL passwords are found by libcurl's URL parser (the HTTP module) and hidden
// wherever the URL appears, known to the host as a secret or not.
TEST(UrlPasswords, ThePasswordOfEveryUrlIsMasked) {
    latchkey::util::Redactor r{latchkey::http::url_password};
    EXPECT_EQ(r.redact("request to http://alice:Pw-9x@127.0.0.1:8080/token failed"),
              "request to http://alice:****@127.0.0.1:8080/token failed");
    EXPECT_EQ(r.redact("POST https://a:b%40c@id.example/t and redis://:rpass@10.0.0.5:6379/0"),
              "POST https://a:****@id.example/t and redis://:****@10.0.0.5:6379/0");
    // A user name alone, an '@' in the path and no URL at all stay as they are.
    EXPECT_EQ(r.redact("https://bob@id.example/x"), "https://bob@id.example/x");
    EXPECT_EQ(r.redact("https://id.example/u@x"), "https://id.example/u@x");
    EXPECT_EQ(r.redact("user:pw@host"), "user:pw@host");
}

TEST(UrlPasswords, AUrlTheParserRefusesLosesItsWholeUserPart) {
    // An unencoded '@' in the password: not a URL libcurl accepts.
    latchkey::util::Redactor r{latchkey::http::url_password};
    EXPECT_EQ(r.redact("'http://u:p@ss@host/x'"), "'http://****@host/x'");
    latchkey::util::Redactor without_parser;
    EXPECT_EQ(without_parser.redact("http://u:secret@host/"), "http://****@host/");
}
