// What an `exec` provider's program prints: a Kubernetes ExecCredential, an
// AWS credential_process answer or latchkey's own {"token": ...}, read with
// every choice of AWS token; and the secrets found in it for redaction.
#include <string_view>

#include "credential_output.hpp"
#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::exec;
    static latchkey::fuzz::FakeHost host;  // the host's own time service
    std::string_view out(reinterpret_cast<const char*>(data), size);
    secrets_in(out);
    for (AwsToken which :
         {AwsToken::credential_process, AwsToken::session_token, AwsToken::secret_access_key}) {
        try {
            parse_output(host.host(), out, which);
        } catch (const FormatError&) {
        } catch (const latchkey::sdk::Error&) {
        }
    }
    return 0;
}
