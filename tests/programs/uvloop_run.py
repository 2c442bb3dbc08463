# Runs one of the programs of this folder on uvloop: imported by uvloop_NAME.py, it installs
# uvloop's event loop policy and runs NAME.py as __main__, so the same checks apply to both
# loops.
import os
import runpy
import sys

import uvloop

here = os.path.dirname(os.path.abspath(sys.modules['__main__'].__file__))
name = os.path.basename(sys.modules['__main__'].__file__)[len('uvloop_'):]
uvloop.install()
runpy.run_path(os.path.join(here, name), run_name='__main__')
