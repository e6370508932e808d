#include "options.hpp"

#include <boost/program_options.hpp>
#include <iostream>
#include <string>

namespace devserver {

namespace po = boost::program_options;

ParsedOptions parse_options(int argc, char** argv) {
    po::options_description desc(
        "Usage: latchkey-devserver [options]\n"
        "Local OAuth 2.0 / OpenID Connect authorization server for latchkey demos and tests.\n"
        "Listens on 127.0.0.1 only.\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help", "show this help and exit")
        ("port", po::value<int>()->default_value(0), "TCP port on 127.0.0.1; 0 picks a free one")
        ("client", po::value<std::vector<std::string>>()->composing(),
         "ID:SECRET[:SCOPE1,SCOPE2...] a client that may get tokens (repeatable); "
         "without scopes the client may ask for any scope; an empty SECRET (ID: or "
         "ID::SCOPES) makes a public client (auth method none)")
        ("token-lifetime", po::value<std::int64_t>()->default_value(3600),
         "seconds until an issued token expires (expires_in)")
        ("setting", po::value<std::vector<std::string>>()->composing(),
         "KEY=VALUE a setting read by an endpoint module (repeatable)")
        ("tls-cert", po::value<std::string>(),
         "PEM certificate (chain) for an extra HTTPS listener on 127.0.0.1")
        ("tls-key", po::value<std::string>(), "PEM private key of --tls-cert")
        ("tls-client-ca", po::value<std::string>(),
         "PEM CA whose client certificates the HTTPS listener accepts (tls_client_auth)")
        ("tls-port", po::value<int>()->default_value(0),
         "TCP port of the HTTPS listener; 0 picks a free one");
    // clang-format on

    po::variables_map vm;
    try {
        // No abbreviation guessing: a test typing --port must not get a different flag.
        const auto style =
            po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        // An empty positional description makes stray arguments an error instead of
        // being silently dropped.
        const po::positional_options_description no_positionals;
        po::store(po::command_line_parser(argc, argv)
                      .options(desc)
                      .positional(no_positionals)
                      .style(style)
                      .run(),
                  vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "latchkey-devserver: " << e.what() << "\n(see --help)\n";
        return {std::nullopt, 2};
    }
    if (vm.count("help")) {
        std::cout << desc << '\n';
        return {std::nullopt, 0};
    }

    Options options;
    options.port = vm["port"].as<int>();
    if (options.port < 0 || options.port > 65535) {
        std::cerr << "latchkey-devserver: --port must be between 0 and 65535\n";
        return {std::nullopt, 2};
    }
    options.token_lifetime = vm["token-lifetime"].as<std::int64_t>();
    if (options.token_lifetime < 0) {
        std::cerr << "latchkey-devserver: --token-lifetime must not be negative\n";
        return {std::nullopt, 2};
    }
    if (vm.count("client")) {
        try {
            for (const auto& spec : vm["client"].as<std::vector<std::string>>()) {
                options.clients.push_back(parse_client_spec(spec));
            }
        } catch (const std::invalid_argument& e) {
            std::cerr << "latchkey-devserver: " << e.what() << '\n';
            return {std::nullopt, 2};
        }
    }
    if (vm.count("tls-cert") != vm.count("tls-key")) {
        std::cerr << "latchkey-devserver: --tls-cert and --tls-key go together\n";
        return {std::nullopt, 2};
    }
    if (vm.count("tls-client-ca") && !vm.count("tls-cert")) {
        std::cerr << "latchkey-devserver: --tls-client-ca needs --tls-cert and --tls-key\n";
        return {std::nullopt, 2};
    }
    if (vm.count("tls-cert")) {
        options.tls_cert = vm["tls-cert"].as<std::string>();
        options.tls_key = vm["tls-key"].as<std::string>();
    }
    if (vm.count("tls-client-ca")) {
        options.tls_client_ca = vm["tls-client-ca"].as<std::string>();
    }
    options.tls_port = vm["tls-port"].as<int>();
    if (options.tls_port < 0 || options.tls_port > 65535) {
        std::cerr << "latchkey-devserver: --tls-port must be between 0 and 65535\n";
        return {std::nullopt, 2};
    }
    if (vm.count("setting")) {
        for (const auto& pair : vm["setting"].as<std::vector<std::string>>()) {
            const auto eq = pair.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "latchkey-devserver: --setting wants KEY=VALUE, got '" << pair
                          << "'\n";
                return {std::nullopt, 2};
            }
            options.settings[pair.substr(0, eq)] = pair.substr(eq + 1);
        }
    }
    return {std::move(options), 0};
}

}  // namespace devserver
