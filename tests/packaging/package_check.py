#!/usr/bin/env python3
"""Fails when the build read a file from a Debian package that setup.sh does not install.

A package installed by hand on the developer's machine makes the build pass there and fail on a
fresh one (issue 9: Qt6Charts needs Qt6OpenGL's CMake files, which only a Recommends brings). This
check works from the build that was just made, so it catches that on the developer's own machine:

  1. the files the build read: every header in `ninja -t deps`, the CMake files that build.ninja's
     re-run rule lists, the libraries on the link lines, the tools its commands run and the compiler;
  2. the package that owns each file (dpkg's file lists, as `dpkg -S` reads them);
  3. the closure of what `./setup.sh packages build` names over Depends and Pre-Depends (never
     Recommends), with virtual packages resolved to their installed providers, plus the Essential
     and required packages that every Debian system has.

A package in (2) that is not in (3) is named with the files that need it; a file that no package
owns (a hand-installed library in /usr/local, say) is named too. Only the standard library is used,
so that the check itself needs nothing that setup.sh does not install.

  package_check.py --build-dir BUILD --source-dir SRC [--ignore PREFIX]... [--without PKG]...
                   [--expect-missing PKG]...

--without drops a package from setup.sh's list (to show that the check would have caught it) and
--expect-missing inverts the verdict: it passes only when the check fails naming that package.
"""

import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict

DPKG_STATUS = "/var/lib/dpkg/status"
DPKG_INFO = "/var/lib/dpkg/info"


# ---- the installed packages and their relations ---------------------------------------------------

def read_status(path=DPKG_STATUS):
    """Installed packages: name -> fields (Depends, Pre-Depends, Provides, Essential, Priority)."""
    packages = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        stanza = {}
        key = None
        for line in f.read().splitlines() + [""]:
            if not line:
                if stanza.get("Status", "").endswith(" installed") and "Package" in stanza:
                    entry = packages.setdefault(stanza["Package"], {"deps": [], "provides": set()})
                    for field in ("Depends", "Pre-Depends"):
                        entry["deps"] += parse_relations(stanza.get(field, ""))
                    for group in parse_relations(stanza.get("Provides", "")):
                        entry["provides"].update(group)
                    entry["base"] = (stanza.get("Essential") == "yes"
                                     or stanza.get("Priority") == "required")
                stanza, key = {}, None
            elif line[0].isspace() and key:
                stanza[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                stanza[key] = value.strip()
    return packages


def parse_relations(text):
    """'a (>= 1) | b:any, c [amd64]' -> [['a', 'b'], ['c']]: alternatives, names only."""
    groups = []
    for clause in text.split(","):
        names = []
        for alternative in clause.split("|"):
            name = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alternative).strip()
            name = name.split(":")[0]
            if name:
                names.append(name)
        if names:
            groups.append(names)
    return groups


def closure(roots, packages):
    """Everything that installing `roots` on a fresh system pulls in through Depends/Pre-Depends."""
    providers = defaultdict(set)
    for name, entry in packages.items():
        for virtual in entry["provides"]:
            providers[virtual].add(name)

    def resolve(name):
        if name in packages:
            return {name}
        return providers.get(name, set())

    todo = [name for name, entry in packages.items() if entry["base"]]
    missing_roots = []
    for root in roots:
        found = resolve(root)
        if not found:
            missing_roots.append(root)
        todo += sorted(found)
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in packages[name]["deps"]:
            # apt satisfies "a | b" with the first alternative it can: on a fresh system that is the
            # first one here that is installed at all.
            for alternative in group:
                found = resolve(alternative)
                if found:
                    todo += sorted(found)
                    break
    return seen, missing_roots


# ---- which package owns a file --------------------------------------------------------------------

def read_owners(info_dir=DPKG_INFO):
    owners = defaultdict(set)
    for list_file in glob.glob(os.path.join(info_dir, "*.list")):
        package = os.path.basename(list_file)[: -len(".list")].split(":")[0]
        with open(list_file, encoding="utf-8", errors="replace") as f:
            for line in f:
                owners[line.rstrip("\n")].add(package)
    return owners


def usrmerge_aliases(path):
    """On merged-/usr systems dpkg may list /lib/x.so while the build read /usr/lib/x.so."""
    yield path
    for short in ("/lib", "/lib64", "/bin", "/sbin"):
        if path.startswith("/usr" + short + "/"):
            yield path[len("/usr"):]
        elif path.startswith(short + "/"):
            yield "/usr" + path


def owners_of(path, owners):
    # The path as read first (a -dev package's libfoo.so symlink is what the build needs), then
    # the file it resolves to (a directory on the way may be a symlink).
    for candidate in (path, os.path.normpath(path), os.path.realpath(path)):
        for alias in usrmerge_aliases(candidate):
            if alias in owners:
                return owners[alias]
    return set()


# ---- what the build read --------------------------------------------------------------------------

def ninja_unescape_split(text):
    """Splits a ninja path list on unescaped spaces and undoes $-escapes."""
    items, current, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "$" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
            continue
        if c == " ":
            if current:
                items.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    if current:
        items.append("".join(current))
    return items


