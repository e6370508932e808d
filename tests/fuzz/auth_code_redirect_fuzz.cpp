// The redirect address a person pastes at the end of an oauth2-auth-code
// login: checked against redirect_uri, its query decoded and judged (state,
// iss, code or error), then the page or the error the person would see.
#include <string>

#include "callback.hpp"
#include "callback_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::auth_code;
    const ExpectedAnswer expected{"st4te-0123456789", "https://issuer.example"};
    const std::string pasted(reinterpret_cast<const char*>(data), size);
    try {
        CallbackAnswer answer = evaluate_pasted(pasted, "http://127.0.0.1:8400/callback", expected);
        answer_page(answer);
        if (answer.kind != CallbackAnswer::Kind::code) callback_error(answer);
        plain_error_code(answer.error);
    } catch (const latchkey::sdk::Error&) {
        // Not the redirect address: the person is told what to paste.
    }
    return 0;
}
