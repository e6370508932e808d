#include "capi/c_token.hpp"

#include <string>
#include <vector>

#include "util/secure_memory.hpp"

namespace latchkey::capi {

namespace {

// What a handed-out token points into. The credential itself is shared
// with the host's cache (a reference count, no copy of the secret); the two
// header strings are this token's own and are wiped with it.
struct Holder {
    explicit Holder(const Credential& c)
        : credential(c), header_value(c.header_value()), header(c.header()) {
        for (auto& [key, value] : credential.extras()) {
            keys.push_back(key.c_str());
            values.push_back(value.c_str());
        }
    }
    ~Holder() {
        util::wipe(header_value);
        util::wipe(header);
    }
    Credential credential;
    std::string header_value;
    std::string header;
    std::vector<const char*> keys;
    std::vector<const char*> values;
};

}  // namespace

bool token_struct_ok(const latchkey_token* out) {
    return out && out->struct_size >= LATCHKEY_TOKEN_V1_0_SIZE;
}

void hand_out(const Credential& credential, latchkey_token* out) {
    auto* h = new Holder(credential);
    out->internal = h;
    out->token = h->credential.token().c_str();
    out->token_type = h->credential.token_type().c_str();
    out->header_name = h->credential.header_name().c_str();
    out->header_value = h->header_value.c_str();
    out->header = h->header.c_str();
    out->expires_at_ms = h->credential.expires_at_ms();
    out->obtained_at_ms = h->credential.obtained_at_ms();
    out->extra_count = h->keys.size();
    out->extra_keys = h->keys.empty() ? nullptr : h->keys.data();
    out->extra_values = h->values.empty() ? nullptr : h->values.data();
    if (out->struct_size >= LATCHKEY_TOKEN_V1_1_SIZE)
        out->agent_socket =
            h->credential.agent_socket().empty() ? nullptr : h->credential.agent_socket().c_str();
}

}  // namespace latchkey::capi

extern "C" void latchkey_token_release(latchkey_token* token) {
    if (!latchkey::capi::token_struct_ok(token)) return;
    delete static_cast<latchkey::capi::Holder*>(token->internal);
    token->internal = nullptr;
    token->token = token->token_type = token->header_name = nullptr;
    token->header_value = token->header = nullptr;
    token->expires_at_ms = token->obtained_at_ms = 0;
    token->extra_count = 0;
    token->extra_keys = token->extra_values = nullptr;
    if (token->struct_size >= LATCHKEY_TOKEN_V1_1_SIZE) token->agent_socket = nullptr;
}
