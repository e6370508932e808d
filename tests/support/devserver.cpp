#include "devserver.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "http.hpp"

namespace latchkey::test {

DevServer::DevServer(const std::vector<std::string>& args) {
    std::vector<std::string> argv{LATCHKEY_DEVSERVER_PATH, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<Child>(argv);
    auto line = child_->read_line(10'000);
    const std::string marker = "listening on ";
    if (!line || line->find(marker) == std::string::npos)
        throw std::runtime_error("dev server did not start: " + line.value_or("(no output)"));
    url_ = line->substr(line->find(marker) + marker.size());
}

DevServer::~DevServer() { stop(); }

int DevServer::stop() { return child_ ? child_->stop() : 0; }

rapidjson::Document DevServer::stats() const {
    rapidjson::Document d;
    auto r = http_get(url_ + "/admin/stats");
    d.Parse(r.body.c_str());
    if (d.HasParseError() || !d.IsObject())
        throw std::runtime_error("bad /admin/stats answer: " + r.body);
    return d;
}

int DevServer::issued(const std::string& client_id) const {
    auto d = stats();
    if (!d.HasMember("clients") || !d["clients"].HasMember(client_id.c_str())) return 0;
    return d["clients"][client_id.c_str()]["issued"].GetInt();
}

void DevServer::fault(const std::string& mode, int count, int retry_after_s, int delay_ms) const {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("mode");
    w.String(mode.c_str());
    w.Key("count");
    w.Int(count);
    if (retry_after_s) w.Key("retry_after"), w.Int(retry_after_s);
    if (delay_ms) w.Key("delay_ms"), w.Int(delay_ms);
    w.EndObject();
    auto r = http_post_json(url_ + "/admin/faults", buf.GetString());
    if (r.status != 200) throw std::runtime_error("arming fault " + mode + " failed: " + r.body);
}

}  // namespace latchkey::test
