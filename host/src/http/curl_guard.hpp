// What every request of the HTTP module does before and while it
// connects (module side, libcurl): the scheme, and that plain http reaches
// only this machine -- decided by the address each socket is opened to, so
// no resolver answer can change between the check and the connection.
// Shared by the providers' client (http_client.cpp) and `latchkey curl`'s
// transfers (transfer.cpp).
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <string>

namespace latchkey::http {

// curl_global_init, once per process.
void init_curl();

// The scheme and host of `url` as libcurl parses it; false (and `error`)
// when it does not parse.
bool split_url(const std::string& url, std::string& scheme, std::string& host, std::string& error);

// "refusing plain http to HOST WHY (credentials would travel unencrypted); use https"
std::string plain_http_refusal(const std::string& host, const std::string& why);

// What the socket callbacks learn about one request.
struct Watch {
    bool plain_http = false;
    // Plain http to any address (`latchkey curl --plain-http`): the user said so.
    bool plain_http_anywhere = false;
    std::string refused_address;  // a plain-http connection not opened, and where to
    bool sending = false;         // connected (TLS done): the request is being sent
};

// http or https only; plain http only to a loopback IP literal or a name
// (decided on connection), unless `watch.plain_http_anywhere`. Sets
// `watch.plain_http` and `host`.
bool allowed_scheme(const std::string& url, Watch& watch, std::string& host, std::string& error);

// What every request of the module sets: the URL, http and https only, no
// redirect followed (it would take the request, credentials and all,
// wherever the server points), the timeout, the error buffer, the user
// agent; and the socket and pre-request callbacks that fill `watch`, with no
// proxy for plain http to this machine (a proxy would carry it on, in
// clear, to wherever the URL's name points).
void prepare(CURL* c, const std::string& url, int64_t timeout_ms, char* errbuf, Watch& watch);

// After curl_easy_perform: why a plain-http request was refused by prepare(),
// or "" when it was not.
std::string guard_refusal(const Watch& watch, const std::string& host, CURLcode rc);

}  // namespace latchkey::http
