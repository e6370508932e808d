#include "util/redactor.hpp"

#include <cctype>

#include "util/secure_memory.hpp"

namespace latchkey::util {

namespace {

bool scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Where a URL written in running text ends: at white space, a quote, an
// angle bracket or a control character.
bool ends_url(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
           c == '>' || c == '`' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

}  // namespace

std::string mask_url_passwords(std::string_view text, UrlPasswordFinder find) {
    std::string out(text);
    size_t from = 0;
    for (size_t sep; (sep = out.find("://", from)) != std::string::npos;) {
        size_t begin = sep;
        while (begin > 0 && scheme_char(out[begin - 1])) --begin;
        size_t end = sep + 3;
        while (end < out.size() && !ends_url(out[end])) ++end;
        size_t host_end = out.find_first_of("/?#", sep + 3);
        if (host_end == std::string::npos || host_end > end) host_end = end;
        size_t at = out.rfind('@', host_end);
        from = end;
        if (begin == sep || at == std::string::npos || at < sep + 3) continue;
        std::optional<std::string> password;
        if (find) password = find(out.substr(begin, end - begin));
        if (password && password->empty()) continue;  // a user name only
        // The password sits between the ':' after the user name and the '@'.
        size_t pw_begin = password ? at - password->size() : sep + 3;
        if (password && (pw_begin <= sep + 3 || out[pw_begin - 1] != ':' ||
                         out.compare(pw_begin, password->size(), *password) != 0))
            pw_begin = sep + 3;  // not where expected: hide the whole user part
        out.replace(pw_begin, at - pw_begin, "****");
        from = end - (at - pw_begin) + 4;
    }
    return out;
}

Redactor::~Redactor() {
    // The set's strings are const only to keep the order; they die here.
    for (const std::string& s : secrets_) wipe(const_cast<std::string&>(s));
}

void Redactor::add(std::string_view secret) {
    // Very short values would blank out ordinary words; a secret that short
    // is not worth protecting by redaction anyway.
    if (secret.size() < 4) return;
    std::lock_guard lock(mu_);
    secrets_.emplace(secret);
}

std::string Redactor::redact(std::string_view text) const {
    std::string out(text);
    {
        std::lock_guard lock(mu_);
        for (const std::string& s : secrets_) {
            for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 4))
                out.replace(pos, s.size(), "****");
        }
    }
    return mask_url_passwords(out, find_url_password_);
}

}  // namespace latchkey::util
