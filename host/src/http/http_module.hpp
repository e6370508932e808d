// The table the HTTP module (modules/http.so, libcurl) hands to liblatchkey.
#pragma once

#include "http/http_client.hpp"
#include "http/transfer.hpp"
#include "module/module.hpp"

namespace latchkey::http {

struct HttpModule : module::ModuleHeader {
    // Client::send's work: the request, its timeout, the largest body
    // accepted, the CA bundle ("" = the system's). Without an answer:
    // nullopt, `failure` says why and `delivery` whether the server may have
    // received the request.
    std::optional<Response> (*send)(const latchkey_http_request& req, int64_t timeout_ms,
                                    size_t max_body, Failure& failure, const std::string& ca_file,
                                    Delivery& delivery);
    std::string (*url_encode)(const std::string& text);
    std::string (*insecure_http_host)(const std::string& url);
    // http::url_password's work.
    std::optional<std::string> (*url_password)(const std::string& url);
    // http::transfer's work (`latchkey curl`).
    std::optional<long> (*transfer)(const Transfer& t, Failure& failure);
    std::string (*url_decode)(const std::string& text);
};

}  // namespace latchkey::http
