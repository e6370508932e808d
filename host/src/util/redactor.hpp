// The set of secret values this process knows of, and a function that hides
// them in any text before it is printed or logged: every known secret, and
// the password of every URL (`https://user:PASSWORD@host/`), known or not.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace latchkey::util {

// The password of a URL's userinfo exactly as written in it ("" when there
// is none), or nullopt when the URL cannot be parsed. The host's is
// http::url_password (libcurl's URL API); util stays free of libcurl.
using UrlPasswordFinder = std::optional<std::string> (*)(const std::string& url);

// `text` with the password of every URL in it replaced by "****". Only a
// URL with '@' in its authority is handed to `find`, so text without one
// costs a scan. Where `find` is null or cannot parse the URL, everything
// before that '@' is hidden: a password must not show because its URL is odd.
std::string mask_url_passwords(std::string_view text, UrlPasswordFinder find);

class Redactor {
 public:
    explicit Redactor(UrlPasswordFinder find_url_password = nullptr)
        : find_url_password_(find_url_password) {}
    Redactor(const Redactor&) = delete;
    Redactor& operator=(const Redactor&) = delete;
    ~Redactor();

    void add(std::string_view secret);
    // Known secrets, then URL passwords, replaced by "****".
    std::string redact(std::string_view text) const;

 private:
    // Longest first, so a secret that contains another is hidden whole.
    struct LongestFirst {
        bool operator()(const std::string& a, const std::string& b) const {
            return a.size() != b.size() ? a.size() > b.size() : a < b;
        }
    };
    UrlPasswordFinder find_url_password_;
    mutable std::mutex mu_;
    std::set<std::string, LongestFirst> secrets_;
};

}  // namespace latchkey::util
