// What an exec program may print on standard output, and how each form
// becomes a latchkey credential:
//  - Kubernetes ExecCredential (client.authentication.k8s.io/v1 or v1beta1):
//    status.token, status.expirationTimestamp (RFC 3339), sent as Bearer.
//  - AWS credential_process (Version 1): AccessKeyId, SecretAccessKey,
//    SessionToken, Expiration; the token is chosen by AwsToken below, and
//    AccessKeyId (an identifier, not a secret) is kept as the extra
//    aws_access_key_id.
//  - latchkey's own: {"token", "expires_at" (RFC 3339 text, or Unix seconds as
//    a number), "token_type" (default "Bearer"), "header_name" (default
//    Authorization), "extras" (an object of non-secret strings)}.
#pragma once

#include <cstdint>
#include <latchkey/provider.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey::exec {

// Which part of an AWS answer is the token.
enum class AwsToken {
    credential_process,  // the Version 1 JSON itself, so `latchkey token` can be a
                         // caching credential_process for the AWS tools
    session_token,       // SessionToken
    secret_access_key,   // SecretAccessKey
};

// The output is not a credential. The message says what is wrong and never
// quotes a value from the output.
class FormatError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

// The three accepted forms, for messages.
extern const char* const kAcceptedFormats;

struct ParsedOutput {
    sdk::Credential credential;
    const char* format = "";  // "Kubernetes ExecCredential" ...
};

// Every secret value in `out` (tokens, keys) when it is JSON, whether or not
// it is a valid credential: the caller registers them for redaction before
// it reports anything about the run.
std::vector<std::string> secrets_in(std::string_view out);

// Reads a credential; timestamps through `host`'s time service. Throws
// FormatError.
ParsedOutput parse_output(const sdk::Host& host, std::string_view out, AwsToken aws_token);

}  // namespace latchkey::exec
