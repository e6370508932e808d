// Timestamps as servers write them, for the time host service (and so for
// every provider): RFC 3339 ("2024-05-01T12:00:00Z", Kubernetes'
// expirationTimestamp, AWS's Expiration, GitHub's expires_at) and the
// HTTP-date of RFC 9110 (Retry-After, Expires). All in Unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::util {

// The instant `text` names, or nullopt when it is not an RFC 3339 date-time:
// a full date, "T" (or "t" or one space), a full time with optional fraction
// (kept to milliseconds), and "Z" or a "+hh:mm"/"-hh:mm" offset. A leap second
// (":60") counts as the last second of its minute.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

// The instant an HTTP-date names (RFC 9110 §5.6.7): the IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994")
// forms a recipient must still accept. Independent of the process's locale.
std::optional<int64_t> parse_http_date_ms(std::string_view text);

// `unix_ms` in UTC, "2024-05-01T12:00:00Z", with ".250" only when the
// milliseconds are not zero; nullopt outside 1970..9999.
std::optional<std::string> format_rfc3339(int64_t unix_ms);
// `unix_ms` as an IMF-fixdate (whole seconds); nullopt outside 1970..9999.
std::optional<std::string> format_http_date(int64_t unix_ms);

}  // namespace latchkey::util
