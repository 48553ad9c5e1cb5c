# SPDX-License-Identifier: GPL-3.0-or-later
"""Named checks, each a list of problems (falsy entries are ignored), reported as TAP."""
import sys


class Checks:
    def __init__(self):
        self.results = []

    def check(self, name, problems):
        """Records a check: it passes when none of @problems is a problem."""
        self.results.append((name, [p for p in problems if p]))

    def finish(self):
        """Prints the TAP report and exits 1 if a check failed."""
        print(f"1..{len(self.results)}")
        failed = 0
        for number, (name, problems) in enumerate(self.results, 1):
            print(f"{'not ok' if problems else 'ok'} {number} - {name}")
            failed += bool(problems)
            for problem in problems:
                for line in str(problem).splitlines():
                    print(f"# {line}")
        sys.exit(1 if failed else 0)
