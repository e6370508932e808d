// The few HTML pages a person would see (device verification, consent, errors). Every
// dynamic value goes through html_escape: none is ever echoed as markup.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

namespace devserver {

// Replaces & < > " ' with entities.
std::string html_escape(std::string_view text);

// A minimal page: <title>, <h1>title</h1> and `body_html` (already escaped by the caller).
void send_html(httplib::Response& res, int status, std::string_view title,
               const std::string& body_html);

// A POST form to `action` carrying `field`=`value` (escaped here) hidden, with the
// Approve and Deny buttons that send action=approve|deny.
std::string decision_form(std::string_view action, std::string_view field, std::string_view value);

}  // namespace devserver
