#include "callback_page.hpp"

namespace latchkey::auth_code {

namespace {

std::string page(const std::string& title, const std::string& text) {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>latchkey: " + title +
           "</title></head>\n<body><h1>" + title + "</h1>\n<p>" + text + "</p></body></html>\n";
}

const char* const kBackToTerminal = " Return to the terminal.";

}  // namespace

std::string answer_page(const CallbackAnswer& a) {
    switch (a.kind) {
        case CallbackAnswer::Kind::code:
            return page("Login received",
                        "latchkey received the authorization and is finishing the login. You "
                        "can close this tab and return to the terminal.");
        case CallbackAnswer::Kind::refused: {
            std::string code = plain_error_code(a.error);
            return page("Login failed", "The authorization server refused the login" +
                                            (code.empty() ? std::string() : " (" + code + ")") +
                                            "." + kBackToTerminal);
        }
        case CallbackAnswer::Kind::wrong_state:
            return page("Login failed",
                        std::string("This redirect does not belong to the login latchkey is "
                                    "waiting for (the state does not match); it was not used.") +
                            kBackToTerminal);
        case CallbackAnswer::Kind::wrong_issuer:
            return page("Login failed",
                        std::string("This redirect comes from another authorization server than "
                                    "the one latchkey is configured for; it was not used.") +
                            kBackToTerminal);
        case CallbackAnswer::Kind::no_code:
            return page("Login failed", std::string("The redirect carries no authorization code.") +
                                            kBackToTerminal);
        case CallbackAnswer::Kind::malformed:
            break;
    }
    return page("Login failed", std::string("The redirect repeats a parameter; it was not used.") +
                                    kBackToTerminal);
}

std::string already_answered_page() {
    return page("Already answered",
                std::string("This login already received its redirect; this request was not "
                            "used.") +
                    kBackToTerminal);
}

std::string not_found_page() { return page("Not found", "Nothing here."); }

}  // namespace latchkey::auth_code
