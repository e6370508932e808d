// http::Client in liblatchkey: hands each request to the HTTP module, mapped
// on the first request (see module/module.hpp). Initialising libcurl and
// TLS only then means a cached token never pays for them.
#include "http/http_client.hpp"
#include "http/http_module.hpp"

namespace latchkey::http {

const std::string* Response::header(const std::string& lower_name) const {
    for (auto& [k, v] : headers)
        if (k == lower_name) return &v;
    return nullptr;
}

std::string url_encode(const std::string& text) {
    try {
        return module::get<HttpModule>("http").url_encode(text);
    } catch (const Error&) {
        return {};
    }
}

std::string url_decode(const std::string& text) {
    try {
        return module::get<HttpModule>("http").url_decode(text);
    } catch (const Error&) {
        return {};
    }
}

std::string insecure_http_host(const std::string& url) {
    try {
        return module::get<HttpModule>("http").insecure_http_host(url);
    } catch (const Error&) {
        return {};
    }
}

std::optional<std::string> url_password(const std::string& url) {
    try {
        return module::get<HttpModule>("http").url_password(url);
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::optional<long> transfer(const Transfer& t, Failure& failure) {
    try {
        return module::get<HttpModule>("http").transfer(t, failure);
    } catch (const Error& e) {
        failure = {Failure::Kind::internal, e.what()};
        return std::nullopt;
    }
}

Client::Client(size_t max_body) : max_body_(max_body) {}

std::optional<Response> Client::send(const latchkey_http_request& req, int64_t timeout_ms,
                                     Failure& failure, const std::string& ca_file,
                                     Delivery* delivery) const {
    Delivery ignored = Delivery::none;
    Delivery& d = delivery ? *delivery : ignored;
    d = Delivery::none;
    const HttpModule* m = nullptr;
    try {
        m = &module::get<HttpModule>("http");
    } catch (const Error& e) {
        failure = {Failure::Kind::internal, e.what()};
        return std::nullopt;
    }
    return m->send(req, timeout_ms, max_body_, failure, ca_file, d);
}

}  // namespace latchkey::http
