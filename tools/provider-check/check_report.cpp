#include "check_report.hpp"

#include <cstdio>
#include <iostream>

#include "util/printable.hpp"

namespace latchkey::check {

void Report::row(const char* verdict, const std::string& check, const std::string& detail) {
    char name[40];
    std::snprintf(name, sizeof name, "%-28s", check.c_str());
    // A plugin's messages are outside text: never raw to the terminal.
    std::cout << verdict << "  " << name << (detail.empty() ? "" : "  ") << util::printable(detail)
              << std::endl;
}

void Report::pass(const std::string& check, const std::string& detail) {
    ++checks_;
    row("PASS", check, detail);
}

void Report::fail(const std::string& check, const std::string& why) {
    ++checks_;
    ++failures_;
    row("FAIL", check, why);
}

void Report::skip(const std::string& check, const std::string& why) { row("SKIP", check, why); }

std::string Report::summary() const {
    return std::to_string(checks_) + " checks, " + std::to_string(failures_) + " failed";
}

}  // namespace latchkey::check
