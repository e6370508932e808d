// The full `latchkey` program, which the front door hands every command it
// does not answer itself. It is installed in LIBEXECDIR/latchkey/, where the
// build tree has it too (libexec/latchkey/ next to bin/).
#pragma once

namespace latchkey::front {

// Replaces this process with the full program, with the same arguments
// (argv[0] included: git-credential-latchkey stays that) and environment.
// Returns only when it cannot be run, after saying why on standard error:
// the exit code to end with.
int run_full_program(char** argv);

}  // namespace latchkey::front
