// Durations and times stay inside what int64_t milliseconds can hold: a
// policy duration over a year is a policy error naming file:line:column and
// the key; an expiry a provider hands the host through set_expires_at must
// be a time between 1970 and the year 9999. Nothing overflows on the way.
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "unit_support.hpp"
#include "util/duration.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::util::kMaxDurationMs;
using latchkey::util::parse_duration_ms;
using namespace lkt;

TEST(DurationLimits, AYearIsTheLongestDuration) {
    EXPECT_EQ(parse_duration_ms("365d"), kMaxDurationMs);
    EXPECT_EQ(parse_duration_ms("8760h"), kMaxDurationMs);
    EXPECT_EQ(parse_duration_ms("31536000"), kMaxDurationMs);
    EXPECT_EQ(parse_duration_ms("1h30m"), 5'400'000);
    std::string too_long;
    EXPECT_FALSE(parse_duration_ms("365d1ms", &too_long));
    EXPECT_EQ(too_long, "\"365d1ms\" is longer than 365d, the longest duration accepted");
}

TEST(DurationLimits, WhatWouldOverflowIsTooLongNotWrapped) {
    // 9223372036854776 s is just over INT64_MAX milliseconds: it used to wrap
    // to a negative timeout, and then nothing ever timed out.
    for (const char* text : {"9223372036854776s", "9223372036854775807", "99999999999999999999",
                             "106751991167d", "9223372036854775807ms", "200d200d"}) {
        std::string too_long;
        EXPECT_FALSE(parse_duration_ms(text, &too_long)) << text;
        EXPECT_NE(too_long.find("is longer than 365d"), std::string::npos) << text;
    }
    std::string too_long;
    EXPECT_FALSE(parse_duration_ms("soon", &too_long));
    EXPECT_EQ(too_long, "") << "malformed is not too long";
}

class PolicyDurations : public Isolated {};

TEST_F(PolicyDurations, AnOverlongTimeoutNamesThePositionAndTheKey) {
    const std::string text =
        "[sites.planet]\nprovider = \"oauth\"\ntimeout = \"9223372036854776s\"\n";
    const std::string path = dir.write("policy.toml", text);
    auto e = catch_error([&] {
        latchkey::policy::Policy p = latchkey::policy::Policy::load(path);
        latchkey::policy::Resolver r(p, fake_env({}));
        r.resolve("planet", {});
    });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()),
              path +
                  ":3:11: timeout: \"9223372036854776s\" is longer than 365d, the longest "
                  "duration accepted");
}

class ProviderExpiry : public CounterSite {};

TEST_F(ProviderExpiry, AnExpiryPastTheYear9999IsRefused) {
    for (const char* ms : {"9223372036854775807", "253402300800000"}) {
        auto host = open(std::string("expires_at_ms = ") + ms + "\n");
        auto e = catch_error([&] { host.token("t"); });
        EXPECT_EQ(e.kind(), ErrorKind::internal) << e.what();
        EXPECT_EQ(std::string(e.what()),
                  "site 't': the credential from provider test-counter was refused: its expiry (" +
                      std::string(ms) +
                      " ms since 1970) is not a time between 1970 and the year 9999; the server "
                      "sent a malformed lifetime, and nothing was stored");
    }
}

TEST_F(ProviderExpiry, ANegativeExpiryIsRefused) {
    auto host = open("expires_at_ms = -9223372036854775808\n");
    auto e = catch_error([&] { host.token("t"); });
    EXPECT_NE(std::string(e.what()).find("its expiry (-9223372036854775808 ms since 1970) is not "
                                         "a time between 1970 and the year 9999"),
              std::string::npos)
        << e.what();
}

TEST_F(ProviderExpiry, TheLastMillisecondOfTheYear9999IsAccepted) {
    auto host = open("expires_at_ms = 253402300799999\n");
    EXPECT_EQ(host.token("t").expires_at_ms(), 253402300799999);
}

}  // namespace
