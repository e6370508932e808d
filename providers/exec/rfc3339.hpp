// RFC 3339 timestamps ("2024-05-01T12:00:00Z", "2024-05-01T14:00:00.5+02:00")
// as Unix milliseconds. Kubernetes' expirationTimestamp, AWS's Expiration
// and latchkey's own expires_at all use this form.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace latchkey::exec {

// The instant `text` names, or nullopt when it is not an RFC 3339 date-time:
// a full date, "T" (or "t" or one space), a full time with optional fraction
// (kept to milliseconds), and "Z" or a "+hh:mm"/"-hh:mm" offset. A leap second
// (":60") counts as the last second of its minute.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace latchkey::exec
