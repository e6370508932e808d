// The salesforce-soap provider against the dev server's Salesforce-style SOAP
// login: the session id served as a Bearer token, instance_url kept and shown,
// a new login when the session ends, and the failures: a SOAP fault, an XML
// entity bomb, a body that is not XML. Each leaves the stored session alone.
#include <chrono>
#include <thread>

#include "vendor_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kUser = "integration@example.test";
// XML's special characters, so the envelope's escaping is exercised.
const std::string kPassword = "Sf<&>\"Pw-5c1e";
const std::string kSecurityToken = "SecTok-a81f02";

class SalesforceSoap : public VendorTest {
 protected:
    explicit SalesforceSoap(int session_seconds = 7200)
        : VendorTest({"--setting", "salesforce.username=" + kUser, "--setting",
                      "salesforce.password=" + kPassword + kSecurityToken, "--setting",
                      "salesforce.session_seconds=" + std::to_string(session_seconds)}) {
        env_["SF_PASSWORD"] = kPassword;
        env_["SF_SECURITY_TOKEN"] = kSecurityToken;
        never_print(kPassword);
        never_print(kSecurityToken);
        never_print(kPassword + kSecurityToken);
        write_policy(
            "[sites.salesforce]\n"
            "provider = \"salesforce-soap\"\n"
            "base_url = \"" +
            server_.url() +
            "\"\n"
            "username = \"" +
            kUser +
            "\"\n"
            "password = { env = \"SF_PASSWORD\" }\n"
            "security_token = { env = \"SF_SECURITY_TOKEN\" }\n");
    }

    // The REST API at the instance takes the session as a Bearer token.
    long rest_status(const std::string& session) {
        return get("/services/data/v60.0/", "Authorization: Bearer " + session).status;
    }

    // A login that must fail with exit code 1, quickly, leaving `kept` stored.
    std::string failed_login(const std::string& kept) {
        const auto start = std::chrono::steady_clock::now();
        auto r = lk({"login", "--force"});
        const auto took = std::chrono::steady_clock::now() - start;
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_LT(took, std::chrono::seconds(5)) << r.err;
        EXPECT_NE(r.err.find("site 'salesforce'"), std::string::npos) << r.err;
        reply("salesforce", "normal");
        EXPECT_EQ(token(), kept);
        return r.err;
    }
};

TEST_F(SalesforceSoap, LoginServesTheSessionAndKeepsTheInstanceUrl) {
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string line = first_line(r.out);
    ASSERT_EQ(line.rfind("Authorization: Bearer dev-at-", 0), 0u) << line;
    const std::string session = line.substr(std::string("Authorization: Bearer ").size());
    EXPECT_EQ(rest_status(session), 200);
    EXPECT_EQ(counter("salesforce.login"), 1u);

    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("instance_url: " + server_.url()), std::string::npos) << st.out;
    EXPECT_NE(st.out.find("salesforce-soap"), std::string::npos) << st.out;

    EXPECT_EQ(token(), session);
    EXPECT_EQ(counter("salesforce.login"), 1u);
}

// Sessions last 3 s on this server.
class ShortSalesforceSession : public SalesforceSoap {
 protected:
    ShortSalesforceSession() : SalesforceSoap(3) {}
};

TEST_F(ShortSalesforceSession, AnEndedSessionMeansANewLogin) {
    const std::string first = token();
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    const std::string second = token();
    EXPECT_NE(first, second);
    EXPECT_EQ(counter("salesforce.login"), 2u);
    EXPECT_EQ(rest_status(second), 200);
}

TEST_F(SalesforceSoap, WrongPasswordShowsTheSoapFault) {
    const std::string kept = token();
    const std::string wrong = "Wrong-Sf-Pw-1d7c";
    never_print(wrong);
    auto r = lk({"login", "--force"}, {{"SF_PASSWORD", wrong}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("INVALID_LOGIN: Invalid username, password, security token"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(token(), kept);
}

TEST_F(SalesforceSoap, AnXmlBombIsRefusedUnreadAndFast) {
    const std::string kept = token();
    reply("salesforce", "xml_bomb");
    const std::string err = failed_login(kept);
    EXPECT_NE(err.find("DOCTYPE"), std::string::npos) << err;
    EXPECT_EQ(err.find("lol"), std::string::npos) << err;
}

TEST_F(SalesforceSoap, ABodyThatIsNotXmlIsAClearError) {
    const std::string kept = token();
    reply("salesforce", "not_xml");
    const std::string err = failed_login(kept);
    EXPECT_NE(err.find("not XML"), std::string::npos) << err;
}

}  // namespace
}  // namespace latchkey::itest
