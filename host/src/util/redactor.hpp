// The set of secret values this process knows of, and a function that hides
// them in any text before it is printed or logged.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace latchkey::util {

class Redactor {
 public:
    void add(std::string_view secret);
    std::string redact(std::string_view text) const;

 private:
    // Longest first, so a secret that contains another is hidden whole.
    struct LongestFirst {
        bool operator()(const std::string& a, const std::string& b) const {
            return a.size() != b.size() ? a.size() > b.size() : a < b;
        }
    };
    mutable std::mutex mu_;
    std::set<std::string, LongestFirst> secrets_;
};

}  // namespace latchkey::util
