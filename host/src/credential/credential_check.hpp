// What a credential must be before the host hands it to anyone: a token,
// token type and header name that fit in one HTTP header line, and times a
// calendar can hold. Checked where a credential enters the host: a
// provider's result (bridge/provider_instance.cpp) and a credential read back
// from storage (HostImpl::stored, storage/record_json.cpp for the times).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "credential/credential_data.hpp"

namespace latchkey::credential {

// 9999-12-31T23:59:59.999Z, the latest instant a credential may name. Later
// is no real expiry, and arithmetic on it (now - expiry, lifetimes, the
// refresh window) could overflow.
inline constexpr int64_t kLatestTimeMs = 253402300799999;

// True for 0 ("not said") and for instants from 1970 to kLatestTimeMs.
inline bool time_in_range(int64_t ms) { return ms >= 0 && ms <= kLatestTimeMs; }

// What makes `c` unfit to send as `Name: Type Token`, or nullopt. It names
// the field and the kind of fault, never the value (which is a secret).
std::optional<std::string> header_problem(const detail::CredentialData& c);

}  // namespace latchkey::credential
