#include "util/redactor.hpp"

namespace latchkey::util {

void Redactor::add(std::string_view secret) {
    // Very short values would blank out ordinary words; a secret that short
    // is not worth protecting by redaction anyway.
    if (secret.size() < 4) return;
    std::lock_guard lock(mu_);
    secrets_.emplace(secret);
}

std::string Redactor::redact(std::string_view text) const {
    std::string out(text);
    std::lock_guard lock(mu_);
    for (const std::string& s : secrets_) {
        for (size_t pos = out.find(s); pos != std::string::npos; pos = out.find(s, pos + 4))
            out.replace(pos, s.size(), "****");
    }
    return out;
}

}  // namespace latchkey::util
