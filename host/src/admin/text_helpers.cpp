// The process and text helpers of latchkey/admin.hpp: the library's own,
// handed to administrative tools so that none writes them again.
#include "provider/interaction.hpp"
#include "http/http_client.hpp"
#include "latchkey/admin.hpp"
#include "policy/option_spec.hpp"
#include "policy/policy_location.hpp"
#include "util/clock.hpp"
#include "util/core_dumps.hpp"
#include "util/duration.hpp"
#include "util/printable.hpp"
#include "util/redactor.hpp"
#include "util/strings.hpp"

namespace latchkey::admin {

std::vector<std::string> site_option_keys() {
    std::vector<std::string> out;
    for (auto& h : policy::host_site_options()) out.push_back(h.key);
    return out;
}

std::string policy_file(const std::optional<std::string>& config) {
    bool explicit_choice = false;
    return policy::policy_path(config, explicit_choice);
}

std::optional<int64_t> parse_duration_ms(std::string_view text) {
    return util::parse_duration_ms(text);
}

std::string refuse_core_dumps() { return util::refuse_core_dumps(); }

bool cancel_interaction() { return provider::cancelled().exchange(true); }

std::string printable(std::string_view text, bool keep_newlines) {
    return util::printable(text, keep_newlines ? util::Newlines::keep : util::Newlines::escape);
}

std::string form_decode(std::string_view component) {
    std::string spaced(component);
    for (char& c : spaced)
        if (c == '+') c = ' ';
    return http::url_decode(spaced);
}

std::string without_url_passwords(std::string_view text) {
    return util::mask_url_passwords(text, http::url_password);
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
    return util::nearest(word, candidates);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    return util::join(parts, sep);
}

std::string trim(std::string_view text) { return util::trim(text); }

std::vector<std::string> split(std::string_view text, std::string_view seps) {
    return util::split(text, seps);
}

int64_t now_ms() { return util::now_ms(); }

}  // namespace latchkey::admin
