// The shipped Anaplan and Salesforce policies (config/*.toml) work as
// written, with only the vendor's address moved to the dev server (--set)
// and the secrets in the variables the policies name.
#include "vendor_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kConfigDir = std::string(LATCHKEY_SOURCE_DIR) + "/config/";
const std::string kInstance = "https://example.my.salesforce.com";

class ShippedVendorPolicy : public VendorTest {
 protected:
    ShippedVendorPolicy()
        : VendorTest({"--setting", "anaplan.email=ops@example.test", "--setting",
                      "anaplan.password=Shipped-Anaplan-Pw-2c", "--setting",
                      "salesforce.username=ops@example.test", "--setting",
                      "salesforce.password=Shipped-Sf-Pw-7aTOKEN-19",
                      // The token endpoint answers as Salesforce's does: the
                      // org's instance_url, and no expires_in.
                      "--setting", "instance_url=" + kInstance, "--setting",
                      "send_expires_in=false"}) {
        never_print("Shipped-Anaplan-Pw-2c");
        never_print("Shipped-Sf-Pw-7a");
        never_print("TOKEN-19");
    }

    test::RunResult shipped(const std::string& file, const std::vector<std::string>& args,
                            const std::map<std::string, std::optional<std::string>>& env) {
        std::vector<std::string> all{"--config", kConfigDir + file};
        all.insert(all.end(), args.begin(), args.end());
        return run_cli(all, env);
    }
};

TEST_F(ShippedVendorPolicy, AnaplanBasicSite) {
    auto r = shipped(
        "anaplan.toml",
        {"--at", "anaplan-basic", "--set", "base_url=" + server_.url(), "token", "--header"},
        {{"ANAPLAN_EMAIL", "ops@example.test"}, {"ANAPLAN_PASSWORD", "Shipped-Anaplan-Pw-2c"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string line = first_line(r.out);
    EXPECT_EQ(line.rfind("Authorization: AnaplanAuthToken ", 0), 0u) << line;
    EXPECT_EQ(get("/2/0/users/me", line).status, 200);
}

TEST_F(ShippedVendorPolicy, SalesforceSoapSite) {
    const std::map<std::string, std::optional<std::string>> env{{"SF_USERNAME", "ops@example.test"},
                                                                {"SF_PASSWORD", "Shipped-Sf-Pw-7a"},
                                                                {"SF_SECURITY_TOKEN", "TOKEN-19"},
                                                                {"SF_CLIENT_ID", "unused"},
                                                                {"SF_CLIENT_SECRET", "unused"}};
    auto r = shipped("salesforce.toml", {"--set", "base_url=" + server_.url(), "token"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(get("/services/data/v60.0/", "Authorization: Bearer " + first_line(r.out)).status,
              200);
    auto st = shipped("salesforce.toml", {"--set", "base_url=" + server_.url(), "status"}, env);
    EXPECT_NE(st.out.find("instance_url: " + server_.url()), std::string::npos) << st.out;
}

TEST_F(ShippedVendorPolicy, SalesforceClientCredentialsSiteSendsTheSecretInTheForm) {
    const std::map<std::string, std::optional<std::string>> env{
        {"SF_USERNAME", "ops@example.test"}, {"SF_PASSWORD", "Shipped-Sf-Pw-7a"},
        {"SF_SECURITY_TOKEN", "TOKEN-19"},   {"SF_JWT_PEM_FILE", "/nonexistent.pem"},
        {"SF_CLIENT_ID", kClient},           {"SF_CLIENT_SECRET", kSecret}};
    const std::vector<std::string> at{"--at", "salesforce-cc", "--set",
                                      "token_url=" + server_.token_url()};
    auto with = [&](const std::string& command) {
        auto args = at;
        args.push_back(command);
        return shipped("salesforce.toml", args, env);
    };
    auto r = with("token");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto stats = server_.stats();
    const auto& methods = stats["clients"][kClient.c_str()]["auth_methods"];
    EXPECT_EQ(methods["client_secret_post"].GetInt(), 1);
    EXPECT_EQ(methods["client_secret_basic"].GetInt(), 0);

    // The answer named no lifetime: the policy's token_lifetime (2h) gives
    // the token its end, and the renewal 15 minutes before it; the org's
    // instance_url is kept for the program that calls its API.
    auto st = with("status");
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("expires in 1h 59m"), std::string::npos) << st.out;
    EXPECT_NE(st.out.find("refresh:  in 1h 44m"), std::string::npos) << st.out;
    EXPECT_NE(st.out.find("instance_url: " + kInstance), std::string::npos) << st.out;
}

}  // namespace
}  // namespace latchkey::itest
