// The loopback redirect listener (RFC 8252 §7.3): an HTTP server on
// 127.0.0.1 only, for the one redirect that ends a login.
//
// It runs on its own threads while the provider waits, because the host's
// open_url may not return before the browser has followed the redirect. Those
// threads never touch a host service: they record the first callback and
// answer the browser; the provider reads the answer from its own thread.
#ifndef LATCHKEY_AUTH_CODE_LOOPBACK_LISTENER_HPP
#define LATCHKEY_AUTH_CODE_LOOPBACK_LISTENER_HPP

#include <memory>
#include <optional>
#include <string>

#include "callback.hpp"

namespace latchkey::auth_code {

class LoopbackListener {
 public:
    // Listens on 127.0.0.1:`port` (0: a free port the system picks) for GET
    // `path`. Throws sdk::Error when the port cannot be bound.
    LoopbackListener(int port, const std::string& path, const ExpectedAnswer& expected);
    ~LoopbackListener();  // stops listening and joins the threads
    LoopbackListener(const LoopbackListener&) = delete;
    LoopbackListener& operator=(const LoopbackListener&) = delete;

    // http://127.0.0.1:PORT/PATH, the redirect_uri of the request.
    std::string redirect_uri() const;
    // The first callback's answer, once one arrived. Later callbacks are
    // answered with an error page and never used.
    std::optional<CallbackAnswer> answer() const;

 private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_LOOPBACK_LISTENER_HPP
