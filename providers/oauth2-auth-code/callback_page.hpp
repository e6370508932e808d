// The short pages the loopback listener shows in the browser. They never
// echo what the request carried: only fixed text and, for a refusal, an
// RFC 6749 error code made of letters and '_' (so nothing needs escaping).
#ifndef LATCHKEY_AUTH_CODE_CALLBACK_PAGE_HPP
#define LATCHKEY_AUTH_CODE_CALLBACK_PAGE_HPP

#include <string>

#include "callback.hpp"

namespace latchkey::auth_code {

// The page for the first callback: success, or why it cannot be used.
std::string answer_page(const CallbackAnswer& answer);
// The page for any later callback, which is never used.
std::string already_answered_page();
std::string not_found_page();

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_CALLBACK_PAGE_HPP
