# wait_for.py on uvloop
import uvloop_run  # noqa: F401
