// kubectl's exec credential plugin: Debian's kubectl asks `latchkey
// kube-credential` for a token and calls a local HTTPS stub of the API
// server that takes only the dev server's current token.
#include <thread>

#include "helper_fixture.hpp"

namespace latchkey::itest {
namespace {

class KubeCredential : public HelperTest {
 protected:
    KubeCredential() {
        cert_ = sandbox_.file("api.pem");
        key_ = sandbox_.file("api.key");
        auto made =
            test::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                       "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key_, "-out", cert_});
        EXPECT_EQ(made.exit_code, 0) << made.err;
        stub_ = std::make_unique<Stub>(
            "kube",
            std::vector<std::string>{"--devserver", server_.url(), "--cert", cert_, "--key", key_});
    }

    // A kubeconfig whose user runs latchkey for `api_version`.
    std::string kubeconfig(const std::string& api_version,
                           const std::string& site_name = "cluster") {
        return sandbox_.write(
            "kubeconfig",
            "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
            "clusters:\n- name: test\n  cluster:\n    server: " +
                stub_->url() + "\n    certificate-authority: " + cert_ +
                "\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: lk\n"
                "users:\n- name: lk\n  user:\n    exec:\n      apiVersion: "
                "client.authentication.k8s.io/" +
                api_version + "\n      command: " + bin_dir() +
                "/latchkey\n      args: [\"--at\", \"" + site_name +
                "\", \"kube-credential\"]\n      interactiveMode: Never\n");
    }

    RunResult kubectl(const std::string& config) {
        return tool({"kubectl", "--kubeconfig", config, "get", "--raw", "/api"},
                    {{"KUBECONFIG", std::nullopt}});
    }

    std::string cert_, key_;
    std::unique_ptr<Stub> stub_;
};

TEST_F(KubeCredential, KubectlCallsTheApiServerWithTheTokenForV1AndV1beta1) {
    write_policy(site("cluster", ""));
    for (std::string version : {"v1", "v1beta1"}) {
        auto r = kubectl(kubeconfig(version));
        ASSERT_EQ(r.exit_code, 0) << version << ": " << r.err;
        EXPECT_NE(r.out.find("\"APIVersions\""), std::string::npos) << r.out;
    }
    EXPECT_EQ(issued(), 1);  // the second kubectl got latchkey's cached token
}

TEST_F(KubeCredential, EightKubectlsAtOnceShareOneFetch) {
    write_policy(site("cluster", ""));
    std::string config = kubeconfig("v1");
    std::vector<RunResult> results(8);
    RunOptions o = options({{"LATCHKEY_CONFIG", policy()}, {"KUBECONFIG", std::nullopt}});
    std::vector<std::thread> threads;
    for (auto& r : results)
        threads.emplace_back([&r, &o, &config] {
            r = test::run({"/usr/bin/kubectl", "--kubeconfig", config, "get", "--raw", "/api"}, o);
        });
    for (auto& t : threads) t.join();
    for (auto& r : results) {
        record({"kubectl", "get", "--raw", "/api"}, r);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find("\"APIVersions\""), std::string::npos) << r.out;
    }
    EXPECT_EQ(issued(), 1);
}

TEST_F(KubeCredential, ASiteThatCannotGetATokenIsOneLineOnKubectlsErrorOutput) {
    write_policy(site("cluster", "") +
                 "[sites.broken]\nprovider = \"oauth2-client-credentials\"\n"
                 "token_url = \"http://127.0.0.1:" +
                 std::to_string(closed_port()) +
                 "/token\"\nclient_id = \"x\"\nclient_secret = \"y\"\ntimeout = \"2s\"\n");
    auto r = kubectl(kubeconfig("v1", "broken"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("latchkey: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("broken"), std::string::npos) << r.err;
    auto unknown = kubectl(kubeconfig("v1", "nosuch"));
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_NE(unknown.err.find("nosuch"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace latchkey::itest