def files_read(build_dir, ninja):
    """{absolute path: reason} for every file outside the trees that the build read."""
    read = {}

    def add(path, reason):
        if not path:
            return
        path = path if os.path.isabs(path) else os.path.join(build_dir, path)
        read.setdefault(os.path.normpath(path), reason)

    deps = subprocess.run([ninja, "-C", build_dir, "-t", "deps"], check=True, capture_output=True,
                          text=True).stdout
    target = None
    for line in deps.splitlines():
        if line and not line[0].isspace():
            target = line.split(":")[0]
        elif line.strip():
            add(line.strip(), f"header, compiling {target}")

    with open(os.path.join(build_dir, "build.ninja"), encoding="utf-8") as f:
        text = f.read().replace("$\n", "")
    rerun = re.search(r"^build build\.ninja[^\n]*?: RERUN_CMAKE [^\n|]*\|([^\n]*)$", text, re.M)
    if not rerun:
        raise SystemExit("package check: build.ninja has no RERUN_CMAKE rule; is this a Ninja build?")
    for path in ninja_unescape_split(rerun.group(1).strip()):
        add(path, "CMake configure")

    compiler = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("LINK_LIBRARIES = ") or line.startswith("LINK_PATH = "):
            for token in shlex.split(line.split("=", 1)[1]):
                for piece in token.split(","):
                    piece = piece.strip('"')
                    if piece.startswith("-l") and len(piece) > 2:
                        add(find_library(piece[2:]), f"link line ({piece})")
                    elif piece.startswith("/") and re.search(r"\.(so(\.[0-9]+)*|a)$", piece):
                        add(piece, "link line")
        elif line.startswith("COMMAND = ") or line.startswith("command = "):
            # Tools that custom commands run (moc, rcc, python, ...): the first word of each step.
            for step in re.split(r"&&|;", line.split("=", 1)[1]):
                words = step.split()
                if words and words[0].startswith("/") and os.path.isfile(words[0]):
                    add(words[0], "a build command")

    cache = os.path.join(build_dir, "CMakeCache.txt")
    with open(cache, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"(CMAKE_CXX_COMPILER|CMAKE_COMMAND|CMAKE_MAKE_PROGRAM|CMAKE_LINKER|CMAKE_AR)"
                         r"(:[A-Z]+)?=(/.+)$", line.strip())
            if m and os.path.exists(m.group(3)):
                add(m.group(3), m.group(1))
                if m.group(1) == "CMAKE_CXX_COMPILER":
                    compiler = m.group(3)
    return read, compiler


def find_library(name):
    for suffix in (".so", ".a"):
        out = subprocess.run(["c++", f"-print-file-name=lib{name}{suffix}"], capture_output=True,
                             text=True).stdout.strip()
        if os.path.isabs(out) and os.path.exists(out):
            return out
    return None


# ---- verdict ---------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--ninja", default="ninja")
    parser.add_argument("--ignore", action="append", default=[],
                        help="a prefix whose files are not Debian's on purpose (an optional CUDA toolkit)")
    parser.add_argument("--without", action="append", default=[])
    parser.add_argument("--expect-missing", action="append", default=[])
    args = parser.parse_args()

    build_dir = os.path.realpath(args.build_dir)
    source_dir = os.path.realpath(args.source_dir)
    setup = os.path.join(source_dir, "setup.sh")
    roots = subprocess.run(["bash", setup, "packages", "build"], check=True, capture_output=True,
                           text=True).stdout.split()
    roots = [r for r in roots if r not in args.without]

    packages = read_status()
    allowed, missing_roots = closure(roots, packages)
    if missing_roots:
        # setup.sh names a package that is not installed: `./setup.sh build` would install it, but
        # this machine's build cannot have read it, so the rest of the verdict still holds.
        print("package check: not installed here (setup.sh would install them): " + ", ".join(missing_roots))

    owners = read_owners()
    read, _ = files_read(build_dir, args.ninja)
    ignored = [os.path.realpath(p) for p in args.ignore] + [source_dir, build_dir]

    needed = defaultdict(list)  # package -> [(path, reason)]
    unowned = []
    checked = 0
    for path, reason in sorted(read.items()):
        real = os.path.realpath(path)
        if any(p == q or p.startswith(q + os.sep) for p in (path, real) for q in ignored):
            continue
        checked += 1
        found = owners_of(path, owners)
        if not found:
            unowned.append((path, reason))
        elif not found & allowed:
            needed[" or ".join(sorted(found))].append((path, reason))

    used = {p for path in read for p in owners_of(path, owners)}
    print(f"package check: {checked} files read by the build in {build_dir}, from {len(used)} packages;"
          f" setup.sh's {len(roots)} build packages close over {len(allowed)} packages")

    problems = []
    for package, files in sorted(needed.items()):
        path, reason = files[0]
        more = f", and {len(files) - 1} more" if len(files) > 1 else ""
        problems.append(f"  {package}: not installed by setup.sh, but the build read {path}"
                        f" ({reason}){more}")
    for path, reason in unowned[:20]:
        problems.append(f"  {path} ({reason}) belongs to no Debian package: it was installed by hand")
    if len(unowned) > 20:
        problems.append(f"  ... and {len(unowned) - 20} more files that belong to no package")

    if args.expect_missing:
        named = [pkg for pkg in args.expect_missing if any(pkg in p.split(" or ") for p in needed)]
        print("\n".join(problems) if problems else "package check: found no missing package")
        if sorted(named) != sorted(args.expect_missing):
            print("FAIL: expected the check to name " + ", ".join(args.expect_missing), file=sys.stderr)
            return 1
        print("package check: as expected, it names " + ", ".join(named))
        return 0

    if problems:
        print("FAIL: the build depends on packages that a fresh machine does not get from setup.sh:",
              file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        print("Add each package to PACKAGES in setup.sh (Recommends are not installed).", file=sys.stderr)
        return 1
    print("package check: every file comes from a package that setup.sh installs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
