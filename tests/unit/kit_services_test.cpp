// The host's side of the ABI 1.3 services (host/src/abi/json_document,
// http_answer, util/timestamps): what a provider reads from an answer, and
// what it is told when the answer is malformed. The same code runs behind
// every latchkey_host table (provider_instance.cpp installs it).
#include "abi/http_answer.hpp"
#include "abi/json_document.hpp"
#include "storage/record_json.hpp"
#include "unit_support.hpp"
#include "util/timestamps.hpp"

namespace {

using latchkey::abi::JsonDocument;

std::unique_ptr<JsonDocument> parse(const std::string& text) {
    std::string why;
    auto doc = JsonDocument::parse(text, why);
    EXPECT_TRUE(doc) << why;
    return doc;
}

TEST(JsonService, ReadsValuesByJsonPointer) {
    auto d = parse(R"({"token":"t1","n":3600,"f":3600.0,"half":0.5,"ok":true,"a~b":{"c/d":[1,"x"]},
                     "big":1e300,"neg":-7,"nil":null})");
    std::string why;
    EXPECT_EQ(d->string("/token", why), "t1");
    EXPECT_EQ(d->integer("/n", why), 3600);
    EXPECT_EQ(d->integer("/f", why), 3600);
    EXPECT_EQ(d->integer("/neg", why), -7);
    EXPECT_EQ(d->number("/half", why), 0.5);
    EXPECT_EQ(d->boolean("/ok", why), true);
    EXPECT_EQ(d->string("/a~0b/c~1d/1", why), "x");  // RFC 6901 escapes
    EXPECT_EQ(d->size("/a~0b/c~1d"), 2u);
    EXPECT_EQ(d->size(""), 9u);
    EXPECT_EQ(d->key("", 0, why), "token");
    EXPECT_EQ(d->text("/a~0b", why), R"({"c/d":[1,"x"]})");
    EXPECT_EQ(d->type("/nil"), LATCHKEY_JSON_NULL);
    EXPECT_EQ(d->type("/absent"), LATCHKEY_JSON_ABSENT);
    EXPECT_EQ(d->type("no-slash"), LATCHKEY_JSON_ABSENT);
}

TEST(JsonService, AWrongOrMissingValueNamesThePointer) {
    auto d = parse(R"({"token":7,"half":0.5,"big":1e300})");
    std::string why;
    EXPECT_FALSE(d->string("/token", why));
    EXPECT_EQ(why, "the answer has a number at '/token', not a string");
    EXPECT_FALSE(d->string("/absent", why));
    EXPECT_EQ(why, "the answer has nothing at '/absent', not a string");
    EXPECT_FALSE(d->integer("/half", why));
    EXPECT_EQ(why, "the answer has a number at '/half' that is not an integer in range");
    EXPECT_FALSE(d->integer("/big", why));
    EXPECT_FALSE(d->key("", 5, why));
    EXPECT_EQ(why, "the object at '' has 3 members, no member 5");
    EXPECT_FALSE(d->boolean("bad", why));
    EXPECT_NE(why.find("is not a JSON Pointer"), std::string::npos) << why;
}

TEST(JsonService, MalformedDocumentsAreRefusedWithTheOffsetNeverTheText) {
    for (const std::string& text :
         {std::string("{\"secret-abc\": "), std::string("secret-abc"), std::string(""),
          std::string(100000, '['), std::string("{\"a\":\"x\\u0000y\"}"),
          std::string(2 << 20, ' ')}) {
        std::string why;
        EXPECT_FALSE(JsonDocument::parse(text, why)) << text.substr(0, 40);
        EXPECT_EQ(why.rfind("the answer is not JSON: ", 0), 0u) << why;
        EXPECT_NE(why.find(" at offset "), std::string::npos) << why;
        EXPECT_EQ(why.find("secret-abc"), std::string::npos) << why;
    }
}

TEST(JsonService, QuoteEscapesEverythingThatNeedsIt) {
    EXPECT_EQ(latchkey::abi::json_quote("a\"b\\c\n\x01/é"), R"("a\"b\\c\n\u0001/é")");
    EXPECT_EQ(latchkey::abi::json_quote(""), "\"\"");
    EXPECT_FALSE(latchkey::abi::json_quote("\xc3("));  // not UTF-8
}

