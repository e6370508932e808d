// docker-credential-latchkey: Debian's skopeo inspects an image on a local
// registry stub that takes only the dev server's current token, with
// "credHelpers" naming latchkey; and the protocol's own answers.
#include "helper_fixture.hpp"

namespace latchkey::itest {
namespace {

class DockerCredential : public HelperTest {
 protected:
    RunResult skopeo_inspect() {
        std::string auth = sandbox_.write(
            "auth.json", "{\"credHelpers\": {\"" + stub_.host() + "\": \"latchkey\"}}\n");
        return tool({"skopeo", "inspect", "--no-tags", "--tls-verify=false", "--authfile", auth,
                     "docker://" + stub_.host() + "/demo/app:v1"});
    }
    RunResult helper(const std::string& action, const std::string& input) {
        return tool({bin_dir() + "/docker-credential-latchkey", action}, {}, input);
    }

    Stub stub_{"registry", {"--devserver", server_.url()}};
};

TEST_F(DockerCredential, SkopeoInspectsAnImageWithTheSitesToken) {
    write_policy(site("registry", "url_patterns = [\"" + stub_.host() + "\"]"));
    auto r = skopeo_inspect();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = parse_json(r.out);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(json_string(doc["Labels"], "latchkey"), "stub-image");
    EXPECT_EQ(skopeo_inspect().exit_code, 0);
    EXPECT_EQ(issued(), 1);
}

TEST_F(DockerCredential, ARegistryWithoutASiteIsNotFoundAndSkopeoIsRefused) {
    write_policy(site("other", "url_patterns = [\"registry.example.com\"]"));
    auto r = skopeo_inspect();
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("unauthorized"), std::string::npos) << r.err;
    auto get = helper("get", stub_.host() + "\n");
    EXPECT_EQ(get.out, "credentials not found in native keychain\n");
    EXPECT_EQ(get.exit_code, 1);
    EXPECT_EQ(issued(), 0);
}

TEST_F(DockerCredential, GetAndListAnswerInTheProtocolsJson) {
    write_policy(site("registry", "url_patterns = [\"" + stub_.host() +
                                      "\", \"*.example.com\"]\ntoken_username = \"oauth2\""));
    auto get = helper("get", "https://" + stub_.host() + "\n");
    ASSERT_EQ(get.exit_code, 0) << get.out << get.err;
    auto doc = parse_json(get.out);
    EXPECT_EQ(json_string(doc, "ServerURL"), "https://" + stub_.host());
    EXPECT_EQ(json_string(doc, "Username"), "oauth2");
    EXPECT_EQ(whoami_status(json_string(doc, "Secret")), 200);
    auto list = helper("list", "");
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_EQ(list.out, "{\"" + stub_.host() + "\":\"oauth2\"}\n");
    auto version = helper("version", "");
    EXPECT_EQ(version.out.rfind("docker-credential-latchkey (latchkey) ", 0), 0u) << version.out;
}

TEST_F(DockerCredential, EraseDropsTheCachedTokenAndStoreIsRefused) {
    write_policy(site("registry", "url_patterns = [\"" + stub_.host() + "\"]"));
    ASSERT_EQ(helper("get", stub_.host()).exit_code, 0);
    auto erase = helper("erase", stub_.host() + "\n");
    EXPECT_EQ(erase.exit_code, 0) << erase.out;
    ASSERT_EQ(helper("get", stub_.host()).exit_code, 0);
    EXPECT_EQ(issued(), 2);
    auto store = helper("store", "{\"ServerURL\":\"" + stub_.host() +
                                     "\",\"Username\":\"u\",\"Secret\":\"pw-Integ-91\"}");
    EXPECT_EQ(store.exit_code, 1);
    EXPECT_NE(store.out.find("stores no registry passwords"), std::string::npos) << store.out;
    EXPECT_EQ(store.out.find("pw-Integ-91"), std::string::npos);
}

}  // namespace
}  // namespace latchkey::itest
