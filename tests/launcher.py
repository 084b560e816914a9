"""Runs commands for the tests from a process the network filter never reached.

Machine Eyes takes the network away from its own process for good (``demo.base.offline``), and every
child inherits that. The test session makes FaceMesh objects, so later test processes could not
open a socket even to show that our checks would see one. conftest.py starts this launcher before
any test runs; it reads one JSON request per line ({"argv", "cwd", "env", "timeout"}) and answers
with one JSON line ({"returncode", "stdout", "stderr"}).
"""

import json
import subprocess
import sys

for line in sys.stdin:
    request = json.loads(line)
    try:
        done = subprocess.run(request["argv"], cwd=request["cwd"], env=request["env"], capture_output=True,
                              text=True, timeout=request["timeout"])
        answer = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    except subprocess.TimeoutExpired as error:
        answer = {"returncode": -9, "stdout": "", "stderr": f"timed out after {error.timeout} s"}
    print(json.dumps(answer), flush=True)
