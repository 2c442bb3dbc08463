# to_thread.py on uvloop
import uvloop_run  # noqa: F401
