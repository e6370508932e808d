// `latchkey aws-credential`: the AWS tools' credential_process, answered from
// latchkey's cache. In ~/.aws/config:
//
//   [profile prod]
//   credential_process = latchkey --at aws-prod aws-credential
//
// The site's credential must be an AWS one: the `exec` provider's
// credential_process form (aws_token = "credential_process", its default),
// whose token is the Version 1 JSON. The answer is that JSON again (Version,
// AccessKeyId, SecretAccessKey, SessionToken, Expiration), with Expiration
// from the credential's expiry when the JSON had none, so the SDKs refresh
// through latchkey when it ends.
#include <iostream>
#include <latchkey/common/aws_credential_json.hpp>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>

#include "helper_io.hpp"

namespace latchkey::cli {

namespace {

int aws_credential(Context& ctx) {
    po::options_description desc("aws-credential");
    po::variables_map vm;
    if (!parse_command_options(ctx, "aws-credential", "aws-credential", desc, vm)) return 0;
    SiteCredential c = site_credential(ctx, "");
    const std::string& site = c.site;
    rapidjson::Document doc;
    const rapidjson::Value* version = nullptr;
    if (!common::parse_bounded_json(doc, c.token) && doc.IsObject())
        version = common::member(doc, "Version");
    if (!version || !version->IsInt() || version->GetInt() != 1 ||
        !common::string_member(doc, "AccessKeyId") ||
        !common::string_member(doc, "SecretAccessKey"))
        throw Error(ErrorKind::config,
                    "site '" + site +
                        "': its credential is not an AWS one; aws-credential needs a site whose "
                        "provider gives the credential_process JSON (provider \"exec\" running "
                        "an AWS credential program, with aws_token = \"credential_process\")");
    std::cout << common::aws_credential_json(
                     doc, c.expires_at_ms ? iso_time(c.expires_at_ms) : std::string())
              << std::endl;
    return 0;
}

}  // namespace

std::vector<Command> aws_credential_commands() {
    return {{"aws-credential",
             "AWS credential_process (credential_process = latchkey --at SITE aws-credential)",
             aws_credential}};
}

}  // namespace latchkey::cli
