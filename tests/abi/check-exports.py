#!/usr/bin/env python3
#
# check-exports.py: the shared library exports exactly the functions the
# public header declares, each in a version node of the symbol file.
#
#   check-exports.py NM HEADER SYMS LIBRARY
#
# Three sets are compared, each difference named:
#  - the functions (and data) declared by HEADER (libvirt-debug.h), parsed
#    from its declarations, not a hand list;
#  - the global names of the version script SYMS (libvirt-debug.syms);
#  - what `NM -D --defined-only LIBRARY` lists, all of which must carry a
#    LIBVIRT_DEBUG_x.y.z version.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import re
import subprocess
import sys


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def header_names(path):
    """The names the header declares at file scope: functions and
    extern data, not types (typedefs, struct/enum bodies)."""
    with open(path, encoding='utf-8') as f:
        text = strip_comments(f.read())
    # preprocessor lines, continued lines included
    text = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', text, flags=re.M)
    # the C++ guard's braces
    text = re.sub(r'extern\s+"C"\s*\{', ' ', text)
    # bodies of structs, unions and enums (nested); what remains of the
    # guard's closing brace is unmatched and dropped
    out = []
    depth = 0
    for ch in text:
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    names = set()
    for stmt in ''.join(out).split(';'):
        stmt = ' '.join(stmt.split())
        if not stmt or re.match(r'(typedef|struct|union|enum)\b', stmt):
            continue
        m = re.search(r'\b([A-Za-z_]\w*)\s*\(', stmt)
        if m:
            names.add(m.group(1))
            continue
        m = re.match(r'extern\b.*?\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?$', stmt)
        if m:
            names.add(m.group(1))
            continue
        raise SystemExit('%s: cannot tell what this declares: %r' %
                         (path, stmt))
    return names


def syms_names(path):
    """node name -> its global names, from a GNU ld version script."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    text = re.sub(r'#[^\n]*', ' ', text)
    nodes = {}
    for m in re.finditer(r'([\w.]+)\s*\{(.*?)\}\s*([\w.]+)?\s*;', text, flags=re.S):
        body = m.group(2)
        g = re.search(r'global\s*:(.*?)(?:\blocal\s*:|$)', body, flags=re.S)
        names = []
        if g:
            names = [n.strip() for n in g.group(1).split(';') if n.strip()]
        nodes[m.group(1)] = names
    return nodes


def exported(nm, lib):
    """name -> version, of what the library's dynamic symbol table
    defines (the version nodes themselves, absolute symbols, left out)."""
    res = subprocess.run([nm, '-D', '--defined-only', '--with-symbol-versions',
                          lib], capture_output=True, text=True, check=True)
    syms = {}
    for line in res.stdout.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        kind, name = fields[-2], fields[-1]
        version = None
        if '@' in name:
            name, _, version = name.partition('@')
            version = version.lstrip('@')
        if kind == 'A' and (version is None or version == name):
            continue
        syms[name] = version
    return syms


def main():
    if len(sys.argv) != 5:
        raise SystemExit('usage: %s NM HEADER SYMS LIBRARY' % sys.argv[0])
    nm, header, symfile, lib = sys.argv[1:]
    ok = True

    declared = header_names(header)
    if len(declared) < 10:
        raise SystemExit('%s: only %d declarations found: the parser no '
                         'longer reads the header' % (header, len(declared)))

    nodes = syms_names(symfile)
    listed = {}
    for node, names in nodes.items():
        if not re.fullmatch(r'LIBVIRT_DEBUG_\d+\.\d+\.\d+', node):
            print('%s: node %s is not named LIBVIRT_DEBUG_x.y.z' %
                  (symfile, node))
            ok = False
        for n in names:
            if '*' in n or '?' in n:
                print('%s: %s: a pattern in global: (list names)' %
                      (symfile, n))
                ok = False
            elif n in listed:
                print('%s: %s is in both %s and %s' %
                      (symfile, n, listed[n], node))
                ok = False
            listed[n] = node
    if not nodes:
        print('%s: no version node' % symfile)
        ok = False

    syms = exported(nm, lib)

    def report(names, what):
        nonlocal ok
        for n in sorted(names):
            print(what % n)
            ok = False

    report(declared - set(syms),
           '%%s: declared by %s but not exported by %s' % (header, lib))
    report(set(syms) - declared,
           '%%s: exported by %s but not declared by %s' % (lib, header))
    report(declared - set(listed),
           '%%s: declared by %s but missing from %s' % (header, symfile))
    report(set(listed) - declared,
           '%%s: in %s but not declared by %s' % (symfile, header))
    for n in sorted(set(syms) & set(listed)):
        if syms[n] != listed[n]:
            print('%s: exported with version %s, %s puts it in %s' %
                  (n, syms[n] or '(none)', symfile, listed[n]))
            ok = False

    if ok:
        print('%d functions declared, listed and exported, in %s' %
              (len(declared), ', '.join(nodes)))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
