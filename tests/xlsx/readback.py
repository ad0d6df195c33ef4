"""What the read-back checks of the workbooks written by a service test share: run one test of
the test program with the workbook's path in an environment variable, open what it wrote with
openpyxl (formulas, and the cached values), count failed checks, and end with the exit status."""
import os
import subprocess
import sys
import tempfile

import openpyxl  # Debian: python3-openpyxl (scripts/install-deps.sh --test)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def written_by(test_program, env_var, test_filter, name):
    """(workbook, workbook with cached values) of the file the test writes to $env_var."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name)
        env = dict(os.environ, **{env_var: path})
        subprocess.run([test_program, "--gtest_filter=" + test_filter], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        return openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def finish(ok_message):
    print(f"{len(failures)} failure(s)" if failures else ok_message)
    sys.exit(1 if failures else 0)
