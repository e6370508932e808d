// credential_process = latchkey ... aws-credential: Debian's awscli signs a
// call to a local STS stub with the credential an exec-provider site keeps,
// and runs the site's program once for several calls.
#include "helper_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kKeyId = "AKIAINTEGLATCHKEY01";
const std::string kSecretKey = "aws-secret-Integ-3c9e1d";
const std::string kSession = "aws-session-Integ-8b2f44";

class AwsCredential : public HelperTest {
 protected:
    AwsCredential() {
        token_like(kSecretKey);  // printed by aws-credential only
        // The credential program: counts its runs, prints a Version 1 answer.
        program_ = sandbox_.write("aws-creds.sh",
                                  "#!/bin/sh\necho run >> " + sandbox_.file("runs") +
                                      "\necho '{\"Version\": 1, \"AccessKeyId\": \"" + kKeyId +
                                      "\", \"SecretAccessKey\": \"" + kSecretKey +
                                      "\", \"SessionToken\": \"" + kSession +
                                      "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
                                  0700);
        aws_config_ = sandbox_.write(
            "aws-config", "[profile lk]\nregion = us-east-1\ncredential_process = " + bin_dir() +
                              "/latchkey --at aws aws-credential\n"
                              "[profile wrong]\nregion = us-east-1\ncredential_process = " +
                              bin_dir() + "/latchkey --at oauth aws-credential\n");
    }

    RunResult aws(const std::string& profile) {
        return tool({"aws", "sts", "get-caller-identity", "--profile", profile, "--endpoint-url",
                     stub_.url(), "--output", "json"},
                    {{"AWS_CONFIG_FILE", aws_config_},
                     {"AWS_SHARED_CREDENTIALS_FILE", sandbox_.file("no-credentials")},
                     {"AWS_EC2_METADATA_DISABLED", "true"}});
    }

    std::string program_, aws_config_;
    Stub stub_{"sts", {"--key-id", kKeyId, "--session-token", kSession}};
};

TEST_F(AwsCredential, AwscliSignsWithTheCachedCredentialAndTheProgramRunsOnce) {
    write_policy("[sites.aws]\nprovider = \"exec\"\ncommand = [\"" + program_ + "\"]\n");
    for (int i = 0; i < 2; ++i) {
        auto r = aws("lk");
        ASSERT_EQ(r.exit_code, 0) << r.err;
        auto doc = parse_json(r.out);
        EXPECT_EQ(json_string(doc, "UserId"), kKeyId);
    }
    EXPECT_EQ(test::read_file(sandbox_.file("runs")), "run\n");
    auto direct = lk({"--at", "aws", "aws-credential"});
    ASSERT_EQ(direct.exit_code, 0) << direct.err;
    auto doc = parse_json(direct.out);
    EXPECT_EQ(doc["Version"].GetInt(), 1);
    EXPECT_EQ(json_string(doc, "AccessKeyId"), kKeyId);
    EXPECT_EQ(json_string(doc, "SessionToken"), kSession);
    EXPECT_EQ(json_string(doc, "Expiration"), "2099-01-01T00:00:00Z");
}

TEST_F(AwsCredential, ASiteWhoseCredentialIsNotAnAwsOneIsNamed) {
    write_policy(site("oauth", ""));
    auto r = aws("wrong");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("site 'oauth': its credential is not an AWS one"), std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
