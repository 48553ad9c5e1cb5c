# SPDX-License-Identifier: GPL-3.0-or-later
"""TAP output for the Python tests that check a list of named conditions."""


def report(checks, advice=None):
    """Prints checks, a list of (name, problems), as TAP: a check passes when its list of
    problems is empty, else each problem becomes a diagnostic line. Prints advice (if any)
    when something failed. Returns the exit status."""
    print(f"1..{len(checks)}")
    failed = 0
    for number, (name, problems) in enumerate(checks, 1):
        if problems:
            failed += 1
            print(f"not ok {number} - {name}")
            for problem in problems:
                print(f"# {problem}")
        else:
            print(f"ok {number} - {name}")
    if failed and advice:
        print(f"# {advice}")
    return 1 if failed else 0
