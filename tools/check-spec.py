#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Check Documentation/netlink/specs/actun.yaml against the code that
implements it, and exit 1 on a mismatch:

- uapi/linux/actun.h (hand-written): every attribute set, enum and command
  in the same order with the same numbers, every const with its value;
- the files tools/netlink-gen.py writes from the spec (the kernel's
  policies and operations, libactun's attribute tables): byte for byte
  what the generator makes of the spec now.

    tools/check-spec.py [SPEC [HEADER]]      (make -C tools check-spec)
"""
import importlib.util
import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(TOP, "Documentation/netlink/specs/actun.yaml")
HEADER = sys.argv[2] if len(sys.argv) > 2 else \
    os.path.join(TOP, "uapi/linux/actun.h")


def c_name(s):
    return s.upper().replace("-", "_")


def c_enum(header, name):
    """Member names of enum NAME, in order, without __MAX and aliases."""
    m = re.search(r"enum %s \{(.*?)\};" % re.escape(name), header, re.S)
    if not m:
        return None
    names = []
    for line in m.group(1).split("\n"):
        line = line.strip().rstrip(",")
        if line and not line.startswith("__") and "=" not in line:
            names.append(line)
    return names


def c_const(header, name):
    m = re.search(r"#define %s\s+(.+)" % re.escape(name), header)
    if not m:
        return None
    expr = m.group(1).split("/*")[0].strip()
    expr = re.sub(r"ACTUN_\w+",
                  lambda n: str(c_const(header, n.group(0))), expr)
    return eval(expr, {"__builtins__": {}})  # digits, parens, + and -


def generated_stale():
    """The generated files that differ from what SPEC gives now."""
    path = os.path.join(TOP, "tools", "netlink-gen.py")
    mod_spec = importlib.util.spec_from_file_location("netlink_gen", path)
    gen = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(gen)
    return gen.check(SPEC)


def main():
    spec = yaml.safe_load(open(SPEC))
    header = open(HEADER).read()
    errors = []

    def compare(what, expected, enum):
        got = c_enum(header, enum)
        if got != expected:
            errors.append("%s: spec %s, header enum %s %s"
                          % (what, expected, enum, got))

    for d in spec["definitions"]:
        if d["type"] == "enum":
            entries = [c_name(d["name-prefix"] + str(e))
                       for e in d["entries"]]
            compare("enum " + d["name"], entries,
                    "actun_" + d["name"].replace("-", "_"))
        elif d["type"] == "const":
            cname = "ACTUN_" + c_name(d["name"])
            if c_const(header, cname) != d["value"]:
                errors.append("const %s: spec %s, header %s"
                              % (d["name"], d["value"],
                                 c_const(header, cname)))
    for s in spec["attribute-sets"]:
        prefix = c_name(s["name-prefix"])
        attrs = [prefix + "UNSPEC"] + \
            [prefix + c_name(a["name"]) for a in s["attributes"]]
        enum = "actun_attr" if s["name"] == "actun" else \
            "actun_%s_attr" % s["name"].replace("-", "_")
        compare("attribute-set " + s["name"], attrs, enum)
    cmds = c_enum(header, "actun_cmd") or []
    value = 0
    for op in spec["operations"]["list"]:
        value = op.get("value", value + 1)
        name = "ACTUN_CMD_" + c_name(op["name"])
        if value >= len(cmds) or cmds[value] != name:
            errors.append("operation %s: value %d is %s in the header"
                          % (op["name"], value,
                             cmds[value] if value < len(cmds) else "absent"))
    spec_ops = {"ACTUN_CMD_" + c_name(op["name"])
                for op in spec["operations"]["list"]}
    for cmd in cmds[1:]:
        if cmd not in spec_ops:
            errors.append("command %s is not in the spec" % cmd)
    for path in generated_stale():
        errors.append("%s is not what tools/netlink-gen.py makes of the "
                      "spec; run `make -C tools netlink-gen`" % path)
    for e in errors:
        print("check-spec: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
