"""Two steps of running Machine Eyes inside the README's systemd unit without systemd (test_unit.py).

``python unit_walls.py families PROGRAM ARG...`` puts a seccomp filter that allows only the
``AF_UNIX`` and ``AF_NETLINK`` socket families on this process (``demo.base.offline``'s filter, the same
families as the unit's ``RestrictAddressFamilies=AF_UNIX AF_NETLINK``) and then executes PROGRAM,
which inherits it: the exhibit then starts under a filter that is already there, as in the unit.

``python unit_walls.py count ARG...`` runs ``machine-eyes ARG...`` as its console script does and
prints ``frames shown: N`` on stderr at the end, N counted by the live loop's ``on_frame`` hook.
"""

import os
import sys


def families(argv: list[str]) -> None:
    from demo.base.offline import forbid_network

    if not forbid_network():
        sys.exit("unit_walls: this system has no seccomp filter for socket families")
    os.execvp(argv[0], argv)


def count(argv: list[str]) -> int:
    import demo.live.app
    from demo.cli import main

    real_run = demo.live.app.run
    shown = [0]

    def counting_run(*args, on_frame=None, **kwargs):
        def counted(frames_shown, state, attracting):
            shown[0] = frames_shown
            if on_frame is not None:
                on_frame(frames_shown, state, attracting)
        return real_run(*args, on_frame=counted, **kwargs)

    demo.live.app.run = counting_run  # cli.run_live imports it from demo.live.app when it starts the loop
    sys.argv = ["machine-eyes", *argv]
    code = main()
    print(f"frames shown: {shown[0]}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    step, rest = sys.argv[1], sys.argv[2:]
    if step == "families":
        families(rest)
    elif step == "count":
        sys.exit(count(rest))
    else:
        sys.exit(f"unit_walls: unknown step {step!r} (families or count)")
