// An application built against an installed latchkey: prints the header line
// for the site named on its command line. The policy and the plugin search
// path come from the environment (LATCHKEY_CONFIG, LATCHKEY_PLUGIN_PATH), as
// for any application using the library.
#include <iostream>
#include <latchkey/host.hpp>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: kit-app SITE\n";
        return 2;
    }
    try {
        auto host = latchkey::Host::open();
        std::cout << host.token(argv[1]).header() << "\n";
        return 0;
    } catch (const latchkey::Error& e) {
        std::cerr << "kit-app: " << e.what() << "\n";
        return 1;
    }
}