TEST(TimeService, ParsesAndFormatsRfc3339) {
    using latchkey::util::parse_rfc3339_ms;
    EXPECT_EQ(parse_rfc3339_ms("2030-01-31T12:00:00Z"), 1896091200000);
    EXPECT_EQ(parse_rfc3339_ms("2030-01-31T14:00:00.250+02:00"), 1896091200250);
    EXPECT_FALSE(parse_rfc3339_ms("2030-02-30T12:00:00Z"));
    EXPECT_FALSE(parse_rfc3339_ms("31/01/2030"));
    EXPECT_EQ(latchkey::util::format_rfc3339(1896091200000), "2030-01-31T12:00:00Z");
    EXPECT_EQ(latchkey::util::format_rfc3339(1896091200250), "2030-01-31T12:00:00.250Z");
    EXPECT_FALSE(latchkey::util::format_rfc3339(-1));
    EXPECT_FALSE(latchkey::util::format_rfc3339(253402300800000));  // year 10000
}

TEST(TimeService, ParsesTheThreeHttpDateForms) {
    using latchkey::util::parse_http_date_ms;
    const int64_t t = 784111777000;  // RFC 9110's example instant
    EXPECT_EQ(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), t);
    EXPECT_EQ(parse_http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), t);
    EXPECT_EQ(parse_http_date_ms("Sun Nov  6 08:49:37 1994"), t);
    EXPECT_FALSE(parse_http_date_ms("Sun, 31 Feb 1994 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
    EXPECT_FALSE(parse_http_date_ms("120"));
    EXPECT_EQ(latchkey::util::format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpStatusService, MapsEachStatusToItsCategory) {
    using latchkey::abi::http_verdict;
    const int64_t now = 784111777000;
    const std::pair<long, latchkey_status> categories[] = {
        {200, LATCHKEY_OK},          {204, LATCHKEY_OK},         {302, LATCHKEY_E_CONFIG},
        {400, LATCHKEY_E_CONFIG},    {401, LATCHKEY_E_REJECTED}, {403, LATCHKEY_E_REJECTED},
        {404, LATCHKEY_E_CONFIG},    {422, LATCHKEY_E_CONFIG},   {408, LATCHKEY_E_TRANSIENT},
        {503, LATCHKEY_E_TRANSIENT}, {418, LATCHKEY_E_REJECTED}, {101, LATCHKEY_E_INTERNAL},
    };
    for (auto [status, category] : categories)
        EXPECT_EQ(http_verdict(status, nullptr, "x", now).status, category) << "HTTP " << status;

    auto v = http_verdict(429, "30", "the token endpoint", now);
    EXPECT_EQ(v.status, LATCHKEY_E_TRANSIENT);
    EXPECT_EQ(v.retry_after_ms, 30000);
    EXPECT_EQ(v.message,
              "the token endpoint answered HTTP 429 Too Many Requests: try again later (the "
              "server asked to wait 30 s)");
    EXPECT_EQ(http_verdict(503, "Sun, 06 Nov 1994 08:50:37 GMT", "x", now).retry_after_ms, 60000);
    EXPECT_EQ(http_verdict(503, "Sun, 06 Nov 1994 08:40:37 GMT", "x", now).retry_after_ms, 0);
    EXPECT_EQ(http_verdict(503, "99999999999999999999", "x", now).retry_after_ms, 86400000);
    EXPECT_EQ(http_verdict(503, "soon", "x", now).retry_after_ms, 0);
    EXPECT_EQ(http_verdict(403, "30", "x", now).retry_after_ms, 0);  // not transient
}

TEST(TypedExtras, AreStoredAsJsonAndReadBackAsJson) {
    latchkey::detail::CredentialData c;
    c.token = "t";
    c.extras["plain"] = "{\"not\":\"json here\"}";
    c.extras["perms"] = "{\"contents\":\"read\"}";
    c.json_extras.insert("perms");
    const std::string stored = latchkey::storage::to_json(c);
    EXPECT_NE(stored.find("\"perms\":{\"contents\":\"read\"}"), std::string::npos) << stored;
    EXPECT_NE(stored.find("\"plain\":\"{\\\"not\\\""), std::string::npos) << stored;
    std::string error;
    auto back = latchkey::storage::from_json(stored, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->extras, c.extras);
    EXPECT_EQ(back->json_extras, c.json_extras);
}

}  // namespace
