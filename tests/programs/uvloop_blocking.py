# blocking.py on uvloop
import uvloop_run  # noqa: F401
