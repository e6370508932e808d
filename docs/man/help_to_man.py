#!/usr/bin/env python3
"""Writes latchkey(1) from the built program's own help.

    help_to_man.py LATCHKEY OUT.1     the page, and OUT.1.gz beside it
    help_to_man.py --gzip IN OUT.gz   a compressed copy of a page (no timestamp)

Every command, flag and sentence comes from `latchkey --help` and
`latchkey COMMAND --help`, so the page cannot drift from the program: a new
command or flag appears in it at the next build. help2man reads one --help;
latchkey's commands each have their own, which this walks.
"""
import gzip
import os
import re
import subprocess
import sys


def run_help(program, words):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    env.update(LC_ALL="C", NO_COLOR="1")
    done = subprocess.run([program, *words, "--help"], env=env, capture_output=True, text=True,
                          timeout=30)
    if done.returncode != 0:
        sys.exit(f"help_to_man: `latchkey {' '.join(words)} --help` failed "
                 f"({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def roff(text):
    """Text as roff shows it literally: backslashes and dashes escaped, no
    line starting with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def blocks(text):
    """Paragraphs of the help, split at blank lines."""
    return [b for b in text.split("\n\n") if b.strip()]


def options(block):
    """(spec, description) of each entry of a Program_options block: an entry
    starts with two spaces and a dash; its description may wrap."""
    entries = []
    for line in block.splitlines():
        if line.startswith("  -"):
            spec, _, desc = line.strip().partition("  ")
            entries.append([spec.strip(), desc.strip()])
        elif entries and line.startswith("   "):
            entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
    return entries


def option_list(entries, skip_help):
    out = []
    for spec, desc in entries:
        if skip_help and spec.startswith("-h [ --help ]"):
            continue
        # "-o [ --output ] arg (=text)" -> "-o, --output arg (=text)"
        spec = re.sub(r"^(-\w) \[ (--[\w-]+) \]", r"\1, \2", spec)
        spec = re.sub(r"(-[\w-]+)", r"\\fB\1\\fR", roff(spec).replace("\\-", "-")).replace("-", "\\-")
        spec = spec.replace(" arg", " \\fIarg\\fR")
        out += [".TP", spec, roff(desc)]
    return out


def main():
    if sys.argv[1:2] == ["--gzip"]:
        _, _, src, dst = sys.argv
        with open(src, "rb") as f, open(dst, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as z:
                z.write(f.read())
        return
    program, out_path = sys.argv[1], sys.argv[2]
    top = blocks(run_help(program, []))
    title = top[0].splitlines()[0]  # "latchkey 0.1.0 - credentials for ..."
    name_version, _, tagline = title.partition(" - ")
    synopsis = top[0].splitlines()[-1].removeprefix("usage: latchkey ").strip()
    commands_block = next(b for b in top if b.startswith("commands:"))
    commands = [re.split(r"\s{2,}", line.strip(), maxsplit=1)
                for line in commands_block.splitlines()[1:]]
    global_block = next(b for b in top if b.startswith("global options:"))
    prose = [b for b in top if b not in (top[0], commands_block, global_block)]
    exit_line = next((b for b in prose if b.startswith("exit codes:")), "")
    prose = [b for b in prose if b != exit_line]

    page = [
        '.TH LATCHKEY 1 "" "%s" "User Commands"' % roff(name_version),
        '.\\" Generated from `latchkey --help` by docs/man/help_to_man.py: edit the help text.',
        ".nh",
        ".ad l",
        ".SH NAME",
        "latchkey \\- " + roff(tagline),
        ".SH SYNOPSIS",
        ".B latchkey",
        roff(synopsis),
        ".SH DESCRIPTION",
    ]
    for p in prose:
        page += [".PP", roff(p)]
    page += [".SH COMMANDS"]
    for name, summary in commands:
        text = run_help(program, name.split())
        usage = text.splitlines()[0].removeprefix("usage: latchkey [global options] ")
        page += [".TP", "\\fBlatchkey %s\\fR" % roff(usage), roff(summary)]
        entries = options(text)
        if any(not spec.startswith("-h [ --help ]") for spec, _ in entries):
            page += [".RS"] + option_list(entries, skip_help=True) + [".RE"]
    page += [".SH GLOBAL OPTIONS"] + option_list(options(global_block), skip_help=False)
    page += [".SH EXIT STATUS"]
    for code in exit_line.removeprefix("exit codes:").split(","):
        number, _, meaning = code.strip().partition(" ")
        page += [".TP", ".B " + number, roff(meaning)]
    page += [
        ".SH ENVIRONMENT",
        ".TP", ".B NO_COLOR",
        "when set to anything, messages are never coloured; without it they are coloured only "
        "on a terminal.",
        ".PP",
        "The variables that choose the policy, the site and option values are in "
        ".BR latchkey\\-policy (5).",
        ".SH SEE ALSO",
        ".BR latchkey\\-policy (5)",
    ]
    with open(out_path, "w") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
