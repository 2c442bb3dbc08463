# queue_workers.py on uvloop
import uvloop_run  # noqa: F401
