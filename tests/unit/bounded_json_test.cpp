// parse_bounded_json, the one JSON parser for documents from outside
// (providers/common/include/latchkey/common/bounded_json.hpp), and the stored
// credential reader built on it: nesting far past what any real document
// has is refused without recursion, a document over the size cap is refused
// unread, a NUL inside a string is refused rather than cut short.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <latchkey/common/bounded_json.hpp>

#include "storage/record_json.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::common::JsonLimits;
using latchkey::common::parse_bounded_json;

std::string nested_arrays(size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

TEST(BoundedJson, ReadsAnOrdinaryDocument) {
    rapidjson::Document d;
    auto problem = parse_bounded_json(d, R"({"a": [1, 2.5, "x"], "b": {"c": null, "d": true}})");
    ASSERT_FALSE(problem) << problem->describe();
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(d["a"].Size(), 3u);
    EXPECT_STREQ(d["a"][2].GetString(), "x");
    EXPECT_TRUE(d["b"]["d"].GetBool());
}

TEST(BoundedJson, SixtyFourLevelsAreReadAndWrittenBack) {
    rapidjson::Document d;
    const std::string text = nested_arrays(64);
    ASSERT_FALSE(parse_bounded_json(d, text));
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d.Accept(w);
    EXPECT_EQ(std::string(buf.GetString()), text);
}

TEST(BoundedJson, SixtyFiveLevelsAreRefusedAtTheSixtyFifth) {
    rapidjson::Document d;
    auto problem = parse_bounded_json(d, "{\"a\":" + nested_arrays(64) + "}");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->what, "nested deeper than 64 levels");
    EXPECT_EQ(problem->offset, 68u);  // the 64th bracket, at depth 65
    EXPECT_TRUE(d.IsNull());
}

TEST(BoundedJson, ThreeHundredThousandLevelsAreRefusedWithoutOverflowingTheStack) {
    // 300 000 `[` overflow the stack of a recursive parser (and of Accept).
    for (const std::string& text : {std::string(300'000, '['), nested_arrays(400'000),
                                    std::string(300'000, '[') + "{\"a\":1}"}) {
        rapidjson::Document d;
        auto problem = parse_bounded_json(d, text);
        ASSERT_TRUE(problem);
        EXPECT_EQ(problem->describe(), "nested deeper than 64 levels at offset 64");
    }
    std::string objects;
    for (int i = 0; i < 100'000; ++i) objects += "{\"k\":";
    rapidjson::Document d;
    auto problem = parse_bounded_json(d, objects);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->what, "nested deeper than 64 levels");
}

TEST(BoundedJson, TheSizeCapRefusesBeforeReading) {
    rapidjson::Document d;
    const std::string big = "\"" + std::string((1 << 20) - 1, 'x') + "\"";  // 1 MiB + 1 byte
    auto problem = parse_bounded_json(d, big);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->what, "the document is 1048577 bytes, more than the 1048576 allowed");
    const std::string exactly_the_cap = "\"" + std::string((1 << 20) - 2, 'x') + "\"";
    EXPECT_FALSE(parse_bounded_json(d, exactly_the_cap));
    EXPECT_TRUE(parse_bounded_json(d, "[1,2]", JsonLimits{4, 64}));
    EXPECT_TRUE(parse_bounded_json(d, "[[1]]", JsonLimits{1 << 20, 1}));
    EXPECT_FALSE(parse_bounded_json(d, "[1]", JsonLimits{1 << 20, 1}));
}

TEST(BoundedJson, ANulInAStringOrANameIsRefused) {
    rapidjson::Document d;
    auto in_value = parse_bounded_json(d, R"({"access_token": "abc\u0000def"})");
    ASSERT_TRUE(in_value);
    EXPECT_EQ(in_value->what, "a string holds a NUL character (\\u0000)");
    EXPECT_TRUE(parse_bounded_json(d, R"({"a\u0000b": 1})"));
    // Other escapes are fine.
    EXPECT_FALSE(parse_bounded_json(d, R"({"a": "line\nbreak \u0001"})"));
}

TEST(BoundedJson, SyntaxErrorsKeepRapidJsonsWordsWithoutTheFinalPeriod) {
    rapidjson::Document d;
    auto problem = parse_bounded_json(d, "{\"a\": 1,}");
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->what, "Missing a name for object member");
    EXPECT_EQ(problem->offset, 8u);
    auto trailing = parse_bounded_json(d, "{} x");
    ASSERT_TRUE(trailing);
    EXPECT_EQ(trailing->what, "The document root must not be followed by other values");
    EXPECT_TRUE(parse_bounded_json(d, ""));
    // Reads exactly the view it is given, never past it.
    const std::string text = "[1]]]]";
    EXPECT_FALSE(parse_bounded_json(d, std::string_view(text).substr(0, 3)));
}

TEST(BoundedJson, AStoredCredentialNestedTooDeeplyIsNotACredential) {
    std::string error;
    const std::string deep =
        "{\"format\":\"latchkey-credential\",\"version\":1,\"token\":\"t\","
        "\"extras\":" +
        std::string(300'000, '[') + "}";
    EXPECT_FALSE(latchkey::storage::from_json(deep, error));
    EXPECT_EQ(error, "not JSON (nested deeper than 64 levels at offset 128)");
}

TEST(BoundedJson, AStoredTimeOutsideTheCalendarIsNotACredential) {
    std::string error;
    auto record = [](const std::string& times) {
        return "{\"format\":\"latchkey-credential\",\"version\":1,\"token\":\"t\"," + times + "}";
    };
    EXPECT_FALSE(
        latchkey::storage::from_json(record("\"expires_at_ms\":-9223372036854775808"), error));
    EXPECT_EQ(error,
              "expires_at_ms -9223372036854775808 is not a time between 1970 and the year "
              "9999");
    EXPECT_FALSE(
        latchkey::storage::from_json(record("\"obtained_at_ms\":9223372036854775807"), error));
    EXPECT_EQ(error,
              "obtained_at_ms 9223372036854775807 is not a time between 1970 and the year "
              "9999");
    EXPECT_TRUE(latchkey::storage::from_json(record("\"expires_at_ms\":253402300799999"), error))
        << error;
}

}  // namespace
