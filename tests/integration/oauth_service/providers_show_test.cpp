// Every OAuth provider declares its options, with descriptions, for
// `latchkey providers show NAME`; secrets are flagged as such.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

struct ProviderOptions {
    const char* provider;
    std::vector<std::string> keys;
    std::vector<std::string> secrets;
};

void PrintTo(const ProviderOptions& p, std::ostream* os) { *os << p.provider; }

// The options every OAuth provider takes (docs/option-names.md), whatever
// its grant: endpoints or the issuer that names them, the client and its
// authentication, what the token is for.
const std::vector<std::string> kCommonOAuthKeys = {
    "issuer",        "token_url",        "revocation_url",   "userinfo_url",           "client_id",
    "client_secret", "client_auth",      "private_key_file", "private_key_passphrase", "key_id",
    "signing_alg",   "client_cert_file", "client_key_file",  "client_key_passphrase",  "scopes",
    "audience",      "resource"};
const std::vector<std::string> kCommonSecrets = {"client_secret", "private_key_passphrase",
                                                 "client_key_passphrase"};

std::vector<std::string> with_common(std::vector<std::string> keys) {
    keys.insert(keys.end(), kCommonOAuthKeys.begin(), kCommonOAuthKeys.end());
    return keys;
}

class OAuthProvidersShow : public CliTest, public ::testing::WithParamInterface<ProviderOptions> {};

TEST_P(OAuthProvidersShow, ListsEveryOptionWithADescription) {
    const ProviderOptions& p = GetParam();
    auto r = run_cli({"providers", "show", p.provider});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (auto& key : p.keys)
        EXPECT_NE(r.out.find("  " + key + " "), std::string::npos) << key << "\n" << r.out;

    auto j = run_cli({"-o", "json", "providers", "show", p.provider});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto d = parse_json(j.out);
    ASSERT_TRUE(d.IsObject());
    std::map<std::string, bool> secret;
    for (auto& o : d["options"].GetArray()) {
        std::string key = json_string(o, "key");
        secret[key] = o["secret"].GetBool();
        EXPECT_GT(json_string(o, "doc").size(), 10u) << key;
    }
    for (auto& key : p.keys) EXPECT_TRUE(secret.count(key)) << key;
    for (auto& key : p.secrets) EXPECT_TRUE(secret[key]) << key << " must be flagged secret";
    EXPECT_FALSE(secret["client_id"]);
}

INSTANTIATE_TEST_SUITE_P(
    Providers, OAuthProvidersShow,
    ::testing::Values(
        ProviderOptions{"oauth2-device-code",
                        with_common({"device_authorization_url", "open_browser"}), kCommonSecrets},
        ProviderOptions{
            "oauth2-refresh-token",
            with_common({"refresh_token"}),
            {"refresh_token", "client_secret", "private_key_passphrase", "client_key_passphrase"}},
        ProviderOptions{
            "oauth2-jwt-bearer",
            with_common({"subject", "instance", "assertion_lifetime", "token_lifetime"}),
            kCommonSecrets},
        ProviderOptions{"oauth2-client-credentials",
                        with_common({"extra_params", "token_lifetime"}), kCommonSecrets},
        ProviderOptions{
            "oauth2-auth-code",
            with_common({"authorization_url", "extra_params", "redirect", "redirect_port",
                         "redirect_path", "redirect_url", "login_timeout", "open_browser"}),
            kCommonSecrets}),
    [](const ::testing::TestParamInfo<ProviderOptions>& info) {
        std::string name = info.param.provider;
        for (auto& c : name)
            if (c == '-') c = '_';
        return name;
    });

}  // namespace
}  // namespace latchkey::itest
