// The checker's pass/fail table: one row per check, printed as it goes.
#pragma once

#include <string>
#include <vector>

namespace latchkey::check {

class Report {
 public:
    void pass(const std::string& check, const std::string& detail = "");
    void fail(const std::string& check, const std::string& why);
    // A check that does not apply (no live site given): not a failure.
    void skip(const std::string& check, const std::string& why);
    bool failed() const { return failures_ > 0; }
    // "N checks, M failed", for the last line.
    std::string summary() const;

 private:
    void row(const char* verdict, const std::string& check, const std::string& detail);
    int checks_ = 0;
    int failures_ = 0;
};

}  // namespace latchkey::check
