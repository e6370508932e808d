#include "abi/http_answer.hpp"

#include <charconv>

#include "util/timestamps.hpp"

namespace latchkey::abi {

namespace {

// The host caps every wait far below this; the cap keeps the arithmetic sane.
constexpr int64_t kDayMs = 24 * 3600 * 1000;

const char* reason(long status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 422:
            return "Unprocessable Content";
        case 425:
            return "Too Early";
        case 429:
            return "Too Many Requests";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return nullptr;
    }
}

// The category, and what to do about it (for the message).
std::pair<latchkey_status, const char*> category(long status) {
    if (status >= 300 && status <= 399)
        return {LATCHKEY_E_CONFIG,
                "a redirect, which the host does not follow: set the final address in the policy"};
    switch (status) {
        case 400:
            return {LATCHKEY_E_CONFIG,
                    "the request the site's options built was refused; check them"};
        case 401:
            return {LATCHKEY_E_REJECTED, "the credentials were refused"};
        case 403:
            return {LATCHKEY_E_REJECTED, "the credentials lack the permission, or were refused"};
        case 404:
        case 405:
        case 410:
            return {LATCHKEY_E_CONFIG, "no such endpoint: check the address in the policy"};
        case 422:
            return {LATCHKEY_E_CONFIG,
                    "the server understood the request but refused what it asked for; check "
                    "the site's options"};
        case 408:
        case 425:
        case 429:
            return {LATCHKEY_E_TRANSIENT, "try again later"};
    }
    if (status >= 500 && status <= 599) return {LATCHKEY_E_TRANSIENT, "try again later"};
    if (status >= 400 && status <= 499) return {LATCHKEY_E_REJECTED, "the request was refused"};
    return {LATCHKEY_E_INTERNAL, "not a final answer the host understands"};
}

}  // namespace

std::optional<int64_t> retry_after_wait_ms(const std::string& value, int64_t now_ms) {
    int64_t seconds = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
    if (ec == std::errc() && ptr == end && seconds >= 0)
        return seconds > kDayMs / 1000 ? kDayMs : seconds * 1000;
    if (ec == std::errc::result_out_of_range && ptr == end && value[0] != '-') return kDayMs;
    auto at = util::parse_http_date_ms(value);
    if (!at) return std::nullopt;
    if (*at <= now_ms) return 0;
    return *at - now_ms > kDayMs ? kDayMs : *at - now_ms;
}

HttpVerdict http_verdict(long status, const char* retry_after, const std::string& what,
                         int64_t now_ms) {
    HttpVerdict out;
    if (status >= 200 && status <= 299) return out;
    auto [st, advice] = category(status);
    out.status = st;
    out.message = what + " answered HTTP " + std::to_string(status);
    if (const char* r = reason(status)) out.message += std::string(" ") + r;
    out.message += std::string(": ") + advice;
    if (st == LATCHKEY_E_TRANSIENT && retry_after && *retry_after) {
        if (auto wait = retry_after_wait_ms(retry_after, now_ms)) {
            out.retry_after_ms = *wait;
            if (*wait > 0)
                out.message +=
                    " (the server asked to wait " + std::to_string((*wait + 999) / 1000) + " s)";
        }
    }
    return out;
}

}  // namespace latchkey::abi
