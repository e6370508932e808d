// Handing a latchkey::Credential out through a latchkey_token
// (latchkey/latchkey.h): the strings it points to live in a holder the
// token's `internal` owns, until latchkey_token_release().
#pragma once

#include "latchkey/credential.hpp"
#include "latchkey/latchkey.h"

namespace latchkey::capi {

// False when `out` is NULL or smaller than a 1.0 latchkey_token.
bool token_struct_ok(const latchkey_token* out);
// Fills `out` (checked with token_struct_ok) with `credential`.
void hand_out(const Credential& credential, latchkey_token* out);

}  // namespace latchkey::capi
